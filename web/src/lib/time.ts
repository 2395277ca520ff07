/**
 * Wall-clock arithmetic in a named time zone, with Intl only. Every instant the app shows or asks for is read on
 * the signed-in user's zone (their availability's, else the company's: the zone the server buckets "today" in),
 * whatever zone the browser runs in. A calendar day is a `YYYY-MM-DD` string: it has no zone of its own.
 */

export interface WallTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `instant` in `timeZone`. */
export function wallTime(instant: Date | number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Minutes `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: number, timeZone: string): number {
  const at = Math.floor(instant / 1000) * 1000;
  return wallAsUtc(wallTime(at, timeZone)) - at;
}

/**
 * The instant a wall clock reads `wall` in `timeZone`. A time skipped by a daylight-saving jump moves forward
 * by the jump; a time that happens twice is its first occurrence.
 */
export function fromWallTime(wall: WallTime, timeZone: string): Date {
  const guess = wallAsUtc(wall);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  if (first === second) return new Date(first);
  // Across a transition: keep the earlier candidate that reads back as the wall time, else the later one.
  const earlier = Math.min(first, second);
  return wallAsUtc(wallTime(earlier, timeZone)) === guess ? new Date(earlier) : new Date(Math.max(first, second));
}

const pad = (n: number, size = 2) => String(n).padStart(size, '0');

/** `YYYY-MM-DD` of a calendar day. */
export function dayString(wall: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

export function parseDay(day: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The calendar day `instant` falls on in `timeZone`. */
export function dayOf(instant: Date | string | number, timeZone: string): string {
  return dayString(wallTime(new Date(instant), timeZone));
}

/** `day` moved by `days` (negative: back). */
export function addDays(day: string, days: number): string {
  const p = parseDay(day);
  if (!p) return day;
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return dayString({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** `day` moved by `months`, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, months: number): string {
  const p = parseDay(day);
  if (!p) return day;
  const first = new Date(Date.UTC(p.year, p.month - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return dayString({ year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(p.day, last) });
}

/** Whole days from `from` to `to` (calendar days, no zone). */
export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) return 0;
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / (24 * 60 * 60 * 1000),
  );
}

/** ISO weekday of a calendar day: 1 = Monday .. 7 = Sunday. */
export function isoWeekday(day: string): number {
  const p = parseDay(day);
  if (!p) return 1;
  return ((new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week holding `day`. */
export function startOfWeek(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The six weeks (from a Monday) that show a month whole, as a calendar does. */
export function monthGrid(day: string): string[] {
  const first = startOfWeek(startOfMonth(day));
  return Array.from({ length: 42 }, (_, i) => addDays(first, i));
}

/** The instant `day` starts (its midnight) in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const p = parseDay(day) ?? { year: 1970, month: 1, day: 1 };
  return fromWallTime({ ...p, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** `day` at `hour:minute` in `timeZone`. */
export function atTime(day: string, hour: number, minute: number, timeZone: string): Date {
  const p = parseDay(day) ?? { year: 1970, month: 1, day: 1 };
  return fromWallTime({ ...p, hour, minute, second: 0 }, timeZone);
}

export interface QuickTime {
  label: string;
  at: Date;
}

/** The next quarter hour at or after `instant` on the zone's clock (zones are whole quarter hours from UTC). */
function quarterUp(instant: number): number {
  const quarter = 15 * 60_000;
  return Math.ceil(instant / quarter) * quarter;
}

/** Ready answers to "when?": soon, later today, tomorrow morning, Monday morning, on `timeZone`'s clock. */
export function quickTimes(now: Date, timeZone: string): QuickTime[] {
  const today = dayOf(now, timeZone);
  const times: QuickTime[] = [{ label: 'In 1 hour', at: new Date(quarterUp(now.getTime() + 60 * 60_000)) }];
  const later = new Date(quarterUp(now.getTime() + 3 * 60 * 60_000));
  if (dayOf(later, timeZone) === today && wallTime(later, timeZone).hour < 20)
    times.push({ label: 'Later today', at: later });
  const tomorrow = addDays(today, 1);
  times.push({ label: 'Tomorrow 9:00', at: atTime(tomorrow, 9, 0, timeZone) });
  const monday = addDays(startOfWeek(today), 7);
  if (monday !== tomorrow) times.push({ label: 'Monday 9:00', at: atTime(monday, 9, 0, timeZone) });
  return times;
}

/** `YYYY-MM-DD HH:mm:ss`, what the Mantine date pickers hold, as `instant` reads in `timeZone`. */
export function toPickerValue(instant: Date | string | null, timeZone: string): string | null {
  if (!instant) return null;
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return null;
  const w = wallTime(date, timeZone);
  return `${dayString(w)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** The instant a picker's `YYYY-MM-DD HH:mm[:ss]` names in `timeZone`. */
export function fromPickerValue(value: string | null, timeZone: string): Date | null {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  return fromWallTime(
    { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s ?? 0) },
    timeZone,
  );
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether the runtime knows `timeZone` (an IANA name). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
