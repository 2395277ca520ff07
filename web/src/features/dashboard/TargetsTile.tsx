import { Group, Progress, Stack, Text } from '@mantine/core';
import { formatMoney, formatNumber } from '../../lib/format';
import { formatPercent } from '../reports/reportFormat';
import type { Target, Targets } from './dashboards.types';

type Goal = 'wonValue' | 'wonCount' | 'newLeads' | 'calls';
export const goals: { key: Goal; label: string; money?: boolean }[] = [
  { key: 'wonValue', label: 'Won value', money: true },
  { key: 'wonCount', label: 'Won deals' },
  { key: 'newLeads', label: 'New leads' },
  { key: 'calls', label: 'Calls' },
];

/** One goal of a target: what was achieved of what was set, with a progress bar (hidden when not set). */
export function GoalRow({ target, goal }: { target: Target; goal: (typeof goals)[number] }) {
  const wanted = target.target[goal.key];
  const achieved = target.achieved[goal.key];
  const progress = target.progress[goal.key];
  if (wanted === null || (goal.key !== 'wonValue' && goal.key !== 'wonCount' && wanted === 0)) return null;
  const show = (n: number | null) => (goal.money ? formatMoney(n) : formatNumber(n));
  const done = progress !== null && progress >= 1;
  return (
    <div>
      <Group justify="space-between" gap={4} wrap="wrap">
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {goal.label}
        </Text>
        <Text size="xs" fw={600} style={{ whiteSpace: 'nowrap' }}>
          {achieved === null ? '—' : show(achieved)} of {show(wanted)}
          {progress !== null ? ` · ${formatPercent(progress)}` : ''}
        </Text>
      </Group>
      <Progress
        value={progress === null ? 0 : Math.min(100, progress * 100)}
        color={done ? 'teal' : 'brand'}
        size="sm"
        aria-label={`${target.scope.name}: ${goal.label}`}
      />
    </div>
  );
}

/** The targets of the dashboard's month or quarter (this month by default), with each one's progress. */
export function TargetsBody({ data }: { data: Targets }) {
  if (data.data.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        No targets set for {data.period.label}.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      <Text size="xs" c="dimmed">
        {data.period.label}
      </Text>
      {data.data.map((target) => (
        <Stack key={target.id} gap={6}>
          <Text size="sm" fw={600} truncate>
            {target.scope.name}
          </Text>
          {goals.map((goal) => (
            <GoalRow key={goal.key} target={target} goal={goal} />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}
