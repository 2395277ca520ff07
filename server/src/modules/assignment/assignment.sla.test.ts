import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, JWT_SECRET, type TestApp, userId } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { connect } from '../../db/client.ts';
import { runDueJobs } from '../../jobs/runner.ts';
import { ManualClock } from '../../lib/clock.ts';
import { ADMIN, addRule, clearRules, newLead, whyOf } from './assignment.fixtures.ts';
import { SLA_JOB } from './assignment.jobs.ts';

const MINUTE = 60_000;
let t: TestApp;
let sales1: string;
let sales3: string;
beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, 'sales1@demo.test');
  sales3 = await userId(t, 'sales3@demo.test');
  await clearRules(t);
});
afterAll(() => t.close());
// Checks still pending from a test find their rule gone and end there, so each test starts with none due.
afterEach(async () => {
  await clearRules(t);
  t.clock.advance(24 * 60 * MINUTE);
  await t.runJobs();
});

/**
 * Runs the due jobs after dropping those of other kinds (the daily housekeeping, duplicate flags of the new
 * leads), so the counts below are the SLA checks'.
 */
async function runSlaChecks() {
  await t.dbs.app.deleteFrom('jobs').where('kind', '!=', SLA_JOB).where('done_at', 'is', null).execute();
  return t.runJobs();
}

async function notificationsOf(email: string, leadId: string) {
  const response = await t.as(email, 'GET', '/api/v1/notifications?limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().data as { kind: string; title: string; body: string; leadId: string }[]).filter(
    (n) => n.leadId === leadId,
  );
}

async function ownerOf(leadId: string): Promise<string | null> {
  return (await t.as(ADMIN, 'GET', `/api/v1/leads/${leadId}`)).json().ownerId;
}

describe('response SLA', () => {
  it('hands an untouched lead to the next eligible candidate, tells the manager and the new owner', async () => {
    const rule = await addRule(t, {
      name: 'Inbound',
      strategy: 'round_robin',
      userIds: [sales1, sales3],
      slaMinutes: 30,
    });
    const lead = await newLead(t, { name: 'Kiran Rao' });
    expect(lead.ownerId).toBe(sales1);
    const created = t.clock.now().getTime();
    expect((await whyOf(t, lead.id)).current.slaDueAt).toBe(new Date(created + 30 * MINUTE).toISOString());

    t.clock.advance(29 * MINUTE);
    expect((await runSlaChecks()).claimed).toBe(0);
    expect(await ownerOf(lead.id)).toBe(sales1);

    t.clock.advance(2 * MINUTE);
    expect(await runSlaChecks()).toMatchObject({ done: 1, failed: 0 });
    expect(await ownerOf(lead.id)).toBe(sales3);
    const { current, history } = await whyOf(t, lead.id);
    expect(current).toMatchObject({
      reason: 'sla',
      ruleId: rule.id,
      strategy: 'round_robin',
      ownerId: sales3,
      previousOwnerId: sales1,
      slaDueAt: new Date(t.clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    // In rotation order: sales3 was next after sales1.
    expect(current.candidates.map((c) => [c.userId, c.chosen, c.skipped])).toEqual([
      [sales3, true, null],
      [sales1, false, 'current owner; missed the response SLA'],
    ]);
    expect(current.detail).toContain('Rohan Gupta did not respond within 30 minutes');
    expect(history).toHaveLength(2);

    const toManager = await notificationsOf('manager1@demo.test', lead.id);
    expect(toManager).toEqual([
      expect.objectContaining({
        kind: 'lead.sla_missed',
        title: 'Response SLA missed: Kiran Rao',
        body: 'Rohan Gupta did not respond within 30 minutes; reassigned to Arjun Nair.',
      }),
    ]);
    const toNewOwner = await notificationsOf('sales3@demo.test', lead.id);
    expect(toNewOwner).toEqual([
      expect.objectContaining({ kind: 'lead.assigned', title: 'Lead reassigned to you: Kiran Rao' }),
    ]);

    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=lead&entityId=${lead.id}`);
    const entry = (audit.json().data as { action: string; actorUserId: string | null; changes: unknown }[]).find(
      (a) => a.action === 'lead.sla_reassigned',
    );
    expect(entry).toMatchObject({ actorUserId: null, changes: { ownerId: { from: sales1, to: sales3 } } });

    // The new owner has its own 30 minutes; missing them sends the lead on again.
    t.clock.advance(31 * MINUTE);
    expect(await runSlaChecks()).toMatchObject({ done: 1 });
    expect(await ownerOf(lead.id)).toBe(sales1);
  });

  it('leaves a lead that was worked before the deadline where it is', async () => {
    await addRule(t, { name: 'Inbound', strategy: 'user', userIds: [sales3], slaMinutes: 30 });
    const lead = await newLead(t, { name: 'Worked Lead' });
    t.clock.advance(10 * MINUTE);
    const edit = await t.as('sales3@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, {
      version: lead.version,
      city: 'Pune',
    });
    expect(edit.statusCode, edit.body).toBe(200);
    t.clock.advance(25 * MINUTE);
    expect(await runSlaChecks()).toMatchObject({ done: 1, failed: 0 });
    expect(await ownerOf(lead.id)).toBe(sales3);
    expect((await whyOf(t, lead.id)).history).toHaveLength(1);
    expect(await notificationsOf('manager2@demo.test', lead.id)).toEqual([]);
  });

  it('keeps the lead with its owner when nobody else can take it, and still tells the manager', async () => {
    await addRule(t, { name: 'Only Arjun', strategy: 'user', userIds: [sales3], slaMinutes: 15 });
    const lead = await newLead(t, { name: 'Nobody Else' });
    t.clock.advance(16 * MINUTE);
    expect(await runSlaChecks()).toMatchObject({ done: 1 });
    expect(await ownerOf(lead.id)).toBe(sales3);
    const { current } = await whyOf(t, lead.id);
    expect(current).toMatchObject({ reason: 'sla', ownerId: sales3, previousOwnerId: sales3, slaDueAt: null });
    expect(current.detail).toContain(
      'The lead stays with Arjun Nair: rule "Only Arjun" has no other eligible candidate',
    );
    expect((await notificationsOf('manager2@demo.test', lead.id)).map((n) => n.kind)).toEqual(['lead.sla_missed']);
    t.clock.advance(60 * MINUTE);
    expect((await runSlaChecks()).claimed).toBe(0);
  });

  it('survives a restart: another process on the same database runs the check', async () => {
    await addRule(t, { name: 'Inbound', strategy: 'round_robin', userIds: [sales1, sales3], slaMinutes: 20 });
    const lead = await newLead(t, { name: 'After Restart' });
    const first = lead.ownerId;
    const dbs = connect(t.url, 2);
    const restarted = await buildApp({
      config: t.config,
      db: dbs.app,
      jwtSecret: JWT_SECRET,
      clock: new ManualClock(new Date(t.clock.now().getTime() + 21 * MINUTE)),
      logger: false,
      webRoot: null,
    });
    try {
      await restarted.ready();
      await t.dbs.app.deleteFrom('jobs').where('kind', '!=', SLA_JOB).where('done_at', 'is', null).execute();
      expect(await runDueJobs(restarted.deps)).toMatchObject({ claimed: 1, done: 1 });
    } finally {
      await restarted.close();
      await dbs.close();
    }
    const now = await ownerOf(lead.id);
    expect(now).not.toBe(first);
    expect([sales1, sales3]).toContain(now);
    expect((await whyOf(t, lead.id)).current.reason).toBe('sla');
  });
});
