import { addDays, addMonths, dayOf, daysBetween, isoWeekday, parseDay, startOfMonth } from '../../lib/time';

/**
 * The periods a report or a dashboard is read over. Presets carry the API's own names (a dashboard saves them,
 * a report's catalog entry names its default window with them) and are counted here as whole calendar days on
 * the user's clock, `from` and `to` both included, the way the server counts them from the company's today.
 * `default` sends no period (each report reads its own window); `custom` is two days of one's own.
 */
export const serverPresets = [
  'today',
  'thisWeek',
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'thisYear',
  'last30Days',
  'last90Days',
  'last12Months',
  'nextQuarter',
  'all',
] as const;
export type ServerPreset = (typeof serverPresets)[number];
export type RangePreset = 'default' | 'custom' | ServerPreset;

/** What the period picker offers (a saved dashboard's other preset is offered too while it is chosen). */
export const offeredPresets: readonly RangePreset[] = [
  'default',
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'thisYear',
  'last12Months',
  'custom',
];

export const presetLabels: Record<RangePreset, string> = {
  default: 'Its own period',
  custom: 'Custom',
  today: 'Today',
  thisWeek: 'This week',
  thisMonth: 'This month',
  lastMonth: 'Last month',
  thisQuarter: 'This quarter',
  thisYear: 'This year',
  last30Days: 'Last 30 days',
  last90Days: 'Last 90 days',
  last12Months: 'Last 12 months',
  nextQuarter: 'Next quarter',
  all: 'All time',
};

export interface DayRange {
  /** YYYY-MM-DD, included. */
  from: string;
  /** YYYY-MM-DD, included. */
  to: string;
}

export interface DateRangeValue extends DayRange {
  preset: RangePreset;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string | null | undefined): value is string {
  return typeof value === 'string' && DAY.test(value) && parseDay(value) !== null;
}

export function isServerPreset(value: string | null | undefined): value is ServerPreset {
  return (serverPresets as readonly string[]).includes(value ?? '');
}

/** The last day of the month holding `day`. */
function endOfMonth(day: string): string {
  return addDays(addMonths(startOfMonth(day), 1), -1);
}

/** The first day of the quarter holding `day`. */
function startOfQuarter(day: string): string {
  const month = Number(day.slice(5, 7));
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  return `${day.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
}

/** A preset's days, counted from `today` (the user's calendar day); null for none of its own (default, custom, all). */
export function presetRange(preset: RangePreset, today: string): DayRange | null {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'thisWeek': {
      const monday = addDays(today, 1 - isoWeekday(today));
      return { from: monday, to: addDays(monday, 6) };
    }
    case 'thisMonth':
      return { from: startOfMonth(today), to: endOfMonth(today) };
    case 'lastMonth': {
      const from = addMonths(startOfMonth(today), -1);
      return { from, to: endOfMonth(from) };
    }
    case 'thisQuarter': {
      const from = startOfQuarter(today);
      return { from, to: addDays(addMonths(from, 3), -1) };
    }
    case 'nextQuarter': {
      const from = addMonths(startOfQuarter(today), 3);
      return { from, to: addDays(addMonths(from, 3), -1) };
    }
    case 'thisYear':
      return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
    case 'last30Days':
      return { from: addDays(today, -29), to: today };
    case 'last90Days':
      return { from: addDays(today, -89), to: today };
    case 'last12Months':
      // Twelve whole months, this one the last.
      return { from: addMonths(startOfMonth(today), -11), to: endOfMonth(today) };
    case 'all':
    case 'custom':
    case 'default':
      return null;
  }
}

/** The preset's days as they stand at `now` in `timeZone`. */
export function presetRangeAt(preset: RangePreset, now: Date, timeZone: string): DayRange | null {
  return presetRange(preset, dayOf(now, timeZone));
}

/** Whether a range covers whole calendar months (the 1st to a month's last day). */
function wholeMonths(range: DayRange): number | null {
  const from = parseDay(range.from);
  const to = parseDay(range.to);
  if (!from || !to || from.day !== 1 || endOfMonth(range.to) !== range.to) return null;
  return (to.year - from.year) * 12 + (to.month - from.month) + 1;
}

/**
 * The period just before `range`, for a KPI's comparison: the same number of months when the range is whole
 * months (March before April, Q1 before Q2, last year before this one), else the same number of days.
 */
export function previousRange(range: DayRange): DayRange {
  const months = wholeMonths(range);
  if (months !== null && months > 0) {
    const from = addMonths(range.from, -months);
    return { from, to: addDays(range.from, -1) };
  }
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** A range from a preset name (or none) and two days, as an address bar or a saved dashboard holds it. */
export function rangeOf(
  preset: string | null | undefined,
  from: string | null | undefined,
  to: string | null | undefined,
  today: string,
): DateRangeValue | null {
  if (isDay(from) && isDay(to) && from <= to && (!preset || preset === 'custom')) return { preset: 'custom', from, to };
  if (preset === 'default') return { preset: 'default', from: '', to: '' };
  if (isServerPreset(preset)) return { preset, ...(presetRange(preset, today) ?? { from: '', to: '' }) };
  return null;
}

/** The range an address bar holds (`range=<preset>`, or `from` and `to`), else `fallback`. */
export function readRange(
  get: (name: string) => string | null | undefined,
  today: string,
  fallback: DateRangeValue | Exclude<RangePreset, 'custom'>,
): DateRangeValue {
  const read = rangeOf(get('range'), get('from'), get('to'), today);
  if (read) return read;
  if (typeof fallback !== 'string') return fallback;
  return { preset: fallback, ...(presetRange(fallback, today) ?? { from: '', to: '' }) };
}

/** The period to send with a run: none for a report's own (or all time, which no window expresses). */
export function runPeriod(value: DateRangeValue): { from?: string; to?: string } {
  if (value.preset === 'default' || value.preset === 'all' || !value.from || !value.to) return {};
  return { from: value.from, to: value.to };
}

/** A report's own window as the catalog names it (`nextQuarter`), in words. */
export function serverPresetLabel(preset: string | null | undefined): string | null {
  if (!preset) return null;
  return isServerPreset(preset) ? presetLabels[preset] : preset;
}

/**
 * The address bar parameters of a range: a preset keeps following today, a custom range is fixed; the page's
 * own default leaves them out.
 */
export function rangeParams(
  value: DateRangeValue,
  fallback: RangePreset | null = 'default',
): Record<string, string | null> {
  if (value.preset === fallback) return { range: null, from: null, to: null };
  return value.preset === 'custom'
    ? { range: null, from: value.from, to: value.to }
    : { range: value.preset, from: null, to: null };
}

/** A range as a dashboard saves it: a preset, two days, or nothing (each tile its own). */
export function savedPeriod(value: DateRangeValue): {
  range: ServerPreset | null;
  from: string | null;
  to: string | null;
} {
  if (value.preset === 'custom') return { range: null, from: value.from, to: value.to };
  if (isServerPreset(value.preset)) return { range: value.preset, from: null, to: null };
  return { range: null, from: null, to: null };
}
