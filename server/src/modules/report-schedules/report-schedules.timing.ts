/**
 * When a schedule comes round, and the period its report covers. Times are wall-clock times of the company's
 * zone: the next run is found on that clock (jobs/schedule.ts), so 08:00 stays 08:00 across a daylight-saving
 * change (a week is then 167 or 169 hours), and a time the change skips is sent an hour later that day.
 */
import { cron, nextRun } from '../../jobs/schedule.ts';
import { prebuiltReport, presetRange, type RangePreset } from '../reports/index.ts';

export type Frequency = 'daily' | 'weekly' | 'monthly';

export interface Timing {
  frequency: Frequency;
  /** HH:MM */
  at: string;
  /** 1 Monday … 7 Sunday, weekly only. */
  weekday: number | null;
  /** 1-28, monthly only. */
  dayOfMonth: number | null;
}

/** A stored schedule's timing. */
export function timingOf(row: {
  frequency: string;
  time_of_day: string;
  weekday: number | null;
  day_of_month: number | null;
}): Timing {
  return {
    frequency: row.frequency as Frequency,
    at: row.time_of_day,
    weekday: row.weekday,
    dayOfMonth: row.day_of_month,
  };
}

/** The first time the schedule comes round strictly after `after`, on the wall clock of `timeZone`. */
export function nextOccurrence(timing: Timing, after: Date, timeZone: string): Date {
  const [hour, minute] = timing.at.split(':').map(Number) as [number, number];
  const day =
    timing.frequency === 'weekly'
      ? `* * ${timing.weekday}`
      : timing.frequency === 'monthly'
        ? `${timing.dayOfMonth} * *`
        : '* * *';
  return nextRun(cron(`${minute} ${hour} ${day}`, 'company'), after, timeZone);
}

/** The report's own window: a pre-built report's default, `all` for a saved one (as a run without dates). */
const ownRange = (report: string): RangePreset => prebuiltReport(report)?.range ?? 'all';

/**
 * The period a new schedule covers when none is given: the last whole day, week or month before it is sent. A
 * pre-built report about the present (its own window is all time: the pipeline now, stale leads) keeps it.
 */
export function defaultRange(frequency: Frequency, report: string): RangePreset {
  if (prebuiltReport(report)?.range === 'all') return 'all';
  return frequency === 'daily' ? 'yesterday' : frequency === 'weekly' ? 'lastWeek' : 'lastMonth';
}

/**
 * The dates a run passes to the report, counted from `today` (the company's date when it is sent). All time is
 * no dates for a report whose own window is all time, and an open window for one whose window is a period.
 */
export function runWindow(range: RangePreset, report: string, today: string): { from?: string; to?: string } {
  const dates = presetRange(range, today);
  if (dates) return dates;
  return ownRange(report) === 'all' ? {} : { from: '1970-01-01', to: '9999-12-31' };
}
