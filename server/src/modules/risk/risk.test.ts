import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

/**
 * At-risk leads through the API, on the test clock. The fixtures live in stages made for the test, so the
 * stage norms come from them alone: a stage whose leads are touched every 3 days, a stage that 10 leads left
 * after 1, 2, ... 10 days (90th percentile 9.1 days), and a stage with no history (the defaults apply).
 */

const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const SALES2 = 'sales2@demo.test';
const MANAGER1 = 'manager1@demo.test';
const MANAGER2 = 'manager2@demo.test';
const DAY = 86_400_000;
const HOUR = 3_600_000;

let t: TestApp;
let sales1: string;
let sales2: string;

interface Reason {
  key: string;
  text: string;
  value: number | null;
  usual: number | null;
}
interface Item {
  leadId: string;
  leadName: string;
  ownerId: string | null;
  ownerName: string | null;
  stage: string;
  severity: number;
  reasons: Reason[];
  flaggedSince: string;
}

async function ok(who: string, method: string, url: string, body?: unknown, status = 200) {
  const response = await t.as(who, method, url, body);
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
  return response.body ? response.json() : null;
}

async function newLead(who: string, name: string, stage: string, extra: Record<string, unknown> = {}) {
  const lead = await ok(who, 'POST', '/api/v1/leads', { name, ...extra }, 201);
  await ok(who, 'POST', `/api/v1/leads/${lead.id}/stage`, { stage });
  return lead.id as string;
}

const note = (who: string, leadId: string, body = 'Spoke to them') =>
  ok(who, 'POST', `/api/v1/leads/${leadId}/notes`, { body }, 201);

async function setCloseDate(leadId: string, date: string) {
  const lead = await ok(SALES, 'GET', `/api/v1/leads/${leadId}`);
  await ok(SALES, 'PATCH', `/api/v1/leads/${leadId}`, { expectedCloseDate: date, version: lead.version });
}

async function scan() {
  const queued = await ok(ADMIN, 'POST', '/api/v1/insights/at-risk/scan', undefined, 202);
  expect(queued.queued).toBe(true);
  await t.runJobs();
}

