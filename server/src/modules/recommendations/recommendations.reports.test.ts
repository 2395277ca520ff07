import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Recommendation outcomes in the reports' semantic layer. The clock starts 400 days on, so the demo company's own
 * history is outside the 12-month window and the fixture alone is the evidence: Star wins 14 of 20 web-form leads
 * and Bina 14 of 20 referrals, the others 1 of 10 of each; two rule recommendations follow. The web-form one is
 * accepted and the referral one dismissed; new web-form leads then go to Star by the created rule, some are won or
 * lost, one is trashed, one is created before the acceptance. The report's figures must equal a count taken
 * straight from the tables, and the recommendations page's own outcome.
 */

const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const OTHER_ADMIN = 'admin@other.test';
const REPORT = 'insights.recommendation-outcomes';
const ALL = { from: '2000-01-01', to: '2100-12-31' };
const DAY = 86_400_000;

let t: TestApp;
let companyId: string;
const people: Record<'star' | 'bina' | 'c' | 'd', string> = { star: '', bina: '', c: '', d: '' };

interface Reco {
  id: string;
  kind: string;
  dimension: string;
  value: string;
  status: string;
  ruleId: string | null;
  proposal: { summary: string };
  expected: { winRateNow: number; winRateExpected: number };
  outcome: { leadsRouted: number; closed: number; won: number; winRate: number | null } | null;
}
type Row = { values: Record<string, string | number | null>; labels: Record<string, string> };
interface Result {
  rows: Row[];
  totals: Record<string, number | string | null>;
}

async function ok(who: string, method: string, url: string, body?: unknown, status = 200) {
  const response = await t.as(who, method, url, body);
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
  return response.body ? response.json() : null;
}

let made = 0;
async function salesperson(name: string): Promise<string> {
  made++;
  const user = await ok(
    ADMIN,
    'POST',
    '/api/v1/users',
    {
      email: `recoreport${made}.${process.pid}@demo.test`,
      name,
      role: 'SALESPERSON',
      managerId: await userId(t, MANAGER),
      password: 'a long enough passphrase 42',
    },
    201,
  );
  return user.id;
}

/** `n` closed leads of a source for an owner, `won` of them won, created straight into Won or Lost. */
function closed(owner: string, source: string, n: number, won: number) {
  return Array.from({ length: n }, (_, i) => ({
    name: `Outcome Fixture ${source} ${owner.slice(0, 8)} ${i}`,
    source,
    ownerId: owner,
    stage: i < won ? 'won' : 'lost',
    ...(i < won ? { expectedValue: 1000 } : { lostReason: 'Price' }),
  }));
}

const list = async (): Promise<Reco[]> => (await ok(ADMIN, 'GET', '/api/v1/insights/recommendations')).data;
const find = async (value: string) => (await list()).find((r) => r.value === value) as Reco;

async function run(who: string, report: unknown, extra: Record<string, unknown> = {}): Promise<Result> {
  return ok(who, 'POST', '/api/v1/reports/run', { report, ...ALL, limit: 5000, ...extra });
}

/** A web-form lead with no owner given: the rules route it. */
async function routed(name: string): Promise<{ id: string; ownerId: string | null }> {
  return ok(ADMIN, 'POST', '/api/v1/leads', { name, source: 'web_form', expectedValue: 500 }, 201);
}

const move = (id: string, stage: 'won' | 'lost') =>
  ok(
    ADMIN,
    'POST',
    `/api/v1/leads/${id}/stage`,
    stage === 'won' ? { stage } : { stage, fields: { lostReason: 'Price' } },
  );

/** What the accepted rule did, counted straight from the tables: its live leads since acceptance. */
async function counted(ruleId: string, since: string) {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ assigned: number; closed: number; won: number }>`
      SELECT count(*)::int AS assigned, count(*) FILTER (WHERE s.kind IN ('won', 'lost'))::int AS closed,
        count(*) FILTER (WHERE s.kind = 'won')::int AS won
      FROM leads l JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      WHERE l.deleted_at IS NULL AND l.merged_into IS NULL AND l.id IN (
        SELECT a.lead_id FROM lead_assignments a
        WHERE a.rule_id = ${ruleId} AND a.reason = 'rule' AND a.at >= ${since}::timestamptz)`.execute(trx);
    return rows[0] as { assigned: number; closed: number; won: number };
  });
}

async function statusCounts() {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ status: string; kind: string; n: number }>`
      SELECT status, kind, count(*)::int AS n FROM recommendations GROUP BY 1, 2`.execute(trx);
    return rows;
  });
}

const rowOf = (result: Result, status: string, kind: string) =>
  result.rows.find((r) => r.values.status === status && r.values.kind === kind);

