import { Button, Group, Pill, Text } from '@mantine/core';
import { IconChartBar, IconFilterOff } from '@tabler/icons-react';
import { formatDateTime, formatDay } from '../../lib/format';
import { leadCatalog } from '../../lib/lead-catalog';
import { useCan } from '../auth/session';
import { useUser } from '../users/users.queries';
import { useCustomFields } from './customFields.queries';
import { sourceLabel } from './fields';
import type { ExtraFilters } from './leadFilters';
import { type Stage, stageName } from './stages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Filters that are not fields of the lead: its team, and its stage history. */
const special: Record<string, string> = {
  team: 'Team of',
  reached: 'Reached stage',
  reachedFrom: 'Came from stage',
  reachedAt: 'Reached',
  tagsMatch: 'Tags match',
};

function fieldLabel(base: string, customLabels: Map<string, string>): string {
  if (special[base]) return special[base];
  if (base.startsWith('cf.')) return customLabels.get(base.slice(3)) ?? base.slice(3);
  const field = leadCatalog.find((f) => {
    const filter = 'filter' in f ? (f.filter as { param?: string }) : null;
    return filter && (filter.param ?? f.key) === base;
  });
  return field?.label ?? base;
}

function PersonName({ id }: { id: string }) {
  const canRead = useCan('users:read');
  if (!canRead) return <>a person</>;
  return <KnownPerson id={id} />;
}

function KnownPerson({ id }: { id: string }) {
  const user = useUser(id);
  return <>{user.data?.name ?? (user.isError ? 'a person or partner' : '…')}</>;
}

function Value({ name, value, stages }: { name: string; value: string; stages: readonly Stage[] }) {
  const base = name.replace(/\.(min|max)$/, '');
  const parts = value.split(',').filter(Boolean);
  if (base === 'stage' || base === 'reached' || base === 'reachedFrom') {
    return <>{parts.map((key) => stageName(stages, key)).join(', ')}</>;
  }
  if (base === 'source') return <>{parts.map((s) => sourceLabel(s)).join(', ')}</>;
  if (parts.length === 1 && UUID.test(value)) return <PersonName id={value} />;
  if (parts.length > 1 && parts.every((p) => UUID.test(p))) return <>{parts.length} people</>;
  if (value === 'none') return <>nobody</>;
  if (DAY.test(value)) return <>{formatDay(value)}</>;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return <>{formatDateTime(value)}</>;
  return <>{value}</>;
}

/**
 * The filters a report's drill-down brought that the filter bar has no control for (reached a stage, a team, a
 * campaign…), each removable, with the report's caption: the list shows exactly what the figure counted.
 */
export function DrillFilters({
  extras,
  via,
  stages,
  onRemove,
  onClear,
}: {
  extras: ExtraFilters;
  via: string | null;
  stages: readonly Stage[];
  onRemove: (name: string) => void;
  onClear: () => void;
}) {
  const customFields = useCustomFields('all');
  const names = Object.keys(extras);
  if (names.length === 0 && !via) return null;
  const customLabels = new Map((customFields.data ?? []).map((f) => [f.key, f.label]));

  return (
    <Group
      gap="xs"
      px="md"
      py="xs"
      wrap="wrap"
      data-testid="drill-filters"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      {via && (
        <Group gap={6} wrap="nowrap" miw={0}>
          <IconChartBar size={16} aria-hidden="true" />
          <Text size="sm" fw={500} truncate>
            From a report: {via}
          </Text>
        </Group>
      )}
      <Pill.Group>
        {names.map((name) => {
          const raw = extras[name];
          const values = Array.isArray(raw) ? raw : [raw ?? ''];
          const bound = name.endsWith('.min') ? ' from' : name.endsWith('.max') ? ' to' : '';
          const label = `${fieldLabel(name.replace(/\.(min|max)$/, ''), customLabels)}${bound}`;
          return (
            <Pill
              key={name}
              withRemoveButton
              onRemove={() => onRemove(name)}
              removeButtonProps={{ 'aria-label': `Remove filter ${label}` }}
            >
              {label}:{' '}
              {values.map((value, i) => (
                <span key={value}>
                  {i > 0 ? ' or ' : ''}
                  <Value name={name} value={value} stages={stages} />
                </span>
              ))}
            </Pill>
          );
        })}
      </Pill.Group>
      <Button
        variant="subtle"
        color="gray"
        size="compact-sm"
        leftSection={<IconFilterOff size={14} />}
        onClick={onClear}
        ml="auto"
      >
        Clear report filters
      </Button>
    </Group>
  );
}
