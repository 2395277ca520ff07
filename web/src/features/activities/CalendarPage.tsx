import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  LoadingOverlay,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatLongDay, formatMonth, formatWeekRange, today } from '../../lib/format';
import { addDays, addMonths, monthGrid, startOfWeek } from '../../lib/time';
import { useCan, useMe } from '../auth/session';
import { UserPicker } from '../leads/UserPicker';
import { ActivityDetailModal } from './ActivityDetailModal';
import { ActivityRow } from './ActivityRow';
import { useActivityRange } from './activities.queries';
import type { Activity, ActivityQuery } from './activities.types';
import { groupByDay, MonthView, WeekView } from './CalendarViews';
import classes from './calendar.module.css';
import { startOfDay } from './dates';
import { useActivityActions } from './useActivityActions';

type View = 'week' | 'month';
type Who = 'me' | 'team';

/** The calendar days a view shows, from its first day to the day after its last (days of the user's zone). */
function rangeOf(view: View, anchor: string): { from: string; to: string } {
  if (view === 'week') {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 7) };
  }
  const first = monthGrid(anchor)[0] ?? anchor;
  return { from: first, to: addDays(first, 42) };
}

/**
 * Follow-ups and meetings by week or month: one's own, or (for those who oversee others) the team's, narrowed
 * to one person if wanted.
 */
export function CalendarPage() {
  const me = useMe();
  const canWrite = useCan('activities:write');
  const oversees = useCan('users:activity');
  const canListPeople = useCan('users:read');
  const seesTeam = oversees && canListPeople;
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [view, setView] = useState<View>('week');
  const [anchor, setAnchor] = useState<string>(() => today());
  const [who, setWho] = useState<Who>('me');
  const [person, setPerson] = useState<string | null>(null);
  const [withDone, setWithDone] = useState(true);
  const [selectedDay, setSelectedDay] = useState<string | null>(null);
  const [open, setOpen] = useState<Activity | null>(null);
  const { actions, modals } = useActivityActions();

  const { from, to } = rangeOf(view, anchor);
  const query: ActivityQuery = {
    type: 'follow_up,meeting',
    status: withDone ? 'open,missed,done' : 'open,missed',
    dueFrom: startOfDay(from).toISOString(),
    dueTo: startOfDay(to).toISOString(),
    ...(who === 'me' ? { assigneeId: 'me' } : person ? { assigneeId: person } : {}),
  };
  const range = useActivityRange(query);
  const byDay = useMemo(() => groupByDay(range.data?.data ?? []), [range.data]);
  const showAssignee = who === 'team' && !person;

  const step = (direction: 1 | -1) => {
    setSelectedDay(null);
    setAnchor((current) => (view === 'week' ? addDays(current, 7 * direction) : addMonths(current, direction)));
  };
  const title = view === 'week' ? formatWeekRange(startOfWeek(anchor)) : formatMonth(anchor);
  // On a phone the month shows dots only: today's list is open until another day is tapped.
  const shownDay =
    selectedDay ?? (phone && view === 'month' && anchor.slice(0, 7) === today().slice(0, 7) ? today() : null);
  const selectedItems = shownDay ? (byDay.get(shownDay) ?? []) : [];
  const total = range.data?.data.length ?? 0;

  return (
    <>
      <PageHeader
        title="Calendar"
        description={
          who === 'me'
            ? 'Your follow-ups and meetings.'
            : `Follow-ups and meetings of the people you oversee, ${me.user.name.split(' ')[0]}.`
        }
        actions={
          seesTeam && (
            <Group gap="sm" wrap="wrap">
              <SegmentedControl
                aria-label="Whose"
                value={who}
                onChange={(value) => {
                  setWho(value === 'team' ? 'team' : 'me');
                  setPerson(null);
                }}
                data={[
                  { value: 'me', label: 'Mine' },
                  { value: 'team', label: 'Team' },
                ]}
              />
              {who === 'team' && (
                <UserPicker
                  aria-label="Person"
                  placeholder="Everyone"
                  value={person}
                  onChange={(value) => setPerson(value)}
                  clearable
                  w={200}
                />
              )}
            </Group>
          )
        }
      />
      <Card p={0} pos="relative">
        <div className={classes.toolbar}>
          <Group gap="xs" wrap="wrap" className={classes.nav}>
            <ActionIcon variant="default" size="lg" onClick={() => step(-1)} aria-label={`Previous ${view}`}>
              <IconChevronLeft size={18} />
            </ActionIcon>
            <ActionIcon variant="default" size="lg" onClick={() => step(1)} aria-label={`Next ${view}`}>
              <IconChevronRight size={18} />
            </ActionIcon>
            <Button
              variant="default"
              onClick={() => {
                setAnchor(today());
                setSelectedDay(null);
              }}
            >
              Today
            </Button>
            <Title order={2} fz="lg" ml={4} className={classes.title}>
              {title}
            </Title>
          </Group>
          <Group gap="md" wrap="wrap">
            <Switch
              label="Show done"
              checked={withDone}
              onChange={(event) => setWithDone(event.currentTarget.checked)}
            />
            <SegmentedControl
              aria-label="View"
              value={view}
              onChange={(value) => {
                setView(value === 'month' ? 'month' : 'week');
                setSelectedDay(null);
              }}
              data={[
                { value: 'week', label: 'Week' },
                { value: 'month', label: 'Month' },
              ]}
            />
          </Group>
        </div>
        <LoadingOverlay
          visible={range.isFetching && !range.isPending}
          zIndex={5}
          overlayProps={{ blur: 0, backgroundOpacity: 0.3 }}
          loaderProps={{ size: 'sm' }}
        />
        {range.isError ? (
          <Stack p="md">
            <ErrorAlert error={range.error} onRetry={() => range.refetch()} title="Could not load the calendar" />
          </Stack>
        ) : view === 'week' ? (
          <WeekView anchor={anchor} byDay={byDay} onOpen={setOpen} showAssignee={showAssignee} />
        ) : (
          <MonthView
            anchor={anchor}
            byDay={byDay}
            onOpen={setOpen}
            selectedDay={shownDay}
            showAssignee={showAssignee}
            onOpenDay={(day) => {
              if (phone) setSelectedDay(day);
              else {
                setAnchor(day);
                setView('week');
              }
            }}
          />
        )}
      </Card>
      {range.data?.truncated && (
        <Alert color="yellow" mt="md">
          This {view} has more follow-ups than can be shown at once; pick one person to see all of theirs.
        </Alert>
      )}
      {!range.isPending && !range.isError && total === 0 && (
        <Text size="sm" c="dimmed" mt="md" ta="center">
          Nothing planned this {view}.
        </Text>
      )}
      {phone && view === 'month' && shownDay && (
        <Card p={0} mt="md" component="section" aria-label="Selected day">
          <Text fw={650} p="md" pb="xs">
            {formatLongDay(shownDay)}
          </Text>
          {selectedItems.length === 0 ? (
            <Text size="sm" c="dimmed" px="md" pb="md">
              Nothing planned.
            </Text>
          ) : (
            selectedItems.map((activity) => (
              <ActivityRow
                key={activity.id}
                activity={activity}
                actions={actions}
                canWrite={canWrite}
                showAssignee={showAssignee}
              />
            ))
          )}
        </Card>
      )}
      <ActivityDetailModal activity={open} actions={actions} canWrite={canWrite} onClose={() => setOpen(null)} />
      {modals}
    </>
  );
}
