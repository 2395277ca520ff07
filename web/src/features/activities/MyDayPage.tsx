import { Badge, Button, Card, Center, EmptyState, Skeleton, Stack, Text } from '@mantine/core';
import { IconCalendarMonth, IconCoffee } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatLongDay, today as todayOf, userTimeZone } from '../../lib/format';
import { useCan, useMe } from '../auth/session';
import { ActivityRow } from './ActivityRow';
import classes from './activities.module.css';
import { useActivities } from './activities.queries';
import type { Activity } from './activities.types';
import { bucketMyDay } from './myDay';
import { useActivityActions } from './useActivityActions';

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

function Stat({ label, value, color }: { label: string; value: number | undefined; color: string }) {
  return (
    <Card p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={30} w={40} mt={4} />
      ) : (
        <Text fz={28} fw={700} c={value > 0 ? color : 'dimmed'} lh={1.3}>
          {value}
        </Text>
      )}
    </Card>
  );
}

function Section({
  title,
  count,
  color,
  children,
  label,
}: {
  title: string;
  count: number;
  color: string;
  children: ReactNode;
  label: string;
}) {
  return (
    <Card p={0} component="section" aria-label={label}>
      <div className={classes.sectionHead}>
        <Text fw={650}>{title}</Text>
        <Badge color={color} variant="light">
          {count}
        </Badge>
      </div>
      <div>{children}</div>
    </Card>
  );
}

function Rows({
  items,
  actions,
  canWrite,
}: {
  items: Activity[];
  actions: ReturnType<typeof useActivityActions>['actions'];
  canWrite: boolean;
}) {
  return items.map((activity) => (
    <ActivityRow key={activity.id} activity={activity} actions={actions} canWrite={canWrite} />
  ));
}

/**
 * The follow-ups of the signed-in person: what is overdue, what is due today, what was done today and what is
 * coming this week. One click completes; the clock menu moves one to later.
 */
export function MyDayPage() {
  const me = useMe();
  const canWrite = useCan('activities:write');
  // The "coming up" window is fixed when the page opens, so its query key does not change every render.
  const [now] = useState(() => new Date(Math.floor(Date.now() / MINUTE) * MINUTE));
  const refetchInterval = MINUTE;
  const overdue = useActivities({ assigneeId: 'me', range: 'overdue', limit: 200 }, { refetchInterval });
  const today = useActivities(
    { assigneeId: 'me', range: 'today', type: 'follow_up,meeting', status: 'open,missed', limit: 200 },
    { refetchInterval },
  );
  // Done today means completed today, whatever day it was due: read the recent ones and keep today's.
  const recentlyDone = useActivities(
    {
      assigneeId: 'me',
      type: 'follow_up,meeting',
      status: 'done',
      dueFrom: new Date(now.getTime() - 5 * WEEK).toISOString(),
      sort: '-dueAt',
      limit: 200,
    },
    { refetchInterval },
  );
  const upcoming = useActivities(
    {
      assigneeId: 'me',
      type: 'follow_up,meeting',
      status: 'open',
      dueFrom: now.toISOString(),
      dueTo: new Date(now.getTime() + WEEK).toISOString(),
      limit: 100,
    },
    { refetchInterval },
  );
  const { actions, modals } = useActivityActions();

  const loading = overdue.isPending || today.isPending || upcoming.isPending || recentlyDone.isPending;
  const failed = [overdue, today, upcoming, recentlyDone].find((q) => q.isError);
  const day = bucketMyDay(
    {
      overdue: overdue.data?.data ?? [],
      today: today.data?.data ?? [],
      recentlyDone: recentlyDone.data?.data ?? [],
      upcoming: upcoming.data?.data ?? [],
    },
    now,
    userTimeZone(),
  );
  const { overdue: overdueItems, dueToday: todayOpen, doneToday, comingUp } = day;
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name;

  return (
    <>
      <PageHeader
        title="My day"
        description={`${formatLongDay(todayOf(now))} · ${firstName}’s follow-ups and meetings`}
        actions={
          <Button component={Link} to="/calendar" variant="default" leftSection={<IconCalendarMonth size={18} />}>
            Calendar
          </Button>
        }
      />
      <Stack gap="lg">
        <div className={classes.stats}>
          <Stat label="Overdue" value={loading ? undefined : overdueItems.length} color="red" />
          <Stat label="Due today" value={loading ? undefined : todayOpen.length} color="brand" />
          <Stat label="Done today" value={loading ? undefined : doneToday.length} color="teal" />
        </div>

        {failed?.isError ? (
          <ErrorAlert
            error={failed.error}
            onRetry={() =>
              void Promise.all([overdue.refetch(), today.refetch(), upcoming.refetch(), recentlyDone.refetch()])
            }
            title="Could not load your follow-ups"
          />
        ) : loading ? (
          <Stack gap="md" aria-busy="true" aria-label="Loading follow-ups">
            <Skeleton h={56} />
            <Skeleton h={56} />
            <Skeleton h={56} />
          </Stack>
        ) : (
          <>
            {overdueItems.length > 0 && (
              <Section title="Overdue" label="Overdue" count={overdueItems.length} color="red">
                <Rows items={overdueItems} actions={actions} canWrite={canWrite} />
              </Section>
            )}
            <Section title="Today" label="Today" count={todayOpen.length} color="brand">
              {todayOpen.length === 0 ? (
                <Center py="xl" px="md">
                  <EmptyState
                    icon={<IconCoffee size={26} />}
                    title={overdueItems.length > 0 ? 'Nothing else due today' : 'Nothing due today'}
                    description="Schedule follow-ups from a lead’s page; they show up here on their day."
                  />
                </Center>
              ) : (
                <Rows items={todayOpen} actions={actions} canWrite={canWrite} />
              )}
            </Section>
            {comingUp.length > 0 && (
              <Section title="Coming up this week" label="Coming up" count={comingUp.length} color="gray">
                <Rows items={comingUp} actions={actions} canWrite={canWrite} />
              </Section>
            )}
            {doneToday.length > 0 && (
              <Section title="Done today" label="Done today" count={doneToday.length} color="teal">
                <Rows items={doneToday} actions={actions} canWrite={canWrite} />
              </Section>
            )}
          </>
        )}
      </Stack>
      {modals}
    </>
  );
}
