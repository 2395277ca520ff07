import { addDays, browserTimeZone, dayOf, daysBetween, parseDay } from './time';

/**
 * The one place the app turns instants, calendar days, money and counts into text. Instants read on the
 * signed-in user's time zone (not the browser's), and everything in the company's locale; money in the
 * company's currency unless a record names its own. `configureFormat` is called once the session is known
 * (and again when the user changes zone); tests call it with fixed settings.
 */
export interface FormatSettings {
  timeZone: string;
  locale: string | undefined;
  currency: string;
}

let settings: FormatSettings = { timeZone: browserTimeZone(), locale: undefined, currency: 'USD' };
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();

export function configureFormat(next: Partial<FormatSettings>): void {
  const merged = { ...settings, ...next };
  if (
    merged.timeZone === settings.timeZone &&
    merged.locale === settings.locale &&
    merged.currency === settings.currency
  )
    return;
  settings = merged;
  cache.clear();
}

export function formatSettings(): Readonly<FormatSettings> {
  return settings;
}

/** The user's time zone: what "today" and every shown time mean. */
export function userTimeZone(): string {
  return settings.timeZone;
}

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  const full = `${key}|${settings.locale ?? ''}|${settings.timeZone}`;
  let format = cache.get(full) as T | undefined;
  if (!format) {
    format = make();
    cache.set(full, format);
  }
  return format;
}

const instantFormat = (name: string, options: Intl.DateTimeFormatOptions) =>
  cached(`dt:${name}`, () => new Intl.DateTimeFormat(settings.locale, { ...options, timeZone: settings.timeZone }));

/** Calendar days carry no zone: they are formatted as UTC midnights so they never shift by a day. */
const dayFormat = (name: string, options: Intl.DateTimeFormatOptions) =>
  cached(`day:${name}`, () => new Intl.DateTimeFormat(settings.locale, { ...options, timeZone: 'UTC' }));

/** An instant as the API sends it (ISO 8601), a Date, or epoch milliseconds. */
export type Instant = string | number | Date;

