import { Text, UnstyledButton } from '@mantine/core';
import { dayOfInstant, formatTime, formatWeekday, formatWeekdayName, today as todayOf } from '../../lib/format';
import { addDays, monthGrid, startOfWeek } from '../../lib/time';
import type { Activity } from './activities.types';
import classes from './calendar.module.css';

export type ByDay = Map<string, Activity[]>;

export function groupByDay(items: readonly Activity[]): ByDay {
  const days: ByDay = new Map();
  for (const item of items) {
    const key = dayOfInstant(item.dueAt);
    const list = days.get(key) ?? [];
    list.push(item);
    days.set(key, list);
  }
  for (const list of days.values()) list.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return days;
}

function Chip({
  activity,
  onOpen,
  showAssignee,
}: {
  activity: Activity;
  onOpen: (a: Activity) => void;
  showAssignee: boolean;
}) {
  return (
    <UnstyledButton
      className={classes.chip}
      data-status={activity.status}
      data-overdue={activity.overdue || undefined}
      onClick={() => onOpen(activity)}
      aria-label={`${formatTime(activity.dueAt)} ${activity.title}, ${activity.leadName}`}
    >
      <span className={classes.chipTime}>{formatTime(activity.dueAt)}</span>
      <span className={classes.chipTitle}>{activity.title}</span>
      {showAssignee && <span className={classes.chipWho}>{activity.assignee.name}</span>}
    </UnstyledButton>
  );
}

/** Seven days side by side (on a phone: one under the other), each with its follow-ups by time. */
export function WeekView({
  anchor,
  byDay,
  onOpen,
  showAssignee,
}: {
  anchor: string;
  byDay: ByDay;
  onOpen: (a: Activity) => void;
  showAssignee: boolean;
}) {
  const start = startOfWeek(anchor);
  const today = todayOf();
  return (
    <div className={classes.week}>
      {Array.from({ length: 7 }, (_, i) => addDays(start, i)).map((key) => {
        const items = byDay.get(key) ?? [];
        return (
          <section
            key={key}
            className={classes.weekDay}
            data-today={key === today || undefined}
            aria-label={formatWeekday(key)}
          >
            <div className={classes.weekDayHead}>
              <Text size="xs" fw={600} tt="uppercase" c={key === today ? 'brand' : 'dimmed'}>
                {formatWeekday(key)}
              </Text>
              {items.length > 0 && (
                <Text size="xs" c="dimmed" className={classes.mobileOnly}>
                  {items.length}
                </Text>
              )}
            </div>
            <div className={classes.weekDayItems}>
              {items.length === 0 ? (
                <Text size="xs" c="dimmed" className={classes.empty}>
                  —
                </Text>
              ) : (
                items.map((a) => <Chip key={a.id} activity={a} onOpen={onOpen} showAssignee={showAssignee} />)
              )}
            </div>
          </section>
        );
      })}
    </div>
  );
}

const MONTH_CELL_ITEMS = 3;

/** Six weeks that show the month whole; a day with more than fits says how many more and opens its week. */
export function MonthView({
  anchor,
  byDay,
  onOpen,
  onOpenDay,
  selectedDay,
  showAssignee,
}: {
  anchor: string;
  byDay: ByDay;
  onOpen: (a: Activity) => void;
  onOpenDay: (day: string) => void;
  selectedDay: string | null;
  showAssignee: boolean;
}) {
  const days = monthGrid(anchor);
  const today = todayOf();
  // Any Monday..Sunday names the weekdays.
  const weekdayNames = days.slice(0, 7).map(formatWeekdayName);
  return (
    <div className={classes.month}>
      {weekdayNames.map((name) => (
        <div key={name} className={classes.monthHead}>
          {name}
        </div>
      ))}
      {days.map((day) => {
        const key = day;
        const items = byDay.get(key) ?? [];
        const more = items.length - MONTH_CELL_ITEMS;
        return (
          <div
            key={key}
            className={classes.monthCell}
            data-outside={day.slice(0, 7) !== anchor.slice(0, 7) || undefined}
            data-today={key === today || undefined}
            data-selected={key === selectedDay || undefined}
          >
            <UnstyledButton
              className={classes.monthDay}
              onClick={() => onOpenDay(day)}
              aria-label={`${formatWeekday(key)}: ${items.length} follow-up${items.length === 1 ? '' : 's'}`}
            >
              <span>{Number(day.slice(8, 10))}</span>
              {items.length > 0 && (
                <span className={classes.dot} data-overdue={items.some((a) => a.overdue) || undefined} />
              )}
            </UnstyledButton>
            <div className={classes.monthItems}>
              {items.slice(0, MONTH_CELL_ITEMS).map((a) => (
                <Chip key={a.id} activity={a} onOpen={onOpen} showAssignee={showAssignee} />
              ))}
              {more > 0 && (
                <UnstyledButton className={classes.more} onClick={() => onOpenDay(day)}>
                  +{more} more
                </UnstyledButton>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
