import { dayOf } from '../../lib/time';
import type { Activity } from './activities.types';

export interface MyDayLists {
  /** The server's `range=overdue`: open or missed, due before now. */
  overdue: readonly Activity[];
  /** The server's `range=today`: due on the user's today (their zone). */
  today: readonly Activity[];
  /** Done follow-ups of the last weeks, to find those completed today whatever day they were due. */
  recentlyDone: readonly Activity[];
  /** Open ones due in the coming week. */
  upcoming: readonly Activity[];
}

export interface MyDay {
  overdue: Activity[];
  dueToday: Activity[];
  doneToday: Activity[];
  comingUp: Activity[];
}

/**
 * The sections of My day. "Today" is the user's day in their own zone (the zone the server counted `today`
 * in), never the browser's: done today means completed on that day, and nothing shows in two sections.
 */
export function bucketMyDay(lists: MyDayLists, now: Date, timeZone: string): MyDay {
  const today = dayOf(now, timeZone);
  const overdue = [...lists.overdue];
  const overdueIds = new Set(overdue.map((a) => a.id));
  const dueToday = lists.today.filter(
    (a) => a.status === 'open' && !a.overdue && !overdueIds.has(a.id) && dayOf(a.dueAt, timeZone) === today,
  );
  const doneToday = lists.recentlyDone.filter(
    (a) => a.status === 'done' && a.completedAt !== null && dayOf(a.completedAt, timeZone) === today,
  );
  const shown = new Set([...overdue, ...lists.today].map((a) => a.id));
  const comingUp = lists.upcoming.filter((a) => !shown.has(a.id) && a.status === 'open');
  return { overdue, dueToday, doneToday, comingUp };
}
