import { describe, expect, it } from 'vitest';
import {
  presetRange,
  presetRangeAt,
  previousRange,
  rangeOf,
  rangeParams,
  readRange,
  runPeriod,
  savedPeriod,
} from './dateRange';

describe('date range presets', () => {
  it('covers whole periods, both ends included, as the server counts them', () => {
    expect(presetRange('thisMonth', '2026-02-14')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('thisMonth', '2028-02-14')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(presetRange('lastMonth', '2026-01-31')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('lastMonth', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('thisQuarter', '2026-05-20')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(presetRange('thisQuarter', '2026-12-31')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(presetRange('nextQuarter', '2026-12-31')).toEqual({ from: '2027-01-01', to: '2027-03-31' });
    expect(presetRange('thisYear', '2026-07-04')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(presetRange('last12Months', '2026-12-07')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(presetRange('last12Months', '2026-03-31')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(presetRange('last30Days', '2026-12-07')).toEqual({ from: '2026-11-08', to: '2026-12-07' });
    // 7 Dec 2026 is a Monday; the week runs to Sunday.
    expect(presetRange('thisWeek', '2026-12-09')).toEqual({ from: '2026-12-07', to: '2026-12-13' });
    expect(presetRange('custom', '2026-12-07')).toBeNull();
    expect(presetRange('default', '2026-12-07')).toBeNull();
  });

  it('counts from the user’s today, not the browser’s', () => {
    // 1 Apr 01:30 in Kolkata is still 31 Mar 16:00 in New York (the test process's zone).
    const now = new Date('2026-03-31T20:00:00Z');
    expect(presetRangeAt('thisMonth', now, 'Asia/Kolkata')).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(presetRangeAt('thisQuarter', now, 'Asia/Kolkata')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(presetRangeAt('thisMonth', now, 'America/New_York')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    // New Year's Eve in New York is already 1 January in Kolkata.
    expect(presetRangeAt('thisYear', new Date('2026-12-31T20:00:00Z'), 'Asia/Kolkata')).toEqual({
      from: '2027-01-01',
      to: '2027-12-31',
    });
  });

  it('compares with the period just before: whole months by months, else by days', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousRange({ from: '2026-04-01', to: '2026-06-30' })).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(previousRange({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(previousRange({ from: '2025-04-01', to: '2026-03-31' })).toEqual({ from: '2024-04-01', to: '2025-03-31' });
    expect(previousRange({ from: '2026-12-08', to: '2026-12-14' })).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(previousRange({ from: '2025-12-08', to: '2026-12-07' })).toEqual({ from: '2024-12-08', to: '2025-12-07' });
  });

  it('reads a range from the address bar and writes it back', () => {
    const read = (q: string) => {
      const params = new URLSearchParams(q);
      return readRange((n) => params.get(n), '2026-12-07', 'thisMonth');
    };
    expect(read('')).toEqual({ preset: 'thisMonth', from: '2026-12-01', to: '2026-12-31' });
    expect(read('range=lastMonth')).toEqual({ preset: 'lastMonth', from: '2026-11-01', to: '2026-11-30' });
    expect(read('from=2026-01-05&to=2026-02-10')).toEqual({ preset: 'custom', from: '2026-01-05', to: '2026-02-10' });
    // Backwards or malformed: the fallback.
    expect(read('from=2026-02-10&to=2026-01-05').preset).toBe('thisMonth');
    expect(read('from=2026-02-10&to=tomorrow').preset).toBe('thisMonth');
    expect(read('range=forever').preset).toBe('thisMonth');
    expect(rangeParams({ preset: 'custom', from: '2026-01-05', to: '2026-02-10' })).toEqual({
      range: null,
      from: '2026-01-05',
      to: '2026-02-10',
    });
    expect(rangeParams({ preset: 'thisYear', from: '2026-01-01', to: '2026-12-31' })).toEqual({
      range: 'thisYear',
      from: null,
      to: null,
    });
    // A report's own period: no days of its own, none sent.
    const own = readRange(() => null, '2026-12-07', 'default');
    expect(own).toEqual({ preset: 'default', from: '', to: '' });
    expect(runPeriod(own)).toEqual({});
    expect(runPeriod(read('range=lastMonth'))).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(rangeParams(own)).toEqual({ range: null, from: null, to: null });
  });

  it('reads and saves a dashboard’s period', () => {
    expect(rangeOf('thisQuarter', null, null, '2026-12-07')).toEqual({
      preset: 'thisQuarter',
      from: '2026-10-01',
      to: '2026-12-31',
    });
    expect(rangeOf(null, '2026-01-01', '2026-01-31', '2026-12-07')?.preset).toBe('custom');
    expect(rangeOf(null, null, null, '2026-12-07')).toBeNull();
    expect(savedPeriod({ preset: 'last12Months', from: '2026-01-01', to: '2026-12-31' })).toEqual({
      range: 'last12Months',
      from: null,
      to: null,
    });
    expect(savedPeriod({ preset: 'custom', from: '2026-01-01', to: '2026-01-31' })).toEqual({
      range: null,
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(savedPeriod({ preset: 'default', from: '', to: '' })).toEqual({ range: null, from: null, to: null });
  });
});
