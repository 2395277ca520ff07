/** Reading cell texts as dates, numbers and yes/no, the way the company's people write them. */
import { offsetAt } from '../assignment/index.ts';

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface LocaleFormats {
  dateOrder: DateOrder;
  decimal: '.' | ',';
}

/** en-IN writes 22/11/2026 and 1,23,456.50; en-US 11/22/2026; de-DE 22.11.2026 and 1.234,50. */
export function localeFormats(locale: string): LocaleFormats {
  let dateOrder: DateOrder = 'dmy';
  let decimal: '.' | ',' = '.';
  try {
    const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
      new Date(Date.UTC(2026, 10, 22, 12)),
    );
    const order = parts
      .filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year')
      .map((p) => p.type[0])
      .join('');
    if (order === 'dmy' || order === 'mdy' || order === 'ymd') dateOrder = order;
    const sign = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value;
    if (sign === ',') decimal = ',';
  } catch {
    // An unknown locale reads as the defaults.
  }
  return { dateOrder, decimal };
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function day(year: number, month: number, date: number): string | null {
  if (month < 1 || month > 12 || date < 1 || year < 1000 || year > 9999) return null;
  const at = new Date(Date.UTC(year, month - 1, date));
  if (at.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

const fullYear = (text: string) => {
  const n = Number(text);
  return text.length === 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
};

const monthOf = (text: string) => {
  const i = months.indexOf(text.slice(0, 3).toLowerCase());
  return i < 0 ? 0 : i + 1;
};

/**
 * A calendar day as YYYY-MM-DD, or null. ISO (with or without a time) always; 05/03/2026 (or with - or .) in
 * the given order; "5 Mar 2026" and "Mar 5, 2026" in English.
 */
export function parseDate(raw: string, order: DateOrder): string | null {
  const text = raw.trim();
  let m = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = text.match(/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$/);
  if (m) {
    const [a, b, y] = [Number(m[1]), Number(m[2]), fullYear(m[3] as string)];
    return order === 'mdy' ? day(y, a, b) : day(y, b, a);
  }
  m = text.match(/^(\d{1,2})[\s-]([A-Za-z]{3,9})\.?[\s-,]+(\d{4})$/);
  if (m) return day(Number(m[3]), monthOf(m[2] as string), Number(m[1]));
  m = text.match(/^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/);
  if (m) return day(Number(m[3]), monthOf(m[1] as string), Number(m[2]));
  return null;
}

const TIME = /^(.+?)(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Instants read from cells, per zone, order and text (an import's dates repeat: each is worked out once). */
const instants = new Map<string, string | null>();

/**
 * An instant as an ISO string, or null: a date with a time and an offset (2026-03-05T10:30:00Z) as it says; a
 * date with a time but no offset, or a date alone (its midnight), on the company's clock (`timeZone`). The date
 * reads as parseDate reads it; the time as 14:30, 14:30:05 or 2:30 PM.
 */
export function parseDateTime(raw: string, order: DateOrder, timeZone: string): string | null {
  const text = raw.trim();
  const key = `${timeZone}|${order}|${text}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const value = readInstant(text, order, timeZone);
  if (instants.size >= 10_000) instants.clear();
  instants.set(key, value);
  return value;
}

function readInstant(text: string, order: DateOrder, timeZone: string): string | null {
  const m = text.match(TIME);
  const date = parseDate(m ? (m[1] as string) : text, order);
  if (!date) return null;
  const [year, month, dayOf] = date.split('-').map(Number) as [number, number, number];
  let [hour, minute, second] = m ? [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)] : [0, 0, 0];
  const half = m?.[5]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, dayOf, hour, minute, second);
  const zone = m?.[6];
  if (zone) {
    const z = zone.toUpperCase() === 'Z' ? null : zone.replace(':', '').match(/^([+-])(\d{2})(\d{2})$/);
    const offset = z ? (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000 : 0;
    return new Date(wall - offset).toISOString();
  }
  // The zone's offset at the wall-clock time, corrected once (a DST change between the guess and the answer).
  const guess = wall - offsetAt(new Date(wall), timeZone);
  return new Date(wall - offsetAt(new Date(guess), timeZone)).toISOString();
}

/**
 * A number written with thousand separators and perhaps a currency (₹ 1,23,456.50; $1,234; 1.234,50 EUR), or
 * null. The decimal sign is the locale's; the other sign separates thousands.
 */
export function parseNumber(raw: string, decimal: '.' | ','): number | null {
  let text = raw.replace(/[\s\u00a0\u202f'’]/g, '');
  text = text.replace(/^[^\d\-+.,]+\.?/, '').replace(/[^\d.,]+$/, '');
  if (!text) return null;
  text = decimal === '.' ? text.replaceAll(',', '') : text.replaceAll('.', '').replace(',', '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

const truthy = new Set(['true', 'yes', 'y', '1', 'on', 't', 'checked', 'x', '✓']);
const falsy = new Set(['false', 'no', 'n', '0', 'off', 'f', 'unchecked', '-']);

/** Yes/no in its usual spellings (true, yes, y, 1, on; false, no, n, 0, off), or null. */
export function parseBoolean(raw: string): boolean | null {
  const text = raw.trim().toLowerCase();
  if (truthy.has(text)) return true;
  if (falsy.has(text)) return false;
  return null;
}

/** Several values in one cell: split on commas and semicolons (and, for emails, spaces). */
export function splitList(raw: string, pattern: RegExp = /[,;]/): string[] {
  return raw
    .split(pattern)
    .map((v) => v.trim())
    .filter(Boolean);
}
