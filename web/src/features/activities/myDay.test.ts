import { describe, expect, it } from 'vitest';
import type { Activity } from './activities.types';
import { bucketMyDay } from './myDay';

function activity(id: string, fields: Partial<Activity>): Activity {
  return {
    id,
    status: 'open',
    overdue: false,
    completedAt: null,
    dueAt: '2026-12-07T04:30:00Z',
    ...fields,
  } as Activity;
}

describe('My day on the user’s clock', () => {
  // 7 Dec 00:30 in Kolkata; the browser (the test process) is in New York, where it is still 6 Dec 14:00.
  const now = new Date('2026-12-06T19:00:00Z');
  const zone = 'Asia/Kolkata';

  it('counts as done today what was completed on the user’s today, not the browser’s', () => {
    const lists = {
      overdue: [],
      today: [],
      upcoming: [],
      recentlyDone: [
        // 7 Dec 00:10 in Kolkata: today there (still 6 Dec in New York).
        activity('a', { status: 'done', completedAt: '2026-12-06T18:40:00Z' }),
        // 6 Dec 23:00 in Kolkata: yesterday there, though it is "today" on the browser's clock.
        activity('b', { status: 'done', completedAt: '2026-12-06T17:30:00Z' }),
      ],
    };
    expect(bucketMyDay(lists, now, zone).doneToday.map((a) => a.id)).toEqual(['a']);
  });

  it('keeps each follow-up in one section', () => {
    const late = activity('late', { overdue: true, dueAt: '2026-12-06T18:45:00Z' });
    const due = activity('due', { dueAt: '2026-12-07T05:00:00Z' });
    const next = activity('next', { dueAt: '2026-12-09T05:00:00Z' });
    const day = bucketMyDay(
      { overdue: [late], today: [late, due], upcoming: [due, next], recentlyDone: [] },
      now,
      zone,
    );
    expect(day.overdue.map((a) => a.id)).toEqual(['late']);
    expect(day.dueToday.map((a) => a.id)).toEqual(['due']);
    expect(day.comingUp.map((a) => a.id)).toEqual(['next']);
  });
});
