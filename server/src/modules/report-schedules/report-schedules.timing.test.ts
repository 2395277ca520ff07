import { describe, expect, it } from 'vitest';
import { defaultRange, nextOccurrence, runWindow } from './report-schedules.timing.ts';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);

describe('when a schedule comes round, on the company’s clock', () => {
  it('keeps 08:00 across both daylight-saving changes (a week of 167, then 169 hours)', () => {
    const weekly = { frequency: 'weekly' as const, at: '08:00', weekday: 1, dayOfMonth: null };
    // Monday 2 March 2026, 08:00 EST; daylight saving starts on Sunday 8 March.
    const spring = nextOccurrence(weekly, at('2026-03-02T13:00:00.000Z'), NY);
    expect(spring.toISOString()).toBe('2026-03-09T12:00:00.000Z');
    // Monday 26 October 2026, 08:00 EDT; it ends on Sunday 1 November.
    const autumn = nextOccurrence(weekly, at('2026-10-26T12:00:00.000Z'), NY);
    expect(autumn.toISOString()).toBe('2026-11-02T13:00:00.000Z');
    expect((autumn.getTime() - at('2026-10-26T12:00:00.000Z').getTime()) / 3_600_000).toBe(169);
  });

  it('sends a time the change skips an hour later that day, and a repeated time once', () => {
    const daily = (time: string) => ({ frequency: 'daily' as const, at: time, weekday: null, dayOfMonth: null });
    // 02:30 does not exist in New York on 8 March 2026: 03:30 EDT.
    expect(nextOccurrence(daily('02:30'), at('2026-03-08T05:00:00.000Z'), NY).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 happens twice on 1 November 2026: the first (EDT), then the next day.
    const first = nextOccurrence(daily('01:30'), at('2026-11-01T04:00:00.000Z'), NY);
    expect(first.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(nextOccurrence(daily('01:30'), first, NY).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('finds the day of the month, Sunday as weekday 7, and Kolkata’s half-hour offset', () => {
    const monthly = { frequency: 'monthly' as const, at: '06:00', weekday: null, dayOfMonth: 28 };
    expect(nextOccurrence(monthly, at('2026-02-28T01:00:00.000Z'), 'Asia/Kolkata').toISOString()).toBe(
      '2026-03-28T00:30:00.000Z',
    );
    const sunday = { frequency: 'weekly' as const, at: '18:15', weekday: 7, dayOfMonth: null };
    expect(nextOccurrence(sunday, at('2026-12-07T00:00:00.000Z'), 'Asia/Kolkata').toISOString()).toBe(
      '2026-12-13T12:45:00.000Z',
    );
  });
});

describe('the period a run covers', () => {
  it('defaults to the last whole day, week or month, and keeps all time for a report about the present', () => {
    expect(defaultRange('daily', 'team.per-salesperson')).toBe('yesterday');
    expect(defaultRange('weekly', 'team.per-salesperson')).toBe('lastWeek');
    expect(defaultRange('monthly', '01900000-0000-7000-8000-000000000000')).toBe('lastMonth');
    expect(defaultRange('weekly', 'pipeline.deals-by-stage')).toBe('all');
  });

  it('counts the dates from the day it is sent', () => {
    // Monday 14 December 2026.
    expect(runWindow('lastWeek', 'team.per-salesperson', '2026-12-14')).toEqual({
      from: '2026-12-07',
      to: '2026-12-13',
    });
    expect(runWindow('yesterday', 'team.per-salesperson', '2027-01-01')).toEqual({
      from: '2026-12-31',
      to: '2026-12-31',
    });
    expect(runWindow('lastMonth', 'team.per-salesperson', '2027-03-01')).toEqual({
      from: '2027-02-01',
      to: '2027-02-28',
    });
    // All time: no dates for a report that is about all time anyway, an open window for one with its own period.
    expect(runWindow('all', 'pipeline.deals-by-stage', '2026-12-14')).toEqual({});
    expect(runWindow('all', 'team.per-salesperson', '2026-12-14')).toEqual({ from: '1970-01-01', to: '9999-12-31' });
  });
});
