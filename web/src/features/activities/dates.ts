import { userTimeZone } from '../../lib/format';
import * as time from '../../lib/time';

/**
 * The clock of the follow-up screens: a person picks "tomorrow at 9" on their own zone's wall clock (the zone
 * the app shows every time in), whatever zone the browser runs in. The server keeps UTC.
 */

export function quickTimes(now: Date = new Date()): time.QuickTime[] {
  return time.quickTimes(now, userTimeZone());
}

/** What a Mantine date picker holds (`YYYY-MM-DD HH:mm:ss`) for `date`, on the user's clock. */
export function toPickerValue(date: Date | string | null): string | null {
  return time.toPickerValue(date, userTimeZone());
}

export function fromPickerValue(value: string | null): Date | null {
  return time.fromPickerValue(value, userTimeZone());
}

/** The instant a calendar day starts on the user's clock. */
export function startOfDay(day: string): Date {
  return time.startOfDay(day, userTimeZone());
}