function parse(iso: Instant | null | undefined): Date | null {
  if (iso === null || iso === undefined || iso === '') return null;
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function dayAsDate(day: string): Date | null {
  const p = parseDay(day);
  return p ? new Date(Date.UTC(p.year, p.month - 1, p.day)) : null;
}

/** "7 Dec 2026, 10:30 am" */
export function formatDateTime(iso: Instant | null | undefined, empty = '—'): string {
  const date = parse(iso);
  return date ? instantFormat('dateTime', { dateStyle: 'medium', timeStyle: 'short' }).format(date) : empty;
}

/** The day an instant falls on, in the user's zone: "7 Dec 2026". */
export function formatDate(iso: Instant | null | undefined, empty = '—'): string {
  const date = parse(iso);
  return date ? instantFormat('date', { dateStyle: 'medium' }).format(date) : empty;
}

/** "10:30 am" */
export function formatTime(iso: Instant | null | undefined, empty = '—'): string {
  const date = parse(iso);
  return date ? instantFormat('time', { hour: '2-digit', minute: '2-digit' }).format(date) : empty;
}

/** A calendar day (`YYYY-MM-DD`, e.g. an expected close date): "7 Dec 2026", never shifted by a zone. */
export function formatDay(day: string | null | undefined, empty = '—'): string {
  if (!day) return empty;
  const date = dayAsDate(day);
  return date ? dayFormat('medium', { dateStyle: 'medium' }).format(date) : day;
}

/** "Mon, 7 Dec" */
export function formatWeekday(day: string): string {
  const date = dayAsDate(day);
  return date ? dayFormat('weekday', { weekday: 'short', day: 'numeric', month: 'short' }).format(date) : day;
}

/** "Mon" */
export function formatWeekdayName(day: string): string {
  const date = dayAsDate(day);
  return date ? dayFormat('weekdayName', { weekday: 'short' }).format(date) : day;
}

/** "Monday, 7 December" */
export function formatLongDay(day: string): string {
  const date = dayAsDate(day);
  return date ? dayFormat('long', { weekday: 'long', day: 'numeric', month: 'long' }).format(date) : day;
}

/** "December 2026" */
export function formatMonth(day: string): string {
  const date = dayAsDate(day);
  return date ? dayFormat('month', { month: 'long', year: 'numeric' }).format(date) : day;
}

/** "16 – 22 Nov 2026", "30 Nov – 6 Dec 2026" for the week starting `day`. */
export function formatWeekRange(day: string): string {
  const start = dayAsDate(day);
  const end = dayAsDate(addDays(day, 6));
  if (!start || !end) return day;
  return `${dayFormat('dayMonth', { day: 'numeric', month: 'short' }).format(start)} – ${dayFormat('dayMonthYear', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(end)}`;
}

/** Today's calendar day in the user's zone. */
export function today(now: Date = new Date()): string {
  return dayOf(now, settings.timeZone);
}

/** The calendar day an instant falls on in the user's zone. */
export function dayOfInstant(iso: Instant): string {
  return dayOf(iso, settings.timeZone);
}

/** "Today 15:30", "Tomorrow 09:00", "Yesterday 17:00", else "Mon, 23 Nov, 09:00": days of the user's zone. */
export function formatWhen(iso: Instant, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '—';
  const days = daysBetween(today(now), dayOfInstant(date));
  const time = formatTime(date);
  if (days === 0) return `Today ${time}`;
  if (days === 1) return `Tomorrow ${time}`;
  if (days === -1) return `Yesterday ${time}`;
  const day = dayOfInstant(date);
  const sameYear = day.slice(0, 4) === today(now).slice(0, 4);
  return `${sameYear ? formatWeekday(day) : formatDay(day)}, ${time}`;
}

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "in 2 days". */
export function formatRelative(iso: Instant | null | undefined, empty = '—', now = Date.now()): string {
  const date = parse(iso);
  if (!date) return empty;
  const relative = cached('relative', () => new Intl.RelativeTimeFormat(settings.locale, { numeric: 'auto' }));
  let value = (date.getTime() - now) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return formatDateTime(date);
}

/**
 * Money in the company's locale: "₹4,50,000" (en-IN), "$450,000" (en-US). `currency` is the record's own when
 * it names one, else the company's; an unknown code shows as the number and the code.
 */
export function formatMoney(value: number | null | undefined, currency?: string | null, empty = '—'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return empty;
  const code = (currency || settings.currency).toUpperCase();
  try {
    return cached(
      `money:${code}`,
      () => new Intl.NumberFormat(settings.locale, { style: 'currency', currency: code, maximumFractionDigits: 0 }),
    ).format(value);
  } catch {
    return `${formatNumber(value)} ${code}`;
  }
}

/** The currency's symbol in the company's locale ("₹", "$"), for an amount input's prefix. */
export function currencySymbol(currency?: string | null): string {
  const code = (currency || settings.currency).toUpperCase();
  try {
    const parts = new Intl.NumberFormat(settings.locale, { style: 'currency', currency: code }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? code;
  } catch {
    return code;
  }
}

/** A count or plain number in the company's locale: "1,20,000" (en-IN). */
export function formatNumber(value: number | null | undefined, empty = '—'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return empty;
  return cached('number', () => new Intl.NumberFormat(settings.locale, { maximumFractionDigits: 2 })).format(value);
}

/** Initials for an avatar: "Asha Rao" -> "AR". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

/** A short, readable description of a browser user agent: "Chrome on macOS". */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser =
    [
      ['Edg/', 'Edge'],
      ['OPR/', 'Opera'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
      ['curl/', 'curl'],
      ['node', 'Node.js'],
    ].find(([needle]) => needle !== undefined && userAgent.includes(needle))?.[1] ?? 'Browser';
  const os =
    [
      ['iPhone', 'iOS'],
      ['iPad', 'iPadOS'],
      ['Android', 'Android'],
      ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([needle]) => needle !== undefined && userAgent.includes(needle))?.[1] ?? null;
  return os ? `${browser} on ${os}` : browser;
}

/** The time in the assignee's own zone when it is not the user's: "09:00 in Asia/Dubai". */
export function assigneeClock(activity: { dueAtLocal: string; timezone: string }): string | null {
  if (!activity.timezone || activity.timezone === settings.timeZone) return null;
  return `${activity.dueAtLocal.slice(11, 16)} in ${activity.timezone}`;
}

/**
 * Server-written text (a notification) names times as `YYYY-MM-DD HH:mm` on the clock of the person it was
 * about: shown as the app writes dates ("5 Dec 2026, 4:00 pm"), on that same clock.
 */
export function formatWallTimesIn(text: string): string {
  return text.replace(/\b(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})\b/g, (whole, y, mo, d, h, mi) => {
    const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
    if (Number.isNaN(at.getTime())) return whole;
    return cached(
      'wall',
      () =>
        new Intl.DateTimeFormat(settings.locale, {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: 'UTC',
        }),
    ).format(at);
  });
}
