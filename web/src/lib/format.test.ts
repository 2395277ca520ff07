import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assigneeClock,
  configureFormat,
  formatDateTime,
  formatDay,
  formatMoney,
  formatNumber,
  formatTime,
  formatWallTimesIn,
  formatWhen,
  today,
} from './format';
import { fromPickerValue, monthGrid, quickTimes, startOfDay, toPickerValue } from './time';

// The test runner pins the process (the "browser") to America/New_York; the users below live elsewhere.
const india = { timeZone: 'Asia/Kolkata', locale: 'en-IN', currency: 'INR' };
const us = { timeZone: 'America/New_York', locale: 'en-US', currency: 'USD' };

describe('dates on the user’s clock, not the browser’s', () => {
  beforeEach(() => configureFormat(india));
  afterEach(() => configureFormat(us));

  it('runs in a browser zone other than the user’s', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
  });

  it('labels a follow-up due this morning in India "Today", though it is still yesterday in New York', () => {
    // 7 Dec 05:00 in Kolkata is 6 Dec 18:30 in New York; "now" is 7 Dec 00:30 in Kolkata (6 Dec 14:00 in NY).
    const now = new Date('2026-12-06T19:00:00Z');
    expect(formatWhen('2026-12-06T23:30:00Z', now)).toMatch(/^Today 05:00/i);
    expect(formatWhen('2026-12-07T23:30:00Z', now)).toMatch(/^Tomorrow 05:00/i);
    expect(formatWhen('2026-12-06T12:00:00Z', now)).toMatch(/^Yesterday 05:30/i);
    expect(today(now)).toBe('2026-12-07');
  });

  it('does not call this morning "Tomorrow" late in the browser’s evening', () => {
    // 7 Dec 08:30 in Kolkata, 6 Dec 22:00 in New York; due 7 Dec 10:30 in Kolkata (midnight in New York).
    expect(formatWhen('2026-12-07T05:00:00Z', new Date('2026-12-07T03:00:00Z'))).toMatch(/^Today 10:30\s?am$/i);
  });

  it('shows instants in the user’s zone and company locale', () => {
    expect(formatTime('2026-12-05T10:30:00Z')).toMatch(/^04:00\s?pm$/i);
    expect(formatDateTime('2026-12-05T20:00:00Z')).toMatch(/^6 Dec 2026, 1:30\s?am$/i);
    expect(formatDateTime(null)).toBe('—');
  });

  it('never shifts a calendar day', () => {
    expect(formatDay('2026-12-05')).toBe('5 Dec 2026');
    configureFormat({ timeZone: 'Pacific/Honolulu', locale: 'en-US' });
    expect(formatDay('2026-12-05')).toBe('Dec 5, 2026');
  });

  it('says the assignee’s own clock only when it differs from the user’s', () => {
    expect(assigneeClock({ dueAtLocal: '2026-12-05T09:00:00+05:30', timezone: 'Asia/Kolkata' })).toBeNull();
    expect(assigneeClock({ dueAtLocal: '2026-12-05T07:30:00+04:00', timezone: 'Asia/Dubai' })).toBe(
      '07:30 in Asia/Dubai',
    );
  });
});

describe('times written into notifications', () => {
  afterEach(() => configureFormat(us));

  it('reads "2026-12-05 16:00" as a date of the app, never shifted', () => {
    configureFormat(india);
    expect(formatWallTimesIn('Divya Naidu · was due 2026-12-05 16:00')).toMatch(
      /^Divya Naidu · was due 5 Dec 2026, 4:00\s?pm$/,
    );
    expect(formatWallTimesIn('No time here')).toBe('No time here');
  });
});

describe('wall clock arithmetic in a zone', () => {
  it('finds the midnight of a day in the zone, across daylight saving', () => {
    expect(startOfDay('2026-12-07', 'Asia/Kolkata').toISOString()).toBe('2026-12-06T18:30:00.000Z');
    expect(startOfDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('round-trips a picker value on the user’s clock', () => {
    const at = fromPickerValue('2026-12-07 09:00:00', 'Asia/Kolkata');
    expect(at?.toISOString()).toBe('2026-12-07T03:30:00.000Z');
    expect(toPickerValue(at, 'Asia/Kolkata')).toBe('2026-12-07 09:00:00');
    // A time skipped by the spring-forward jump moves forward, never back.
    expect(fromPickerValue('2026-03-08 02:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('offers tomorrow 9:00 and Monday 9:00 on the user’s clock', () => {
    const now = new Date('2026-12-06T19:00:00Z'); // Monday 7 Dec 00:30 in Kolkata
    const times = Object.fromEntries(quickTimes(now, 'Asia/Kolkata').map((q) => [q.label, q.at.toISOString()]));
    expect(times['In 1 hour']).toBe('2026-12-06T20:00:00.000Z');
    expect(times['Tomorrow 9:00']).toBe('2026-12-08T03:30:00.000Z');
    expect(times['Monday 9:00']).toBe('2026-12-14T03:30:00.000Z');
  });

  it('lays a month out in six weeks from a Monday', () => {
    const grid = monthGrid('2026-12-15');
    expect(grid).toHaveLength(42);
    expect(grid[0]).toBe('2026-11-30');
    expect(grid[41]).toBe('2027-01-10');
  });
});

describe('money and numbers in the company’s locale and currency', () => {
  afterEach(() => configureFormat(us));

  it('groups Indian amounts in lakhs with the rupee sign', () => {
    configureFormat(india);
    expect(formatMoney(450000)).toBe('₹4,50,000');
    expect(formatNumber(1000000)).toBe('10,00,000');
  });

  it('uses a record’s own currency when it names one, in the company’s locale', () => {
    configureFormat(us);
    expect(formatMoney(450000)).toBe('$450,000');
    expect(formatMoney(1200, 'EUR')).toBe('€1,200');
    expect(formatMoney(null)).toBe('—');
  });
});
