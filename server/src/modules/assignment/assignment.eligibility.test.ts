import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { insideHours } from './assignment.eligibility.ts';
import {
  ADMIN,
  addRule,
  clearRules,
  MONDAY_NOON_IST,
  newLead,
  newSalesperson,
  setAvailability,
  skipped,
  whyOf,
} from './assignment.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(MONDAY_NOON_IST);
});
afterAll(() => t.close());
beforeEach(() => clearRules(t));

describe('who may take a lead', () => {
  it('skips the one on leave, off today, or outside its hours, each in its own time zone, and says why', async () => {
    const [away, weekender, afternoons, newYork] = [
      await newSalesperson(t, 'On Leave'),
      await newSalesperson(t, 'Weekender'),
      await newSalesperson(t, 'Afternoons'),
      await newSalesperson(t, 'New York'),
    ];
    const leave = await t.as(ADMIN, 'POST', `/api/v1/users/${away}/leaves`, {
      startsOn: '2030-01-06',
      endsOn: '2030-01-09',
      reason: 'Family wedding',
    });
    expect(leave.statusCode, leave.body).toBe(201);
    await setAvailability(t, weekender, { workingDays: [2, 3, 4, 5, 6] });
    await setAvailability(t, afternoons, { workStart: '14:00', workEnd: '18:00' });
    await setAvailability(t, newYork, { timezone: 'America/New_York', workStart: '09:00', workEnd: '17:00' });
    await addRule(t, {
      name: 'Field team',
      strategy: 'round_robin',
      userIds: [away, weekender, afternoons, newYork],
    });

    const noon = await newLead(t);
    expect(noon.ownerId).toBeNull();
    const { current } = await whyOf(t, noon.id);
    expect(current).toMatchObject({ reason: 'unassigned', ruleName: 'Field team', strategy: 'round_robin' });
    expect(current.candidates.map((c) => [c.userId, c.chosen, c.skipped])).toEqual([
      [away, false, 'on leave until 2030-01-09'],
      [weekender, false, 'not a working day (Monday in Asia/Kolkata)'],
      [afternoons, false, 'outside working hours (14:00–18:00 Asia/Kolkata)'],
      [newYork, false, 'outside working hours (09:00–17:00 America/New_York)'],
    ]);
    expect(current.detail).toBe('Matched rule "Field team" had no eligible candidate: the lead is unassigned');

    // 15:00 in Kolkata (04:30 in New York): the afternoon shift has begun.
    t.clock.advance(3 * 3_600_000);
    expect((await newLead(t)).ownerId).toBe(afternoons);
    // 20:00 in Kolkata is 09:30 in New York.
    t.clock.advance(5 * 3_600_000);
    const evening = await newLead(t);
    expect(evening.ownerId).toBe(newYork);
    expect(skipped((await whyOf(t, evening.id)).current, afternoons)).toBe(
      'outside working hours (14:00–18:00 Asia/Kolkata)',
    );
    t.clock.set(new Date(MONDAY_NOON_IST.getTime() + 2 * 86_400_000));
  });

  it('skips whoever reached its daily or open-lead cap, and the inactive', async () => {
    t.clock.set(new Date(MONDAY_NOON_IST.getTime() + 7 * 86_400_000));
    const [daily, open, leaving] = [
      await newSalesperson(t, 'Daily Capped'),
      await newSalesperson(t, 'Open Capped'),
      await newSalesperson(t, 'Leaving Soon'),
    ];
    await setAvailability(t, daily, { dailyCap: 1 });
    await setAvailability(t, open, { openCap: 1 });
    await addRule(t, { name: 'Capped team', strategy: 'round_robin', userIds: [daily, open, leaving] });
    expect((await newLead(t)).ownerId).toBe(daily);
    expect((await newLead(t)).ownerId).toBe(open);
    const deactivated = await t.as(ADMIN, 'POST', `/api/v1/users/${leaving}/deactivate`);
    expect(deactivated.statusCode, deactivated.body).toBe(200);

    const third = await newLead(t);
    expect(third.ownerId).toBeNull();
    const { current } = await whyOf(t, third.id);
    expect(current.candidates.map((c) => [c.userId, c.skipped])).toEqual([
      [leaving, 'inactive'],
      [daily, 'daily cap 1 reached'],
      [open, 'open-lead cap 1 reached'],
    ]);

    // A new day (in the user's zone) resets the daily count; open leads stay until they are won or lost.
    t.clock.advance(86_400_000);
    expect((await newLead(t)).ownerId).toBe(daily);
  });

  it('falls back to the default rule when the matched rule has nobody, naming both in the why', async () => {
    const [away, backup] = [await newSalesperson(t, 'Referral Rep'), await newSalesperson(t, 'Backup Rep')];
    const today = t.clock.now().toISOString().slice(0, 10);
    await t.as(ADMIN, 'POST', `/api/v1/users/${away}/leaves`, { startsOn: today, endsOn: today });
    await addRule(t, {
      name: 'Referrals',
      strategy: 'user',
      userIds: [away],
      conditions: [{ field: 'source', op: 'equals', value: 'referral' }],
    });
    const fallback = await addRule(t, { name: 'Catch-all', isDefault: true, strategy: 'user', userIds: [backup] });
    const lead = await newLead(t, { source: 'referral' });
    expect(lead.ownerId).toBe(backup);
    const { current } = await whyOf(t, lead.id);
    expect(current).toMatchObject({ reason: 'rule', ruleId: fallback.id, strategy: 'user' });
    expect(current.candidates).toEqual([
      { userId: away, name: 'Referral Rep', chosen: false, skipped: `on leave until ${today}` },
      { userId: backup, name: 'Backup Rep', chosen: true, skipped: null },
    ]);
    expect(current.detail).toBe(
      'Matched rule "Referrals" had no eligible candidate. Then the default rule "Catch-all" chose Backup Rep by named user (the rule names this user)',
    );
  });

  it('reads working hours as start inclusive, end exclusive, wrapping past midnight', () => {
    expect(insideHours('09:00', '09:00', '18:00')).toBe(true);
    expect(insideHours('18:00', '09:00', '18:00')).toBe(false);
    expect(insideHours('23:30', '22:00', '06:00')).toBe(true);
    expect(insideHours('05:59', '22:00', '06:00')).toBe(true);
    expect(insideHours('12:00', '22:00', '06:00')).toBe(false);
    expect(insideHours('03:00', null, null)).toBe(true);
  });
});
