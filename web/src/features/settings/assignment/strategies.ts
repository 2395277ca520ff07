import type { RuleStrategy } from '../settings.types';

export const strategies: readonly { value: RuleStrategy; label: string; description: string }[] = [
  { value: 'user', label: 'One person', description: 'Every matching lead goes to the same salesperson.' },
  {
    value: 'round_robin',
    label: 'Round robin',
    description: 'In turn, in the order listed, skipping anyone unavailable.',
  },
  {
    value: 'least_loaded',
    label: 'Least loaded',
    description: 'To whoever owns the fewest open leads right now.',
  },
  {
    value: 'weighted',
    label: 'Weighted',
    description: 'In turn, but each person gets leads in proportion to their weight.',
  },
];

export function strategyLabel(value: string): string {
  return strategies.find((item) => item.value === value)?.label ?? value;
}

export function isStrategy(value: string | null): value is RuleStrategy {
  return strategies.some((item) => item.value === value);
}
