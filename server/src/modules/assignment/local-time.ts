/** Wall-clock facts about an instant in a time zone: what the availability rules are written in. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  /** ISO weekday: 1 = Monday .. 7 = Sunday */
  weekday: number;
  /** The instant the local day began. */
  dayStart: Date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
export const weekdayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of a time zone at an instant, field by field (month 1-12, weekday ISO). */
export function wallClock(instant: Date, timeZone: string) {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: weekdays[out.weekday ?? ''] ?? 1,
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
export function offsetAt(instant: Date, timeZone: string): number {
  const p = wallClock(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const p = wallClock(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const midnight = Date.UTC(p.year, p.month - 1, p.day);
  // The offset at midnight may differ from now's (a DST change during the day): correct once with it.
  const guess = midnight - offsetAt(instant, timeZone);
  const dayStart = new Date(midnight - offsetAt(new Date(guess), timeZone));
  return {
    date: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
    time: `${pad(p.hour)}:${pad(p.minute)}`,
    weekday: p.weekday,
    dayStart,
  };
}
