import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconHistory, IconKey } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import type { AuditEntry } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { AuditEntryDetails } from './AuditEntryDetails';
import { AuditFiltersBar } from './AuditFiltersBar';
import classes from './AuditPage.module.css';
import { type AuditFilters, useAuditLog } from './audit.queries';
import { actionLabel, entityTypeWords } from './auditLabels';

/** A yyyy-mm-dd from a date input, as the start of that day (or of the next day) in the viewer's time zone. */
function dayBoundary(day: string, nextDay: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (nextDay ? 1 : 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function Actor({ entry }: { entry: AuditEntry }) {
  if (entry.actorName) return <Text size="sm">{entry.actorName}</Text>;
  if (entry.actorApiKeyId) {
    return (
      <Group gap={4} wrap="nowrap">
        <IconKey size={14} />
        <Text size="sm">API key</Text>
      </Group>
    );
  }
  return (
    <Text size="sm" c="dimmed">
      System
    </Text>
  );
}

/** What the entry is about: the record's name (a link for leads and users), and its kind. */
function Entity({ entry }: { entry: AuditEntry }) {
  const kind = entityTypeWords(entry.entityType);
  const link =
    entry.entityId && entry.entityType === 'lead'
      ? `/leads/${entry.entityId}`
      : entry.entityId && entry.entityType === 'user'
        ? `/users/${entry.entityId}`
        : null;
  const name = entry.entityName ?? (entry.entityId ? `${kind} (no longer named)` : kind);
  return (
    <Stack gap={0} miw={0}>
      {link && entry.entityName ? (
        <Anchor component={Link} to={link} size="sm" onClick={(event) => event.stopPropagation()}>
          {name}
        </Anchor>
      ) : (
        <Text size="sm">{name}</Text>
      )}
      {entry.entityName && (
        <Text size="xs" c="dimmed">
          {kind}
        </Text>
      )}
    </Stack>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${entry.id}`;
  return (
    <Fragment>
      <Table.Tr className="ip-clickable-row" onClick={() => setOpen((o) => !o)} data-open={open || undefined}>
        <Table.Td w={44}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={open ? 'Hide details' : 'Show details'}
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={(event) => {
              event.stopPropagation();
              setOpen((o) => !o);
            }}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Text size="sm">{formatDateTime(entry.at)}</Text>
        </Table.Td>
        <Table.Td>
          <Actor entry={entry} />
        </Table.Td>
        <Table.Td>
          <Tooltip label={entry.action} withinPortal>
            <Badge variant="light" color="brand" tt="none" radius="sm" className={classes.action}>
              {actionLabel(entry.action)}
            </Badge>
          </Tooltip>
        </Table.Td>
        <Table.Td>
          <Entity entry={entry} />
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={detailsId} className={classes.detailsRow}>
          <Table.Td />
          <Table.Td colSpan={4}>
            <AuditEntryDetails entry={entry} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

function AuditCard({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${entry.id}`;
  return (
    <div className={classes.card}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Stack gap={4} miw={0}>
          <Badge variant="light" color="brand" tt="none" radius="sm" className={classes.action}>
            {actionLabel(entry.action)}
          </Badge>
          <Entity entry={entry} />
          <Group gap={6} wrap="nowrap">
            <Actor entry={entry} />
            <Text size="xs" c="dimmed">
              · {formatDateTime(entry.at)}
            </Text>
          </Group>
        </Stack>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={open ? 'Hide details' : 'Show details'}
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
        </ActionIcon>
      </Group>
      {open && (
        <div id={detailsId}>
          <AuditEntryDetails entry={entry} />
        </div>
      )}
    </div>
  );
}

export function AuditPage() {
  const [entityType, setEntityType] = useState('');
  const [actorId, setActorId] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [debouncedEntityType] = useDebouncedValue(entityType.trim(), 300);
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });

  const filters: AuditFilters = {};
  if (debouncedEntityType) filters.entityType = debouncedEntityType;
  if (actorId) filters.actorId = actorId;
  const fromIso = dayBoundary(from, false);
  const toIso = dayBoundary(to, true);
  if (fromIso) filters.from = fromIso;
  const badRange = Boolean(fromIso && toIso && fromIso >= toIso);
  if (toIso && !badRange) filters.to = toIso;
  const filtered = Object.keys(filters).length > 0;

  const log = useAuditLog(filters);
  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];

  const clearFilters = () => {
    setEntityType('');
    setActorId(null);
    setFrom('');
    setTo('');
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made in your company: who did it, when, and what changed."
      />
      <Card p={0}>
        <AuditFiltersBar
          entityType={entityType}
          onEntityTypeChange={setEntityType}
          actorId={actorId}
          onActorIdChange={setActorId}
          from={from}
          onFromChange={setFrom}
          to={to}
          onToChange={setTo}
          badRange={badRange}
          filtered={filtered}
          onClear={clearFilters}
        />

        {log.isPending ? (
          <Stack p="md" gap="sm">
            {[0, 1, 2, 3, 4].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : log.isError ? (
          <Stack p="md">
            <ErrorAlert error={log.error} onRetry={() => log.refetch()} title="Could not load the audit log" />
          </Stack>
        ) : entries.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconHistory size={26} />}
              title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}
              description={
                filtered ? 'Widen the dates or clear a filter.' : 'Changes will be listed here as they happen.'
              }
            />
          </Center>
        ) : compact ? (
          <div>
            {entries.map((entry) => (
              <AuditCard key={entry.id} entry={entry} />
            ))}
          </div>
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th aria-label="Details" />
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Entity</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}

        {entries.length > 0 && (
          <div className={classes.footer}>
            <Text size="sm" c="dimmed">
              Showing {entries.length} {entries.length === 1 ? 'entry' : 'entries'}
            </Text>
            {log.hasNextPage && (
              <Button variant="light" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
