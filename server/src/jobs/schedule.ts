/**
 * Timetables of scheduled jobs, written as cron expressions (minute hour day-of-month month day-of-week) read on
 * the wall clock of UTC or of each company's own time zone.
 */
export interface Schedule {
  /** `m h dom mon dow`: numbers, `*`, ranges `a-b`, steps `/n` and lists `a,b`; day-of-week 0 or 7 is Sunday. */
  cron: string;
  /** Whose wall clock the expression is read on: UTC (the default) or the company's time zone. */
  zone: 'UTC' | 'company';
}

/** Once a day at `HH:MM`, UTC or the company's local time. */
export function daily(time: string, zone: Schedule['zone'] = 'UTC'): Schedule {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`daily(): "${time}" is not a time of day HH:MM`);
  return checked({ cron: `${Number(match[2])} ${Number(match[1])} * * *`, zone });
}

/** A cron-like timetable, e.g. `cron('0 7 * * 1-5', 'company')`: 07:00 local time on working days. */
export function cron(expression: string, zone: Schedule['zone'] = 'UTC'): Schedule {
  return checked({ cron: expression, zone });
}

function checked(schedule: Schedule): Schedule {
  parse(schedule.cron);
  return schedule;
}

interface Parsed {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Both day fields restricted: either may match (as cron reads them). */
  dayOr: boolean;
}

const parsedCache = new Map<string, Parsed>();

function field(text: string, min: number, max: number, name: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`cron ${name} field: "${part}" is not a number, range, step or *`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : from;
    const step = match[4] ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) {
      throw new Error(`cron ${name} field: "${part}" is outside ${min}-${max}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function parse(expression: string): Parsed {
  const cached = parsedCache.get(expression);
  if (cached) return cached;
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" needs 5 fields: minute hour day month weekday`);
  const [m = '', h = '', dom = '', mon = '', dow = ''] = parts;
  const parsed: Parsed = {
    minutes: field(m, 0, 59, 'minute'),
    hours: field(h, 0, 23, 'hour'),
    days: new Set(field(dom, 1, 31, 'day-of-month')),
    months: new Set(field(mon, 1, 12, 'month')),
    weekdays: new Set(field(dow, 0, 7, 'day-of-week').map((d) => d % 7)),
    dayOr: dom !== '*' && dow !== '*',
  };
  parsedCache.set(expression, parsed);
  return parsed;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far a zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

/**
 * The instant a wall-clock time (given as if it were UTC) falls on in a zone. A time a daylight-saving change
 * skips lands an hour later; a time it repeats takes its first occurrence.
 */
function wallToInstant(wall: number, timeZone: string): number {
  const guess = wall - offsetMs(wall, timeZone);
  const instant = wall - offsetMs(guess, timeZone);
  if (instant + offsetMs(instant, timeZone) === wall) return instant;
  // The clock never shows this time: read it with the offset in force before the change, which lands it as many
  // minutes after the change as it was meant to be after the skipped hour's start (02:30 becomes 03:30).
  return wall - offsetMs(instant - 3 * 3_600_000, timeZone);
}

const DAY = 86_400_000;
/** A 29th of February on a given weekday can be years away: far enough for any valid expression. */
const HORIZON_DAYS = 366 * 8;

/** The first time the timetable comes round strictly after `after`, in `timeZone` (company schedules). */
export function nextRun(schedule: Schedule, after: Date, timeZone = 'UTC'): Date {
  const zone = schedule.zone === 'UTC' ? 'UTC' : timeZone;
  const p = parse(schedule.cron);
  const start = after.getTime() + offsetMs(after.getTime(), zone);
  const firstDay = Math.floor(start / DAY) * DAY;
  for (let day = firstDay; day < firstDay + HORIZON_DAYS * DAY; day += DAY) {
    const date = new Date(day);
    const domMatch = p.days.has(date.getUTCDate());
    const dowMatch = p.weekdays.has(date.getUTCDay());
    const dayMatch = p.dayOr ? domMatch || dowMatch : domMatch && dowMatch;
    if (!p.months.has(date.getUTCMonth() + 1) || !dayMatch) continue;
    for (const hour of p.hours) {
      for (const minute of p.minutes) {
        const wall = day + (hour * 60 + minute) * 60_000;
        const instant = wallToInstant(wall, zone);
        if (instant > after.getTime()) return new Date(instant);
      }
    }
  }
  throw new Error(`cron "${schedule.cron}" never comes round`);
}
