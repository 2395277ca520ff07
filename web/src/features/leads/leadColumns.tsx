import { Badge, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../lib/api';
import { formatDateTime, formatDay, formatMoney, formatNumber, formatRelative } from '../../lib/format';
import { isTier, ScoreTierBadge } from '../scoring/ScoreTierBadge';
import { usersKeys } from '../users/users.queries';
import { sourceLabel } from './fields';
import type { CustomFieldDef, Lead } from './leads.types';
import { type Stage, stageColor, stageName } from './stages';

export interface ColumnContext {
  stages: readonly Stage[];
  currency: string;
  locale: string;
}

export interface LeadColumn {
  /** The lead field it shows (`customFields.<key>` for a custom field): also its name in a saved view and in `sort`. */
  id: string;
  label: string;
  /** The lead field the column shows; a role that cannot see it does not get the column. */
  field?: string;
  render: (lead: Lead, ctx: ColumnContext) => ReactNode;
  /** Shown to someone who has not chosen columns yet. */
  byDefault: boolean;
  /** Whether the list route can sort by it. */
  sortable?: boolean;
  align?: 'right';
}

const dimmed = (text: string | null | undefined) =>
  text ? (
    <Text size="sm" truncate>
      {text}
    </Text>
  ) : (
    <Text size="sm" c="dimmed">
      —
    </Text>
  );

/** A colleague's name from their id (shared with the users pages' cache); "—" when it cannot be seen. */
function UserName({ id }: { id: string }) {
  const user = useQuery({
    queryKey: usersKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
    staleTime: 5 * 60_000,
  });
  return dimmed(user.data?.name);
}

export function StageBadge({ stage, stages }: { stage: string; stages: readonly Stage[] }) {
  return (
    <Badge color={stageColor(stages, stage)} variant="light">
      {stageName(stages, stage)}
    </Badge>
  );
}

function when(iso: string) {
  return (
    <Text size="sm" title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </Text>
  );
}

function tagList(tags: string[] | undefined) {
  if (!tags || tags.length === 0) return dimmed(null);
  return (
    <Group gap={4} wrap="nowrap">
      {tags.slice(0, 2).map((tag) => (
        <Badge key={tag} size="sm" color="gray">
          {tag}
        </Badge>
      ))}
      {tags.length > 2 && (
        <Text size="xs" c="dimmed">
          +{tags.length - 2}
        </Text>
      )}
    </Group>
  );
}

/** Every built-in column the lead list offers, in their usual order; the name column is always shown first. */
export const leadColumns: readonly LeadColumn[] = [
  {
    id: 'companyName',
    label: 'Company',
    field: 'companyName',
    byDefault: true,
    sortable: true,
    render: (l) => dimmed(l.companyName),
  },
  {
    id: 'stage',
    label: 'Stage',
    byDefault: true,
    sortable: true,
    render: (l, ctx) => <StageBadge stage={l.stage} stages={ctx.stages} />,
  },
  {
    id: 'ownerName',
    label: 'Owner',
    field: 'ownerId',
    byDefault: true,
    sortable: true,
    render: (l) =>
      l.ownerName ? (
        dimmed(l.ownerName)
      ) : (
        <Text size="sm" c="dimmed">
          Unassigned
        </Text>
      ),
  },
  {
    id: 'expectedValue',
    label: 'Value',
    field: 'expectedValue',
    byDefault: true,
    sortable: true,
    align: 'right',
    render: (l) => (
      <Text size="sm" fw={500} ta="right">
        {formatMoney(l.expectedValue, l.currency)}
      </Text>
    ),
  },
  {
    id: 'score',
    label: 'Score',
    field: 'score',
    byDefault: true,
    sortable: true,
    render: (l) =>
      typeof l.score === 'number' ? (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} w="2ch" ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {l.score}
          </Text>
          {isTier(l.scoreTier) && <ScoreTierBadge tier={l.scoreTier} size="sm" style={{ flexShrink: 0 }} />}
        </Group>
      ) : (
        dimmed(null)
      ),
  },
  {
    id: 'source',
    label: 'Source',
    field: 'source',
    byDefault: true,
    sortable: true,
    render: (l) => dimmed(sourceLabel(l.source)),
  },
  { id: 'tags', label: 'Tags', field: 'tags', byDefault: false, render: (l) => tagList(l.tags) },
  { id: 'emails', label: 'Email', field: 'emails', byDefault: false, render: (l) => dimmed(l.emails?.[0]) },
  { id: 'phones', label: 'Phone', field: 'phones', byDefault: true, render: (l) => dimmed(l.phones?.[0]) },
  { id: 'city', label: 'City', field: 'city', byDefault: false, sortable: true, render: (l) => dimmed(l.city) },
  { id: 'state', label: 'State', field: 'state', byDefault: false, sortable: true, render: (l) => dimmed(l.state) },
  {
    id: 'product',
    label: 'Product',
    field: 'product',
    byDefault: false,
    sortable: true,
    render: (l) => dimmed(l.product),
  },
  {
    id: 'campaign',
    label: 'Campaign',
    field: 'campaign',
    byDefault: false,
    sortable: true,
    render: (l) => dimmed(l.campaign),
  },
  {
    id: 'expectedCloseDate',
    label: 'Close date',
    field: 'expectedCloseDate',
    byDefault: false,
    sortable: true,
    render: (l) => dimmed(l.expectedCloseDate ? formatDay(l.expectedCloseDate) : null),
  },
  { id: 'createdAt', label: 'Created', byDefault: false, sortable: true, render: (l) => when(l.createdAt) },
  { id: 'updatedAt', label: 'Last change', byDefault: true, sortable: true, render: (l) => when(l.updatedAt) },
  {
    id: 'lastTouchedAt',
    label: 'Last activity',
    byDefault: false,
    sortable: true,
    render: (l) => when(l.lastTouchedAt),
  },
  {
    id: 'stageChangedAt',
    label: 'In stage since',
    byDefault: false,
    sortable: true,
    render: (l) => when(l.stageChangedAt),
  },
];

export const defaultColumnIds = leadColumns.filter((c) => c.byDefault).map((c) => c.id);

function customText(def: CustomFieldDef, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : null;
  if (def.type === 'boolean') return value ? 'Yes' : 'No';
  if (def.type === 'date') return formatDay(String(value));
  if (def.type === 'number' && typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** A column per custom field, sortable on the server (a user field shows the person's name). */
export function customColumns(defs: readonly CustomFieldDef[]): LeadColumn[] {
  return defs.map((def) => ({
    id: `customFields.${def.key}`,
    label: def.label,
    field: `customFields.${def.key}`,
    byDefault: false,
    sortable: def.type !== 'multi_select',
    align: def.type === 'number' ? 'right' : undefined,
    render: (lead) => {
      const value = lead.customFields?.[def.key];
      if (def.type === 'user' && typeof value === 'string') return <UserName id={value} />;
      return dimmed(customText(def, value));
    },
  }));
}

export function columnsByIds(ids: readonly string[], available: readonly LeadColumn[]): LeadColumn[] {
  return ids.map((id) => available.find((c) => c.id === id)).filter((c): c is LeadColumn => c !== undefined);
}