let webForm: Reco;
let referral: Reco;
const leads: { id: string; ownerId: string | null }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await ok(ADMIN, 'GET', '/api/v1/auth/me')).company.id;
  t.clock.advance(400 * DAY);
  people.star = await salesperson('Star Seller');
  people.bina = await salesperson('Bina Rao');
  people.c = await salesperson('Chetan Das');
  people.d = await salesperson('Deepa Iyer');
  const fixture = [
    ...closed(people.star, 'web_form', 20, 14),
    ...closed(people.bina, 'web_form', 10, 1),
    ...closed(people.c, 'web_form', 10, 1),
    ...closed(people.d, 'web_form', 10, 1),
    ...closed(people.bina, 'referral', 20, 14),
    ...closed(people.star, 'referral', 10, 1),
    ...closed(people.c, 'referral', 10, 1),
    ...closed(people.d, 'referral', 10, 1),
  ];
  for (let i = 0; i < fixture.length; i += 50) {
    const result = await ok(ADMIN, 'POST', '/api/v1/leads/bulk?onDuplicate=create', {
      leads: fixture.slice(i, i + 50),
    });
    expect(result.created).toBe(Math.min(50, fixture.length - i));
  }
  t.clock.advance(DAY);
  expect((await ok(ADMIN, 'POST', '/api/v1/insights/recommendations/refresh', undefined, 202)).queued).toBe(true);
  await t.runJobs();

  webForm = await find('web_form');
  referral = await find('referral');
  expect(webForm, JSON.stringify((await list()).map((r) => [r.kind, r.dimension, r.value]))).toBeDefined();
  expect(referral).toBeDefined();

  // A web-form lead before the acceptance: not the rule's.
  leads.push(await routed('Before Bala'));
  t.clock.advance(DAY);
  webForm = await ok(ADMIN, 'POST', `/api/v1/insights/recommendations/${webForm.id}/accept`, { active: true });
  referral = await ok(ADMIN, 'POST', `/api/v1/insights/recommendations/${referral.id}/dismiss`);
  t.clock.advance(DAY);

  // Seven leads the rule gives Star: three won, two lost, one left open, one trashed.
  const names = ['Won Asha', 'Won Bhavna', 'Won Charu', 'Lost Dev', 'Lost Esha', 'Open Farid', 'Trashed Gita'];
  const mine = [];
  for (const name of names) {
    const lead = await routed(name);
    expect(lead.ownerId, name).toBe(people.star);
    mine.push(lead);
  }
  t.clock.advance(DAY);
  for (const lead of mine.slice(0, 3)) await move(lead.id, 'won');
  for (const lead of mine.slice(3, 5)) await move(lead.id, 'lost');
  await ok(ADMIN, 'DELETE', `/api/v1/leads/${mine[6]?.id}`, undefined, 204);
  leads.push(...mine);
}, 180_000);
afterAll(() => t.close());

