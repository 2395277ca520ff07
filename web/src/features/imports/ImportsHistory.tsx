import { Anchor, Badge, Button, Card, Center, Group, Progress, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import classes from './imports.module.css';
import { type ImportStatus, type ImportSummary, useImports } from './imports.queries';

const statusText: Record<ImportStatus, [string, string]> = {
  uploaded: ['Not started', 'gray'],
  queued: ['Waiting', 'blue'],
  running: ['Importing', 'blue'],
  done: ['Done', 'teal'],
  failed: ['Failed', 'red'],
  undoing: ['Undoing', 'orange'],
  undone: ['Undone', 'gray'],
};

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  const [label, color] = statusText[status];
  return <Badge color={color}>{label}</Badge>;
}

export function countsText(item: Pick<ImportSummary, 'counts'>): string {
  const { created, updated, skipped, failed } = item.counts;
  const parts = [
    created ? `${formatNumber(created)} created` : null,
    updated ? `${formatNumber(updated)} updated` : null,
    skipped ? `${formatNumber(skipped)} skipped` : null,
    failed ? `${formatNumber(failed)} failed` : null,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

function RowProgress({ item }: { item: ImportSummary }) {
  const { rowsDone, totalRows } = item.progress;
  if (item.status !== 'running' && item.status !== 'queued') return <Text size="sm">{countsText(item)}</Text>;
  return (
    <Stack gap={4} miw={140}>
      <Progress value={totalRows ? (rowsDone / totalRows) * 100 : 0} animated size="sm" aria-label="Import progress" />
      <Text size="xs" c="dimmed">
        {formatNumber(rowsDone)} of {formatNumber(totalRows)} rows
      </Text>
    </Stack>
  );
}

/** The imports made so far (an admin sees everyone's), newest first; each opens where it stands. */
export function ImportsHistory() {
  const navigate = useNavigate();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const imports = useImports();
  const items = imports.data?.pages.flatMap((page) => page.data) ?? [];

  if (imports.isPending) {
    return (
      <Stack aria-busy="true" aria-label="Loading imports">
        <Skeleton h={44} />
        <Skeleton h={44} />
      </Stack>
    );
  }
  if (imports.isError) {
    return <ErrorAlert error={imports.error} onRetry={() => imports.refetch()} title="Could not load the imports" />;
  }
  if (items.length === 0) {
    return (
      <Card>
        <Center>
          <Text size="sm" c="dimmed">
            No imports yet. The files you import show here, with what each one did.
          </Text>
        </Center>
      </Card>
    );
  }
  return (
    <Card p={0}>
      {compact ? (
        <Stack gap={0}>
          {items.map((item) => (
            <Link key={item.id} to={`/leads/import/${item.id}`} className={classes.historyCard}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" fw={600} truncate>
                  {item.fileName}
                </Text>
                <ImportStatusBadge status={item.status} />
              </Group>
              <RowProgress item={item} />
              <Text size="xs" c="dimmed">
                {formatRelative(item.createdAt)}
                {item.createdByName ? ` by ${item.createdByName}` : ''}
              </Text>
            </Link>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table highlightOnHover aria-label="Imports" className={classes.table}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Rows</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr
                  key={item.id}
                  className="ip-clickable-row"
                  onClick={() => navigate(`/leads/import/${item.id}`)}
                >
                  <Table.Td maw={280}>
                    <Anchor
                      component={Link}
                      to={`/leads/import/${item.id}`}
                      size="sm"
                      fw={600}
                      c="var(--mantine-color-text)"
                      className={classes.fileName}
                    >
                      {item.fileName}
                    </Anchor>
                    <Text size="xs" c="dimmed" tt="uppercase">
                      {item.format}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <ImportStatusBadge status={item.status} />
                  </Table.Td>
                  <Table.Td>
                    <RowProgress item={item} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.createdByName ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={formatDateTime(item.createdAt)}>
                      {formatRelative(item.createdAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {imports.hasNextPage && (
        <Group justify="center" p="sm">
          <Button
            variant="light"
            size="xs"
            onClick={() => imports.fetchNextPage()}
            loading={imports.isFetchingNextPage}
          >
            Load more
          </Button>
        </Group>
      )}
    </Card>
  );
}
