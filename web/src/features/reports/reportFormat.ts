import { formatDateTime, formatDay, formatMoney, formatNumber, formatSettings } from '../../lib/format';
import type { ReportColumn, ReportRow } from './reports.types';

/**
 * A report's figures as text: money in the company's currency, counts and numbers in its locale (all through
 * `lib/format`), percentages from the fractions the API sends, durations from seconds.
 */
export function formatDuration(seconds: number | null | undefined, empty = '—'): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return empty;
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(seconds));
  if (rest < 60) return `${sign}${rest} s`;
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  if (days > 0) return `${sign}${formatNumber(days)} d${hours > 0 ? ` ${hours} h` : ''}`;
  if (hours > 0) return `${sign}${hours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  return `${sign}${minutes} min`;
}

/** A duration in its largest unit, for an axis: "42 s", "18 min", "3.5 h", "69 d". */
export function formatDurationShort(seconds: number): string {
  const abs = Math.abs(seconds);
  const one = (value: number) => formatNumber(value >= 10 ? Math.round(value) : Math.round(value * 10) / 10);
  if (abs < 60) return `${one(seconds)} s`;
  if (abs < 3600) return `${one(seconds / 60)} min`;
  if (abs < 86_400) return `${one(seconds / 3600)} h`;
  return `${one(seconds / 86_400)} d`;
}

export function formatPercent(fraction: number | null | undefined, empty = '—'): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return empty;
  return `${formatNumber(Math.round(fraction * 1000) / 10)}%`;
}

/** A measure's value as text. */
export function formatMeasure(
  value: number | string | null | undefined,
  format: string,
  currency?: string | null,
  empty = '—',
): string {
  if (value === null || value === undefined || value === '') return empty;
  if (format === 'datetime') return formatDateTime(value, empty);
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n)) return String(value);
  switch (format) {
    case 'money':
      return formatMoney(n, currency, empty);
    case 'percent':
      return formatPercent(n, empty);
    case 'seconds':
      return formatDuration(n, empty);
    default:
      return formatNumber(n, empty);
  }
}

/** The same value, short enough for an axis tick: "₹12.5L", "$1.3M", "4.2K", in the company's locale. */
export function formatMeasureShort(value: number, format: string, currency?: string | null): string {
  if (format === 'percent') return formatPercent(value);
  if (format === 'seconds') return formatDurationShort(value);
  if (Math.abs(value) < 10_000) return formatMeasure(value, format, currency);
  const { locale, currency: companyCurrency } = formatSettings();
  const options: Intl.NumberFormatOptions = { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 };
  try {
    return new Intl.NumberFormat(
      locale,
      format === 'money'
        ? { ...options, style: 'currency', currency: (currency || companyCurrency).toUpperCase() }
        : options,
    ).format(value);
  } catch {
    return formatMeasure(value, format, currency);
  }
}

/** A dimension's value as shown: the API's label when it gives one, else the value itself (a day formatted). */
export function dimensionText(row: ReportRow, column: ReportColumn, empty = '(none)'): string {
  const label = row.labels[column.key];
  if (label !== undefined && label !== '') return label;
  const value = row.values[column.key];
  if (value === null || value === undefined || value === '') return empty;
  if (column.format === 'date' && typeof value === 'string') return formatDay(value);
  return String(value);
}

/** Any cell of a run as text. */
export function cellText(row: ReportRow, column: ReportColumn, currency?: string | null): string {
  return column.role === 'dimension'
    ? dimensionText(row, column)
    : formatMeasure(row.values[column.key], column.format, currency);
}

/** A time label as an axis tick: "Week of 7 Dec 2026" is "7 Dec 2026" there. */
export function tickLabel(label: string, max: number): string {
  return shortLabel(label.replace(/^week of\s+/i, ''), max);
}

/** A label cut to `max` characters with an ellipsis, for axis ticks and legends on a phone. */
export function shortLabel(label: string, max: number): string {
  if (label.length <= max) return label;
  return `${label.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}
