import type { StageKind } from '../settings.types';

interface KindInfo {
  value: StageKind;
  label: string;
  color: string;
  hint: string;
}

const open: KindInfo = { value: 'open', label: 'Open', color: 'brand', hint: 'Work in progress' };

export const stageKinds: readonly KindInfo[] = [
  open,
  { value: 'won', label: 'Won', color: 'teal', hint: 'Closed: the deal is done' },
  { value: 'lost', label: 'Lost', color: 'red', hint: 'Closed: the deal fell through' },
];

export function kindOf(kind: string): KindInfo {
  return stageKinds.find((item) => item.value === kind) ?? open;
}

export function isStageKind(value: string | null): value is StageKind {
  return value === 'open' || value === 'won' || value === 'lost';
}
