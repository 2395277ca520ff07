import dayjs, { type Dayjs } from 'dayjs';

/**
 * Date arithmetic of the follow-up screens, in the browser's time zone: a person picks "tomorrow at 9" on their
 * own wall clock. The server keeps UTC and answers each activity's time in its assignee's zone as well.
 */

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

export function formatTime(iso: string | Date): string {
  return timeOnly.format(new Date(iso));
}

export function formatWeekday(date: Date): string {
  return weekdayDay.format(date);
}

export function formatLongDay(date: Date): string {
  return longDay.format(date);
}

export function formatMonth(date: Date): string {
  return monthYear.format(date);
}

/** "16 – 22 Nov 2026", "30 Nov – 6 Dec 2026". */
export function formatWeekRange(start: Date): string {
  const end = dayjs(start).add(6, 'day').toDate();
  return `${dayMonth.format(start)} – ${dayMonthYear.format(end)}`;
}

/** "Today 15:30", "Tomorrow 09:00", "Yesterday 17:00", else "Mon 23 Nov, 09:00". */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const at = dayjs(iso);
  const today = dayjs(now).startOf('day');
  const days = at.startOf('day').diff(today, 'day');
  const time = formatTime(iso);
  if (days === 0) return `Today ${time}`;
  if (days === 1) return `Tomorrow ${time}`;
  if (days === -1) return `Yesterday ${time}`;
  return `${formatWeekday(at.toDate())}, ${time}`;
}

/** The time shown in the assignee's own zone, when it is not the viewer's: "09:00 in Asia/Kolkata". */
export function assigneeClock(activity: { dueAtLocal: string; timezone: string }): string | null {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!activity.timezone || activity.timezone === browserZone) return null;
  const wall = activity.dueAtLocal.slice(11, 16);
  return `${wall} in ${activity.timezone}`;
}

/** Monday of the week holding `date`, at midnight. */
export function startOfWeek(date: Date | Dayjs): Dayjs {
  const day = dayjs(date).startOf('day');
  return day.subtract((day.day() + 6) % 7, 'day');
}

/** The six weeks (from a Monday) that show a month whole, as a calendar does. */
export function monthGrid(month: Date | Dayjs): Dayjs[] {
  const first = startOfWeek(dayjs(month).startOf('month'));
  return Array.from({ length: 42 }, (_, i) => first.add(i, 'day'));
}

export function dayKey(date: Date | Dayjs | string): string {
  return dayjs(date).format('YYYY-MM-DD');
}

export interface QuickTime {
  label: string;
  at: Date;
}

/** The next quarter hour at least 15 minutes away: "in an hour" from 10:07 is 11:15, not 11:07. */
function roundedUp(at: Dayjs): Dayjs {
  const base = at.second(0).millisecond(0);
  const minutes = base.minute();
  return base.minute(Math.ceil(minutes / 15) * 15);
}

/** Ready answers to "when?": soon, later today, tomorrow morning, Monday morning. */
export function quickTimes(now: Date = new Date()): QuickTime[] {
  const at = dayjs(now);
  const times: QuickTime[] = [{ label: 'In 1 hour', at: roundedUp(at.add(1, 'hour')).toDate() }];
  const later = roundedUp(at.add(3, 'hour'));
  if (later.isSame(at, 'day') && later.hour() < 20) times.push({ label: 'Later today', at: later.toDate() });
  const tomorrow = at.add(1, 'day').hour(9).minute(0).second(0).millisecond(0);
  times.push({ label: 'Tomorrow 9:00', at: tomorrow.toDate() });
  const monday = startOfWeek(at).add(7, 'day').hour(9);
  if (!monday.isSame(tomorrow, 'day')) times.push({ label: 'Monday 9:00', at: monday.toDate() });
  return times;
}

/** `YYYY-MM-DD HH:mm:ss`, what the Mantine date pickers hold, read on the browser's wall clock. */
export function toPickerValue(date: Date | string | null): string | null {
  return date ? dayjs(date).format('YYYY-MM-DD HH:mm:ss') : null;
}

export function fromPickerValue(value: string | null): Date | null {
  if (!value) return null;
  const parsed = dayjs(value);
  return parsed.isValid() ? parsed.toDate() : null;
}
