import type { MantineColor } from '@mantine/core';

export type StageKind = 'open' | 'won' | 'lost';

export interface Stage {
  key: string;
  name: string;
  kind: StageKind;
  /** Lead fields (or `customFields.<key>`) that must hold a value once a lead is in this stage. */
  requiredFields: string[];
}

/** The pipeline every company starts with; used until the company's own stages have loaded. */
export const defaultStages: readonly Stage[] = [
  { key: 'new', name: 'New', kind: 'open', requiredFields: [] },
  { key: 'demo', name: 'Demo', kind: 'open', requiredFields: [] },
  { key: 'proposal', name: 'Proposal', kind: 'open', requiredFields: [] },
  { key: 'trial', name: 'Trial', kind: 'open', requiredFields: [] },
  { key: 'won', name: 'Won', kind: 'won', requiredFields: ['expectedValue'] },
  { key: 'lost', name: 'Lost', kind: 'lost', requiredFields: ['lostReason'] },
];

const openColors: MantineColor[] = ['blue', 'cyan', 'indigo', 'violet', 'grape', 'orange', 'yellow'];

/** Won is green and lost is red everywhere; open stages take a calm colour by position. */
export function stageColor(stages: readonly Stage[], key: string): MantineColor {
  const index = stages.findIndex((s) => s.key === key);
  const stage = stages[index];
  if (!stage) return 'gray';
  if (stage.kind === 'won') return 'teal';
  if (stage.kind === 'lost') return 'red';
  return openColors[index % openColors.length] ?? 'blue';
}

export function stageName(stages: readonly Stage[], key: string): string {
  return stages.find((s) => s.key === key)?.name ?? key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function isClosed(stage: Stage | undefined): boolean {
  return stage?.kind === 'won' || stage?.kind === 'lost';
}
