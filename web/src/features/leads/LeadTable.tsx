import { Anchor, Checkbox, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { formatMoney } from '../../lib/format';
import { isTier, ScoreTierBadge } from '../scoring/ScoreTierBadge';
import classes from './LeadsPage.module.css';
import { type ColumnContext, type LeadColumn, StageBadge } from './leadColumns';
import type { Lead } from './leads.types';

export interface Sort {
  column: string;
  direction: 'asc' | 'desc';
}

interface SelectionProps {
  selected: ReadonlySet<string>;
  onToggle: (lead: Lead, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
}

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: string;
  sort: Sort | null;
  onSort: (sort: Sort | null) => void;
}) {
  const active = sort?.column === column;
  const Icon = !active ? IconSelector : sort.direction === 'asc' ? IconArrowUp : IconArrowDown;
  const next = (): Sort | null => {
    if (!active) return { column, direction: 'asc' };
    return sort.direction === 'asc' ? { column, direction: 'desc' } : null;
  };
  return (
    <UnstyledButton onClick={() => onSort(next())} className={classes.sortButton} aria-label={`Sort by ${label}`}>
      <span>{label}</span>
      <Icon size={13} stroke={2} />
    </UnstyledButton>
  );
}

export function LeadTable({
  leads,
  columns,
  ctx,
  sortable,
  sort,
  onSort,
  selection,
}: {
  leads: Lead[];
  columns: LeadColumn[];
  ctx: ColumnContext;
  /** Column ids the server can sort by. */
  sortable: readonly string[];
  sort: Sort | null;
  onSort: (sort: Sort | null) => void;
  selection: SelectionProps | null;
}) {
  const navigate = useNavigate();
  const all = leads.length > 0 && leads.every((lead) => selection?.selected.has(lead.id));
  const some = leads.some((lead) => selection?.selected.has(lead.id));
  const header = (id: string, label: string) =>
    sortable.includes(id) ? <SortHeader label={label} column={id} sort={sort} onSort={onSort} /> : label;

  return (
    <Table.ScrollContainer minWidth={200 + columns.length * 108} type="native">
      <Table highlightOnHover className={classes.table} aria-label="Leads">
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th className={classes.checkCell}>
                <Checkbox
                  aria-label="Select all shown leads"
                  checked={all}
                  indeterminate={some && !all}
                  onChange={(event) => selection.onToggleAll(event.currentTarget.checked)}
                />
              </Table.Th>
            )}
            <Table.Th className={classes.nameCell} data-with-check={selection ? true : undefined}>
              {header('name', 'Name')}
            </Table.Th>
            {columns.map((column) => (
              <Table.Th key={column.id} style={{ textAlign: column.align }}>
                {header(column.id, column.label)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {leads.map((lead) => {
            const checked = selection?.selected.has(lead.id) ?? false;
            return (
              <Table.Tr
                key={lead.id}
                className="ip-clickable-row"
                data-selected={checked || undefined}
                onClick={() => navigate(`/leads/${lead.id}`)}
              >
                {selection && (
                  <Table.Td className={classes.checkCell} onClick={(event) => event.stopPropagation()}>
                    <Checkbox
                      aria-label={`Select ${lead.name}`}
                      checked={checked}
                      onChange={(event) => selection.onToggle(lead, event.currentTarget.checked)}
                    />
                  </Table.Td>
                )}
                <Table.Td className={classes.nameCell} data-with-check={selection ? true : undefined}>
                  <Anchor
                    component={Link}
                    to={`/leads/${lead.id}`}
                    fw={600}
                    size="sm"
                    c="var(--mantine-color-text)"
                    onClick={(event) => event.stopPropagation()}
                    className={classes.nameLink}
                  >
                    {lead.name}
                  </Anchor>
                </Table.Td>
                {columns.map((column) => (
                  <Table.Td key={column.id} className={classes.cell}>
                    {column.render(lead, ctx)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The list on a phone: one card per lead, with the few facts that matter there. */
export function LeadCards({
  leads,
  ctx,
  selection,
}: {
  leads: Lead[];
  ctx: ColumnContext;
  selection: SelectionProps | null;
}) {
  return (
    <Stack gap={0}>
      {leads.map((lead) => {
        const checked = selection?.selected.has(lead.id) ?? false;
        return (
          <div key={lead.id} className={classes.card} data-selected={checked || undefined}>
            {selection && (
              <Checkbox
                aria-label={`Select ${lead.name}`}
                checked={checked}
                onChange={(event) => selection.onToggle(lead, event.currentTarget.checked)}
                mt={2}
              />
            )}
            <UnstyledButton component={Link} to={`/leads/${lead.id}`} className={classes.cardLink}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text fw={600} size="sm" truncate>
                  {lead.name}
                </Text>
                <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
                  {typeof lead.score === 'number' && isTier(lead.scoreTier) && (
                    <ScoreTierBadge tier={lead.scoreTier} title={`Score ${lead.score}, ${lead.scoreTier}`}>
                      {lead.score}
                    </ScoreTierBadge>
                  )}
                  <StageBadge stage={lead.stage} stages={ctx.stages} />
                </Group>
              </Group>
              {lead.companyName && (
                <Text size="xs" c="dimmed" truncate>
                  {lead.companyName}
                </Text>
              )}
              <Group gap="xs" mt={6} justify="space-between" wrap="nowrap">
                <Text size="xs" c="dimmed" truncate>
                  {lead.ownerName !== undefined ? (lead.ownerName ?? 'Unassigned') : (lead.phones?.[0] ?? '')}
                </Text>
                {lead.expectedValue !== undefined && lead.expectedValue !== null && (
                  <Text size="sm" fw={600}>
                    {formatMoney(lead.expectedValue, lead.currency)}
                  </Text>
                )}
              </Group>
            </UnstyledButton>
          </div>
        );
      })}
    </Stack>
  );
}