describe('recommendation outcomes in reports', () => {
  it('counts what the accepted rule did since its acceptance, as the tables and the page do', async () => {
    const accepted = await find('web_form');
    expect(accepted.status).toBe('accepted');
    const want = await counted(
      accepted.ruleId as string,
      (await ok(ADMIN, 'GET', `/api/v1/insights/recommendations/${accepted.id}`)).decidedAt,
    );
    // The fixture's own figures: 6 live leads by the rule (the trashed one and the earlier one left out).
    expect(want).toEqual({ assigned: 6, closed: 5, won: 3 });

    const result = await run(ADMIN, REPORT);
    const row = rowOf(result, 'accepted', 'rule');
    expect(row, JSON.stringify(result.rows)).toBeDefined();
    expect(row?.labels).toMatchObject({ status: 'Accepted', kind: 'Assignment rule' });
    expect(Number(row?.values.recommendations)).toBe(1);
    expect(Number(row?.values.assigned)).toBe(want.assigned);
    expect(Number(row?.values.closed)).toBe(want.closed);
    expect(Number(row?.values.won)).toBe(want.won);
    expect(Number(row?.values.actualWinRate)).toBeCloseTo(want.won / want.closed, 9);
    expect(Number(row?.values.expectedWinRate)).toBeCloseTo(accepted.expected.winRateExpected, 9);
    expect(Number(row?.values.againstExpected)).toBeCloseTo(
      want.won / want.closed - accepted.expected.winRateExpected,
      9,
    );

    // The recommendations page says the same.
    expect(accepted.outcome).toMatchObject({ leadsRouted: want.assigned, closed: want.closed, won: want.won });
    expect(accepted.outcome?.winRate).toBeCloseTo(want.won / want.closed, 9);
  });

  it('counts the dismissed one as dismissed, with no outcome, and the statuses as the table holds them', async () => {
    const result = await run(ADMIN, REPORT);
    const row = rowOf(result, 'dismissed', 'rule');
    expect(row?.labels.status).toBe('Dismissed');
    expect(Number(row?.values.recommendations)).toBe(1);
    expect(Number(row?.values.assigned)).toBe(0);
    expect(Number(row?.values.closed)).toBe(0);
    expect(row?.values.actualWinRate).toBeNull();
    // Every row equals a count of the table by status and kind.
    const counts = await statusCounts();
    expect(result.rows).toHaveLength(counts.length);
    for (const c of counts) {
      expect(Number(rowOf(result, c.status, c.kind)?.values.recommendations), `${c.status} ${c.kind}`).toBe(c.n);
    }
    expect(Number(result.totals.recommendations)).toBe(counts.reduce((n, c) => n + c.n, 0));

    const decided = await run(ADMIN, {
      subject: 'recommendations',
      measures: ['proposed', 'accepted', 'dismissed', 'acceptanceRate', 'expectedLift'],
    });
    const of = (status: string) => counts.filter((c) => c.status === status).reduce((n, c) => n + c.n, 0);
    expect(decided.totals).toMatchObject({ accepted: 1, dismissed: 1, proposed: of('proposed') });
    expect(Number(decided.totals.acceptanceRate)).toBeCloseTo(0.5, 9);
    expect(Number(decided.totals.expectedLift)).toBeGreaterThan(0);
  });

  it('names each recommendation by its summary when grouped by it', async () => {
    const result = await run(ADMIN, {
      subject: 'recommendations',
      measures: ['assigned', 'won'],
      groupBy: ['recommendation'],
    });
    const row = result.rows.find((r) => r.values.recommendation === webForm.id);
    expect(row?.labels.recommendation).toBe(webForm.proposal.summary);
    expect(Number(row?.values.assigned)).toBe(6);
    const dismissed = result.rows.find((r) => r.values.recommendation === referral.id);
    expect(dismissed?.labels.recommendation).toBe(referral.proposal.summary);
  });

  it('windows on the proposal or the decision time', async () => {
    const decidedAt = Date.parse(
      (await ok(ADMIN, 'GET', `/api/v1/insights/recommendations/${webForm.id}`)).decidedAt as string,
    );
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const byDecision = { subject: 'recommendations', measures: ['accepted', 'dismissed'], timeField: 'decidedAt' };
    const around = await run(ADMIN, byDecision, { from: date(decidedAt - DAY), to: date(decidedAt + DAY) });
    expect(around.totals).toMatchObject({ accepted: 1, dismissed: 1 });
    const before = await run(ADMIN, byDecision, { from: '2000-01-01', to: date(decidedAt - 2 * DAY) });
    expect(before.totals).toMatchObject({ accepted: 0, dismissed: 0 });
    expect((await run(ADMIN, REPORT, { from: '2000-01-01', to: '2000-01-02' })).rows).toEqual([]);
  });

  it('is on the admin’s default dashboard, not the manager’s', async () => {
    const admin = await ok(ADMIN, 'GET', '/api/v1/dashboards/default');
    expect(admin.tiles.map((x: { report: string }) => x.report)).toContain(REPORT);
    const manager = await ok(MANAGER, 'GET', '/api/v1/dashboards/default');
    expect(manager.tiles.map((x: { report: string }) => x.report)).not.toContain(REPORT);
  });

  it('is 403 to a manager, and offered only to admins', async () => {
    expectProblem(await t.as(MANAGER, 'POST', '/api/v1/reports/run', { report: REPORT, ...ALL }), 403, 'forbidden');
    expectProblem(
      await t.as(MANAGER, 'POST', '/api/v1/reports/run', {
        report: { subject: 'recommendations', measures: ['accepted'] },
      }),
      403,
      'forbidden',
    );
    const offered = (who: string) =>
      ok(who, 'GET', '/api/v1/reports').then((r) => r.data.map((x: { key: string }) => x.key));
    expect(await offered(ADMIN)).toContain(REPORT);
    expect(await offered(MANAGER)).not.toContain(REPORT);
  });

  it('shows another company’s admin none of these rows', async () => {
    const result = await run(OTHER_ADMIN, REPORT);
    expect(result.rows).toEqual([]);
    expect(Number(result.totals.recommendations)).toBe(0);
  });

  it('refuses a bad question naming the field', async () => {
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', {
        report: { subject: 'recommendations', measures: ['accepted'], groupBy: ['owner'] },
      }),
      400,
      'validation_failed',
      'report.groupBy.0',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', {
        report: { subject: 'recommendations', measures: ['wonValue'] },
      }),
      400,
      'validation_failed',
      'report.measures.0',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', { report: REPORT, filters: { source: 'web_form' } }),
      400,
      'validation_failed',
      'filters',
    );
  });
});
