import { localTime, offsetAt, wallClock } from '../assignment/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An instant as the wall clock of a time zone shows it, ISO 8601 with the zone's offset at that instant. */
export function isoInZone(instant: Date, timeZone: string): string {
  const p = wallClock(instant, timeZone);
  const offsetMinutes = Math.round(offsetAt(instant, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const ms = String(((instant.getTime() % 1000) + 1000) % 1000).padStart(3, '0');
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  return `${date}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${ms}${offset}`;
}

/** The time of day in a zone, HH:MM, for notification titles. */
export function clockTime(instant: Date, timeZone: string): string {
  return localTime(instant, timeZone).time;
}

/**
 * The start of the local day after the one holding `dayStart`. Adding 26 hours lands inside the next day
 * whether the day had 23, 24 or 25 hours (daylight saving).
 */
function nextDayStart(dayStart: Date, timeZone: string): Date {
  return localTime(new Date(dayStart.getTime() + 26 * HOUR), timeZone).dayStart;
}

/** Today and this week (Monday to Sunday) as [from, to) instants in a time zone. */
export function dayAndWeek(now: Date, timeZone: string) {
  const today = localTime(now, timeZone);
  const tomorrow = nextDayStart(today.dayStart, timeZone);
  // Noon of the Monday: far from any daylight-saving change, inside the right day.
  const monday = localTime(new Date(today.dayStart.getTime() - (today.weekday - 1) * DAY + 12 * HOUR), timeZone);
  let weekEnd = monday.dayStart;
  for (let i = 0; i < 7; i++) weekEnd = nextDayStart(weekEnd, timeZone);
  return { today: { from: today.dayStart, to: tomorrow }, week: { from: monday.dayStart, to: weekEnd } };
}
