import type { FieldErrors } from '../../lib/forms';
import { fromWallTime, parseDay, wallTime } from '../../lib/time';
import type {
  CreateScheduleBody,
  Delivery,
  Frequency,
  Schedule,
  ScheduleFormat,
  ScheduleRange,
  UpdateScheduleBody,
} from './schedules.types';

/**
 * A scheduled report as its form edits it, and the request bodies made from it. `at` is `HH:MM` on the
 * company's clock (the server reads it in the company's zone); `range` `default` sends none, so that the server
 * picks the period the frequency implies (or all time for a report about the present).
 */
export const scheduleRanges: readonly ScheduleRange[] = [
  'yesterday',
  'today',
  'lastWeek',
  'thisWeek',
  'lastMonth',
  'thisMonth',
  'thisQuarter',
  'thisYear',
  'last30Days',
  'last90Days',
  'last12Months',
  'nextQuarter',
  'all',
];

export const rangeLabels: Record<ScheduleRange, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  thisWeek: 'This week',
  lastWeek: 'Last week',
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

export const frequencyLabels: Record<Frequency, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };

/** 1 Monday … 7 Sunday, as the API numbers them. */
export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const MAX_DAY_OF_MONTH = 28;

export type RangeChoice = ScheduleRange | 'default';

export interface ScheduleDraft {
  name: string;
  report: string;
  frequency: Frequency;
  at: string;
  weekday: number;
  dayOfMonth: number;
  range: RangeChoice;
  recipients: string[];
  format: ScheduleFormat;
  active: boolean;
}

export const scheduleFields = [
  'name',
  'report',
  'frequency',
  'at',
  'weekday',
  'dayOfMonth',
  'range',
  'recipients',
  'format',
] as const;
export type ScheduleField = (typeof scheduleFields)[number];

export const scheduleFieldLabels: Partial<Record<ScheduleField, string>> = {
  name: 'Name',
  report: 'Report',
  at: 'Time',
  weekday: 'Day of the week',
  dayOfMonth: 'Day of the month',
  recipients: 'Recipients',
};

const AT = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function isRange(value: string): value is ScheduleRange {
  return (scheduleRanges as readonly string[]).includes(value);
}

/** A new schedule of a report: every Monday at 08:00, to oneself, as CSV. */
export function newDraft(report: { key: string; name: string }, me: string): ScheduleDraft {
  return {
    name: report.name,
    report: report.key,
    frequency: 'weekly',
    at: '08:00',
    weekday: 1,
    dayOfMonth: 1,
    range: 'default',
    recipients: [me],
    format: 'csv',
    active: true,
  };
}

export function draftOf(schedule: Schedule): ScheduleDraft {
  return {
    name: schedule.name,
    report: schedule.report,
    frequency: schedule.frequency,
    at: schedule.at,
    weekday: schedule.weekday ?? 1,
    dayOfMonth: schedule.dayOfMonth ?? 1,
    range: isRange(schedule.range) ? schedule.range : 'default',
    recipients: schedule.recipients.map((r) => r.id),
    format: schedule.format,
    active: schedule.active,
  };
}

/**
 * The period a run covers when none is chosen, as the server decides it: the day, week or month before the one
 * it is sent in, or all time for a report about the present (its own window all: deals by stage, stale leads).
 */
export function defaultRange(frequency: Frequency, reportWindow?: string | null): ScheduleRange {
  if (reportWindow === 'all') return 'all';
  return frequency === 'daily' ? 'yesterday' : frequency === 'weekly' ? 'lastWeek' : 'lastMonth';
}

/** What the form can tell before asking the server; the server's answer places the rest on the same fields. */
export function checkDraft(draft: ScheduleDraft): FieldErrors<ScheduleField> {
  const errors: FieldErrors<ScheduleField> = {};
  if (!draft.name.trim()) errors.name = 'Enter a name';
  if (!draft.report) errors.report = 'Choose a report';
  if (!AT.test(draft.at)) errors.at = 'Enter a time as HH:MM';
  if (draft.frequency === 'weekly' && !(draft.weekday >= 1 && draft.weekday <= 7))
    errors.weekday = 'Choose a day of the week';
  if (
    draft.frequency === 'monthly' &&
    !(Number.isInteger(draft.dayOfMonth) && draft.dayOfMonth >= 1 && draft.dayOfMonth <= MAX_DAY_OF_MONTH)
  )
    errors.dayOfMonth = `Choose a day from 1 to ${MAX_DAY_OF_MONTH}`;
  if (draft.recipients.length === 0) errors.recipients = 'Choose at least one recipient';
  return errors;
}

