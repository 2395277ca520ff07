import { describe, expect, it } from 'vitest';
import {
  atOnUserClock,
  checkDraft,
  createBody,
  defaultRange,
  deliverySummary,
  describeSchedule,
  draftOf,
  newDraft,
  ordinal,
  patchBody,
} from './scheduleForm';
import type { Schedule } from './schedules.types';

const saved: Schedule = {
  id: '0190a0a0-0000-7000-8000-000000000001',
  name: 'Weekly pipeline',
  report: 'pipeline.deals-by-stage',
  reportName: 'Deals by stage',
  frequency: 'weekly',
  at: '08:00',
  weekday: 1,
  dayOfMonth: null,
  timeZone: 'Asia/Kolkata',
  range: 'lastWeek',
  recipients: [
    { id: 'u1', name: 'Asha', active: true },
    { id: 'u2', name: 'Ravi', active: true },
  ],
  format: 'csv',
  active: true,
  nextRunAt: '2026-12-07T02:30:00.000Z',
  lastRunAt: null,
  lastError: null,
  ownerId: 'u1',
  ownerName: 'Asha',
  editable: true,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('the schedule form', () => {
  it('starts a new schedule weekly on Monday at 08:00, to oneself, leaving the period to the server', () => {
    const draft = newDraft({ key: 'pipeline.funnel', name: 'Funnel' }, 'me');
    expect(createBody(draft)).toEqual({
      name: 'Funnel',
      report: 'pipeline.funnel',
      frequency: 'weekly',
      at: '08:00',
      weekday: 1,
      recipients: ['me'],
      format: 'csv',
      active: true,
    });
  });

  it('sends only the day its frequency needs, and a chosen period', () => {
    const draft = { ...newDraft({ key: 'r', name: 'R' }, 'me'), frequency: 'monthly' as const, dayOfMonth: 15 };
    expect(createBody({ ...draft, range: 'thisMonth' })).toMatchObject({ dayOfMonth: 15, range: 'thisMonth' });
    expect(createBody(draft)).not.toHaveProperty('weekday');
    const daily = createBody({ ...draft, frequency: 'daily' });
    expect(daily).not.toHaveProperty('weekday');
    expect(daily).not.toHaveProperty('dayOfMonth');
  });

  it('names the fields it can check itself', () => {
    const draft = newDraft({ key: 'r', name: 'R' }, 'me');
    expect(checkDraft(draft)).toEqual({});
    expect(checkDraft({ ...draft, name: '  ', at: '8am', recipients: [] })).toEqual({
      name: 'Enter a name',
      at: 'Enter a time as HH:MM',
      recipients: 'Choose at least one recipient',
    });
    expect(checkDraft({ ...draft, frequency: 'monthly', dayOfMonth: 31 })).toHaveProperty('dayOfMonth');
    expect(checkDraft({ ...draft, frequency: 'daily', dayOfMonth: 31 })).toEqual({});
  });

  it('patches only what changed', () => {
    const draft = draftOf(saved);
    expect(patchBody(draft, saved)).toEqual({});
    expect(patchBody({ ...draft, recipients: ['u2', 'u1'] }, saved)).toEqual({});
    expect(patchBody({ ...draft, active: false }, saved)).toEqual({ active: false });
    expect(patchBody({ ...draft, at: '09:30', recipients: ['u1'] }, saved)).toEqual({
      at: '09:30',
      recipients: ['u1'],
    });
  });

  it('sends a new frequency with its own day, and a new day with its frequency', () => {
    const draft = draftOf(saved);
    expect(patchBody({ ...draft, frequency: 'monthly', dayOfMonth: 3 }, saved)).toEqual({
      frequency: 'monthly',
      dayOfMonth: 3,
    });
    expect(patchBody({ ...draft, weekday: 5 }, saved)).toEqual({ frequency: 'weekly', weekday: 5 });
    expect(patchBody({ ...draft, frequency: 'daily' }, saved)).toEqual({ frequency: 'daily' });
  });

  it('says when a schedule goes out', () => {
    expect(describeSchedule(saved)).toBe('Every Monday at 08:00');
    expect(describeSchedule({ ...saved, frequency: 'daily' })).toBe('Daily at 08:00');
    expect(describeSchedule({ ...saved, frequency: 'monthly', dayOfMonth: 22 })).toBe('Monthly on the 22nd at 08:00');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 23, 28].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '23rd',
      '28th',
    ]);
  });

  it('knows the period the server picks by default', () => {
    expect(defaultRange('daily')).toBe('yesterday');
    expect(defaultRange('weekly')).toBe('lastWeek');
    expect(defaultRange('monthly', 'last12Months')).toBe('lastMonth');
    expect(defaultRange('weekly', 'all')).toBe('all');
  });

  it('reads the company clock on the user clock', () => {
    // 08:00 in Kolkata is 03:30 in Berlin in winter, 04:30 in summer.
    expect(atOnUserClock('08:00', '2026-12-07', 'Asia/Kolkata', 'Europe/Berlin')).toBe('03:30');
    expect(atOnUserClock('08:00', '2026-07-06', 'Asia/Kolkata', 'Europe/Berlin')).toBe('04:30');
    expect(atOnUserClock('08:00', '2026-12-07', 'Asia/Kolkata', 'America/New_York')).toBe('21:30 the day before');
    expect(atOnUserClock('23:00', '2026-12-07', 'America/New_York', 'Asia/Kolkata')).toBe('09:30 the next day');
    expect(atOnUserClock('08:00', '2026-12-07', 'Asia/Kolkata', 'Asia/Kolkata')).toBeNull();
    expect(atOnUserClock('08:00', '2026-12-07', 'Asia/Kolkata', 'Asia/Calcutta')).toBeNull();
  });

  it('sums up what "Send now" did', () => {
    expect(
      deliverySummary([
        { userId: 'u1', name: 'Asha', status: 'queued', messageId: 'm1', reason: null },
        { userId: 'u2', name: 'Ravi', status: 'queued', messageId: 'm2', reason: null },
      ]),
    ).toEqual({ title: 'Sent', message: 'On its way to Asha, Ravi.', ok: true });
    const mixed = deliverySummary([
      { userId: 'u1', name: 'Asha', status: 'queued', messageId: 'm1', reason: null },
      { userId: 'u3', name: 'Pia', status: 'skipped', messageId: null, reason: 'deactivated' },
    ]);
    expect(mixed).toEqual({
      title: 'Partly sent',
      message: 'On its way to Asha. Skipped Pia: deactivated.',
      ok: false,
    });
    expect(deliverySummary([{ userId: 'u1', name: 'Asha', status: 'failed', messageId: null, reason: null }])).toEqual({
      title: 'Not sent',
      message: 'Not sent to Asha (no outgoing email server).',
      ok: false,
    });
  });
});
