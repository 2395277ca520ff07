import { Badge, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ScoreTier } from './scoring.types';

export const tierColors: Record<ScoreTier, string> = { hot: 'red', warm: 'orange', cold: 'blue' };
export const tierLabels: Record<ScoreTier, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };

export function isTier(value: unknown): value is ScoreTier {
  return value === 'hot' || value === 'warm' || value === 'cold';
}

/** A score tier as a coloured badge (hot red, warm orange, cold blue), labelled with the tier or what is given. */
export function ScoreTierBadge({
  tier,
  children,
  ...props
}: { tier: ScoreTier; children?: ReactNode; title?: string } & Omit<BadgeProps, 'color' | 'children'>) {
  return (
    <Badge color={tierColors[tier]} variant="light" {...props}>
      {children ?? tierLabels[tier]}
    </Badge>
  );
}

/** The tiers as options of a select, hottest first. */
export const tierOptions = (['hot', 'warm', 'cold'] as const).map((value) => ({ value, label: tierLabels[value] }));