/** Every page of the list, as `who` sees it with `query`. */
async function listAll(who: string, query = ''): Promise<{ items: Item[]; total: number }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let total = 0;
  do {
    const sep = query ? '&' : '';
    const page = await ok(
      who,
      'GET',
      `/api/v1/insights/at-risk?${query}${sep}limit=40${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.data);
    total = page.total;
    cursor = page.nextCursor;
  } while (cursor);
  return { items, total };
}

const risk = (who: string, leadId: string) => ok(who, 'GET', `/api/v1/leads/${leadId}/risk`);
const keysOf = (r: { reasons: Reason[] }) => r.reasons.map((x) => x.key).sort();
const atRiskNotifications = async (who: string) =>
  ((await ok(who, 'GET', '/api/v1/notifications?limit=200')).data as { kind: string; title: string }[]).filter(
    (n) => n.kind === 'lead.at_risk',
  );

type Fixture =
  | 'quiet'
  | 'busy'
  | 'stuck'
  | 'fresh'
  | 'overdue'
  | 'planned'
  | 'pushed'
  | 'pulled'
  | 'away'
  | 'won'
  | 'trashed';
/** The fixture leads' ids. */
const L = {} as Record<Fixture, string>;

beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, SALES);
  sales2 = await userId(t, SALES2);
  for (const [key, kind] of [
    ['risk_pace', 'open'],
    ['risk_stay', 'open'],
    ['risk_after', 'open'],
    ['risk_won', 'won'],
  ] as const) {
    await ok(ADMIN, 'POST', '/api/v1/pipeline/stages', { name: key.replace('_', ' '), key, kind }, 201);
  }

  // Day 0.
  const history = [];
  for (let i = 1; i <= 6; i++) history.push(await newLead(SALES, `Pace History ${i}`, 'risk_pace'));
  const stayers = [];
  for (let i = 1; i <= 10; i++) stayers.push(await newLead(SALES, `Stay History ${i}`, 'risk_stay'));
  L.quiet = await newLead(SALES, 'Quiet Anand', 'risk_pace');
  L.busy = await newLead(SALES, 'Busy Bina', 'risk_pace');
  L.stuck = await newLead(SALES, 'Stuck Chetan', 'risk_stay');
  L.overdue = await newLead(SALES, 'Overdue Esha', 'risk_after');
  L.planned = await newLead(SALES, 'Planned Farah', 'risk_after');
  L.pushed = await newLead(SALES, 'Pushed Gopal', 'risk_after');
  L.pulled = await newLead(SALES, 'Pulled Hema', 'risk_after');
  L.away = await newLead(ADMIN, 'Away Owner Isha', 'risk_after', { ownerId: sales2 });
  L.won = await newLead(SALES, 'Won Jatin', 'risk_won');
  L.trashed = await newLead(SALES, 'Trashed Kabir', 'risk_pace');

  for (let day = 1; day <= 20; day++) {
    t.clock.advance(DAY);
    if (day === 1) await ok(SALES, 'DELETE', `/api/v1/leads/${L.trashed}`, undefined, 204);
    if (day <= 10) await ok(SALES, 'POST', `/api/v1/leads/${stayers[day - 1]}/stage`, { stage: 'risk_after' });
    if (day % 3 === 0 && day <= 12) for (const id of history) await note(SALES, id);
    if (day === 15) L.fresh = await newLead(SALES, 'Fresh Dev', 'risk_stay');
    if (day === 16) {
      await setCloseDate(L.pushed, '2027-01-10');
      await setCloseDate(L.pulled, '2027-01-10');
    }
    if (day === 17) {
      await setCloseDate(L.pushed, '2027-01-20');
      await setCloseDate(L.pulled, '2027-01-20');
    }
    if (day === 18) {
      await setCloseDate(L.pushed, '2027-02-15');
      await setCloseDate(L.pulled, '2027-01-05');
      const now = t.clock.now().getTime();
      await ok(
        SALES,
        'POST',
        '/api/v1/activities',
        {
          leadId: L.overdue,
          type: 'follow_up',
          title: 'Send the quote',
          dueAt: new Date(now + HOUR).toISOString(),
        },
        201,
      );
      await ok(
        SALES,
        'POST',
        '/api/v1/activities',
        {
          leadId: L.planned,
          type: 'follow_up',
          title: 'Demo call',
          dueAt: new Date(now + 4 * DAY).toISOString(),
        },
        201,
      );
    }
    if (day === 19) {
      await note(SALES, L.busy);
      await note(ADMIN, L.away);
      const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const now = t.clock.now().getTime();
      await ok(
        ADMIN,
        'POST',
        `/api/v1/users/${sales2}/leaves`,
        {
          startsOn: iso(now - DAY),
          endsOn: iso(now + 4 * DAY),
          reason: 'Holiday',
        },
        201,
      );
    }
  }
  await scan();
}, 240_000);
afterAll(() => t.close());

describe('the at-risk scan', () => {
  it('flags a lead not touched for 20 days in a stage whose leads are touched every 3 days', async () => {
    const r = await risk(SALES, L.quiet);
    expect(r.atRisk).toBe(true);
    expect(r.reasons.find((x: Reason) => x.key === 'no_touch')).toEqual({
      key: 'no_touch',
      value: 20,
      usual: 3,
      text: 'No touch for 20 days; leads in risk pace are usually touched every 3 days',
    });
    expect(keysOf(r)).toEqual(['no_next_step', 'no_touch']);
  });

  it('flags a lead in its stage past the 90th percentile of the leads that left it', async () => {
    const r = await risk(SALES, L.stuck);
    expect(r.reasons.find((x: Reason) => x.key === 'stage_overdue')).toMatchObject({ value: 20, usual: 9.1 });
    // No one is touched in that stage: the default pace (7 days) applies, and 20 days is past twice that.
    expect(r.reasons.find((x: Reason) => x.key === 'no_touch')).toMatchObject({ value: 20, usual: 7 });
  });

  it('flags overdue follow-ups, a close date pushed twice and an owner on leave', async () => {
    const overdue = await risk(SALES, L.overdue);
    expect(keysOf(overdue)).toEqual(['no_next_step', 'overdue_follow_ups']);
    expect(overdue.reasons[0]).toMatchObject({ key: 'overdue_follow_ups', value: 1 });

    const pushed = await risk(SALES, L.pushed);
    expect(keysOf(pushed)).toEqual(['close_date_pushed', 'no_next_step']);
    expect(pushed.reasons[0]).toMatchObject({ value: 2, text: 'Close date pushed later 2 times' });

    const away = await risk(ADMIN, L.away);
    expect(keysOf(away)).toEqual(['no_next_step', 'owner_on_leave']);
    expect(away.reasons[0].text).toMatch(/^The owner is on leave until \d{4}-\d{2}-\d{2}$/);
  });

  it('does not flag leads touched lately, planned, pulled in, won, trashed or new to their stage', async () => {
    for (const key of ['busy', 'planned', 'pulled', 'fresh', 'won'] as const) {
      const r = await risk(SALES, L[key]);
      expect(r, key).toMatchObject({ atRisk: false, reasons: [], flaggedSince: null });
      expect(r.checkedAt).toBe(t.clock.now().toISOString());
    }
    const { items } = await listAll(ADMIN);
    const listed = new Set(items.map((i) => i.leadId));
    for (const key of ['busy', 'planned', 'pulled', 'fresh', 'won', 'trashed'] as const)
      expect(listed.has(L[key]), key).toBe(false);
    for (const key of ['quiet', 'stuck', 'overdue', 'pushed', 'away'] as const)
      expect(listed.has(L[key]), key).toBe(true);
  });

  it('lists by severity with a keyset cursor, filters by owner and reason, and sums up', async () => {
    const { items, total } = await listAll(ADMIN);
    expect(items.length).toBe(total);
    expect(new Set(items.map((i) => i.leadId)).size).toBe(items.length);
    for (let i = 1; i < items.length; i++)
      expect(items[i - 1]?.severity).toBeGreaterThanOrEqual(items[i]?.severity ?? 0);
    const quiet = items.find((i) => i.leadId === L.quiet);
    expect(quiet).toMatchObject({
      leadName: 'Quiet Anand',
      ownerId: sales1,
      ownerName: 'Rohan Gupta',
      stage: 'risk_pace',
    });

    const pushed = await listAll(ADMIN, 'reason=close_date_pushed');
    expect(pushed.items.map((i) => i.leadId)).toContain(L.pushed);
    for (const i of pushed.items) expect(keysOf(i)).toContain('close_date_pushed');

    const bySales2 = await listAll(ADMIN, `ownerId=${sales2}`);
    expect(bySales2.items.map((i) => i.leadId)).toContain(L.away);
    for (const i of bySales2.items) expect(i.ownerId).toBe(sales2);

    const summary = await ok(ADMIN, 'GET', '/api/v1/insights/at-risk/summary');
    expect(summary.total).toBe(total);
    const byReason = Object.fromEntries(summary.byReason.map((r: { key: string; count: number }) => [r.key, r.count]));
    expect(byReason.close_date_pushed).toBe(pushed.total);
    expect(byReason.no_touch).toBe(items.filter((i) => keysOf(i).includes('no_touch')).length);
    const owner2 = summary.byOwner.find((o: { ownerId: string }) => o.ownerId === sales2);
    expect(owner2?.count).toBe(bySales2.total);
  });

  it('shows a salesperson its leads, a manager its team’s, an admin all', async () => {
    const mine = await listAll(SALES);
    const ids = mine.items.map((i) => i.leadId);
    expect(ids).toContain(L.quiet);
    expect(ids).not.toContain(L.away);
    for (const i of mine.items) expect((await t.as(SALES, 'GET', `/api/v1/leads/${i.leadId}`)).statusCode).toBe(200);

    const team1 = (await listAll(MANAGER1)).items.map((i) => i.leadId);
    expect(team1).toEqual(expect.arrayContaining([L.quiet, L.away]));
    const team2 = (await listAll(MANAGER2)).items.map((i) => i.leadId);
    expect(team2).not.toContain(L.quiet);
    expect(team2).not.toContain(L.away);
    const all = await listAll(ADMIN);
    expect(all.total).toBeGreaterThan(mine.total);
    expect(all.total).toBeGreaterThanOrEqual(team1.length + team2.length);

    expect((await t.as(SALES, 'GET', `/api/v1/leads/${L.away}/risk`)).statusCode).toBe(404);
    expect((await t.as(MANAGER2, 'GET', `/api/v1/leads/${L.quiet}/risk`)).statusCode).toBe(404);
  });

  it('never shows a reason about a field the role cannot see', async () => {
    await ok(ADMIN, 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'expectedCloseDate',
      access: 'hidden',
    });
    try {
      expect(await risk(SALES, L.pushed)).toMatchObject({ atRisk: false, reasons: [] });
      expect((await listAll(SALES, 'reason=close_date_pushed')).total).toBe(0);
      const summary = await ok(SALES, 'GET', '/api/v1/insights/at-risk/summary');
      expect(summary.byReason.map((r: { key: string }) => r.key)).not.toContain('close_date_pushed');
      expect(keysOf(await risk(MANAGER1, L.pushed))).toContain('close_date_pushed');
    } finally {
      await ok(ADMIN, 'PUT', '/api/v1/field-permissions', {
        role: 'SALESPERSON',
        field: 'expectedCloseDate',
        access: null,
      });
    }
  });

  it('answers 404 to another company, 403 to roles without insights:read, 400 naming a bad parameter', async () => {
    expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/leads/${L.quiet}/risk`), 404, 'not_found');
    for (const who of ['warrior1@demo.test', 'partner@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/at-risk'), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/at-risk/summary'), 403, 'forbidden');
    }
    expectProblem(await t.as(SALES, 'POST', '/api/v1/insights/at-risk/scan'), 403, 'forbidden');
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/insights/at-risk?reason=bogus'),
      400,
      'validation_failed',
      'reason',
    );
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/insights/at-risk?ownerId=nope'),
      400,
      'validation_failed',
      'ownerId',
    );
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/insights/at-risk?cursor=bm9wZQ'),
      400,
      'validation_failed',
      'cursor',
    );
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/leads/not-a-uuid/risk'), 400, 'validation_failed', 'id');
  });

  it('tells each owner once per week how many of its leads are at risk', async () => {
    const first = await atRiskNotifications(SALES);
    expect(first).toHaveLength(1);
    const before = await listAll(ADMIN, `ownerId=${sales1}`);
    expect(first[0]?.title).toBe(`${before.total} of your leads are at risk`);
    expect(await atRiskNotifications(SALES2)).toHaveLength(1);

    // Again the same day: every lead was counted already.
    await scan();
    expect(await atRiskNotifications(SALES)).toHaveLength(1);

    // The next day only the leads that became at risk since are counted.
    t.clock.advance(DAY);
    await scan();
    const seen = new Set(before.items.map((i) => i.leadId));
    const fresh = (await listAll(ADMIN, `ownerId=${sales1}`)).items.filter((i) => !seen.has(i.leadId));
    const nextDay = await atRiskNotifications(SALES);
    expect(nextDay).toHaveLength(fresh.length > 0 ? 2 : 1);
    if (fresh.length > 0) {
      expect(nextDay[0]?.title).toBe(`${fresh.length} of your leads ${fresh.length === 1 ? 'is' : 'are'} at risk`);
    }

    // A week after the first: every lead still at risk is counted again, in one notification.
    t.clock.advance(7 * DAY);
    await scan();
    const later = await atRiskNotifications(SALES);
    expect(later).toHaveLength(nextDay.length + 1);
    const now = await listAll(ADMIN, `ownerId=${sales1}`);
    const again = now.items.filter((i) => seen.has(i.leadId)).length;
    expect(again).toBeGreaterThan(0);
    const counted = Number(/^(\d+) of your leads/.exec(later[0]?.title ?? '')?.[1]);
    expect(counted).toBeGreaterThanOrEqual(again);
    expect(counted).toBeLessThanOrEqual(now.total);
  });
});