function dayFields(draft: ScheduleDraft): { weekday?: number; dayOfMonth?: number } {
  if (draft.frequency === 'weekly') return { weekday: draft.weekday };
  if (draft.frequency === 'monthly') return { dayOfMonth: draft.dayOfMonth };
  return {};
}

export function createBody(draft: ScheduleDraft): CreateScheduleBody {
  return {
    name: draft.name.trim(),
    report: draft.report,
    frequency: draft.frequency,
    at: draft.at,
    ...dayFields(draft),
    ...(draft.range !== 'default' ? { range: draft.range } : {}),
    recipients: draft.recipients,
    format: draft.format,
    active: draft.active,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id));

/**
 * Only what changed. A new frequency goes with its own day (the server drops the old one); `default` leaves the
 * period as it is, since a saved schedule always has one.
 */
export function patchBody(draft: ScheduleDraft, before: Schedule): UpdateScheduleBody {
  const body: UpdateScheduleBody = {};
  const name = draft.name.trim();
  if (name !== before.name) body.name = name;
  if (draft.report !== before.report) body.report = draft.report;
  if (draft.at !== before.at) body.at = draft.at;
  const day = dayFields(draft);
  if (
    draft.frequency !== before.frequency ||
    (day.weekday !== undefined && day.weekday !== before.weekday) ||
    (day.dayOfMonth !== undefined && day.dayOfMonth !== before.dayOfMonth)
  ) {
    body.frequency = draft.frequency;
    Object.assign(body, day);
  }
  if (draft.range !== 'default' && draft.range !== before.range) body.range = draft.range;
  if (
    !sameSet(
      draft.recipients,
      before.recipients.map((r) => r.id),
    )
  )
    body.recipients = draft.recipients;
  if (draft.format !== before.format) body.format = draft.format;
  if (draft.active !== before.active) body.active = draft.active;
  return body;
}

/** "1st", "2nd", "3rd", "11th", "22nd" */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "Daily at 08:00", "Every Monday at 08:00", "Monthly on the 1st at 08:00" (on the company's clock). */
export function describeSchedule(
  schedule: Pick<Schedule, 'frequency' | 'at' | 'weekday' | 'dayOfMonth'> | ScheduleDraft,
): string {
  if (schedule.frequency === 'daily') return `Daily at ${schedule.at}`;
  if (schedule.frequency === 'weekly') {
    const name = weekdayNames[(schedule.weekday ?? 1) - 1] ?? 'Monday';
    return `Every ${name} at ${schedule.at}`;
  }
  return `Monthly on the ${ordinal(schedule.dayOfMonth ?? 1)} at ${schedule.at}`;
}

/**
 * The company's `HH:MM` on `day` as the user's clock reads it ("10:30"), when the two zones differ there;
 * null when they read the same or the time is not valid.
 */
export function atOnUserClock(at: string, day: string, companyZone: string, userZone: string): string | null {
  const date = parseDay(day);
  if (!AT.test(at) || !date || companyZone === userZone) return null;
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  const instant = fromWallTime({ ...date, hour, minute, second: 0 }, companyZone);
  const wall = wallTime(instant, userZone);
  const text = `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
  const sameDay = wall.year === date.year && wall.month === date.month && wall.day === date.day;
  if (text === at && sameDay) return null;
  if (sameDay) return text;
  const later = Date.UTC(wall.year, wall.month - 1, wall.day) > Date.UTC(date.year, date.month - 1, date.day);
  return `${text} ${later ? 'the next day' : 'the day before'}`;
}

/** What "Send now" did, in a sentence or two: who gets it, who was skipped and why. */
export function deliverySummary(deliveries: readonly Delivery[]): { title: string; message: string; ok: boolean } {
  const queued = deliveries.filter((d) => d.status === 'queued');
  const failed = deliveries.filter((d) => d.status === 'failed');
  const skipped = deliveries.filter((d) => d.status === 'skipped');
  const names = (list: readonly Delivery[]) => list.map((d) => d.name).join(', ');
  const parts: string[] = [];
  if (queued.length > 0) parts.push(`On its way to ${names(queued)}.`);
  if (failed.length > 0)
    parts.push(
      `Not sent to ${names(failed)}${failed[0]?.reason ? `: ${failed[0].reason}` : ' (no outgoing email server)'}.`,
    );
  for (const d of skipped) parts.push(`Skipped ${d.name}${d.reason ? `: ${d.reason}` : ''}.`);
  if (parts.length === 0) parts.push('Nobody to send it to.');
  const ok = failed.length === 0 && skipped.length === 0 && queued.length > 0;
  const title = ok ? 'Sent' : queued.length > 0 ? 'Partly sent' : 'Not sent';
  return { title, message: parts.join(' '), ok };
}
