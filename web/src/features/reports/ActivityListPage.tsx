import { Anchor, Badge, Button, Card, Center, EmptyState, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconListCheck } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { api, unwrap } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { ActivityQuery } from '../activities/activities.types';
import { VIA_PARAM } from './drill';
import { formatDuration } from './reportFormat';
import classes from './reports.module.css';

const PAGE_SIZE = 100;

const statusColors: Record<string, string> = { open: 'brand', done: 'teal', missed: 'red', cancelled: 'gray' };
const typeLabels: Record<string, string> = { follow_up: 'Follow-up', call: 'Call', meeting: 'Meeting', note: 'Note' };

/** The activity list's query from the address bar, exactly as a report's figure gave it. */
export function activityQueryFrom(params: URLSearchParams): ActivityQuery {
  const query: Record<string, string> = {};
  for (const [name, value] of params) if (name !== VIA_PARAM && value !== '') query[name] = value;
  return query as ActivityQuery;
}

/**
 * The activities behind a report's figure: `GET /activities` with the figure's query as it came, every page of
 * it, counted as it loads.
 */
export function ActivityListPage() {
  const [params] = useSearchParams();
  const query = activityQueryFrom(params);
  const via = params.get(VIA_PARAM);
  const list = useInfiniteQuery({
    queryKey: ['activities', 'drill', query],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/activities', {
          params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((page) => page.data) ?? [];
  const complete = list.data !== undefined && !list.hasNextPage;
  const countText = complete
    ? `${formatNumber(rows.length)} ${rows.length === 1 ? 'activity' : 'activities'}`
    : `${formatNumber(rows.length)} loaded so far`;

  return (
    <>
      <PageHeader
        title="Activities"
        description={
          <span data-testid="activities-total">
            {via ? `From a report: ${via}` : 'Activities matching the report'}
            {list.data ? ` · ${countText}` : ''}
          </span>
        }
      />
      <Card p={0}>
        {list.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} h={36} />
            ))}
          </Stack>
        ) : list.isError ? (
          <Stack p="md">
            <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load the activities" />
          </Stack>
        ) : rows.length === 0 ? (
          <Center py={56}>
            <EmptyState
              icon={<IconListCheck size={26} />}
              title="No activities"
              description="None match this figure now."
            />
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table className={classes.table} striped highlightOnHover aria-label="Activities">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Activity</Table.Th>
                  <Table.Th>Lead</Table.Th>
                  <Table.Th>Assignee</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th className={classes.num}>Duration</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((activity) => (
                  <Table.Tr key={activity.id}>
                    <Table.Td className={classes.dim} title={activity.title}>
                      <Text size="xs" c="dimmed">
                        {typeLabels[activity.type] ?? activity.type}
                      </Text>
                      {activity.title}
                    </Table.Td>
                    <Table.Td className={classes.dim}>
                      <Anchor component={Link} to={`/leads/${activity.leadId}`} size="sm">
                        {activity.leadName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{activity.assignee.name}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColors[activity.status] ?? 'gray'}>{activity.status}</Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(activity.dueAt)}</Table.Td>
                    <Table.Td className={classes.num}>
                      {activity.durationSeconds !== null ? formatDuration(activity.durationSeconds) : '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {rows.length > 0 && (
          <Group justify="space-between" px="md" py="sm" className={classes.tableFooter}>
            <Text size="sm" c="dimmed" aria-live="polite">
              {countText}
            </Text>
            {list.hasNextPage && (
              <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </Group>
        )}
      </Card>
    </>
  );
}
