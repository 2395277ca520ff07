import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { authenticate } from '../auth/index.ts';
import { runReport } from './run.ts';

/**
 * The leads' monthly rollup answers exactly what reading every lead answers. Random leads are written and then
 * changed by random multi-row statements (stage moves, reassignments, new values, the trash and back, merges,
 * deletes, a new company time zone or fiscal year); random questions (measures, groupings, the time they count
 * by, whole-month windows, filters) asked by random people are run from the rollup and from the leads, and must
 * give the same rows, labels, drill-downs and totals.
 */
let t: TestApp;
let companyId: string;
let stages: string[];
const owners: (string | null)[] = [null];
let sales1: string;
let sales1Warriors: string[];
const people = ['admin@demo.test', 'manager1@demo.test', 'manager2@demo.test', 'sales1@demo.test'];
const actors = new Map<string, Actor>();
let serial = 0;

const tenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(t.dbs.app, companyId, work);

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  stages = (
    await tenant((trx) => sql<{ key: string }>`SELECT key FROM pipeline_stages ORDER BY position`.execute(trx))
  ).rows.map((r) => r.key);
  for (const who of ['sales1', 'sales2', 'sales3', 'manager1', 'admin'])
    owners.push(await userId(t, `${who}@demo.test`));
  sales1 = owners[1] as string;
  sales1Warriors = (
    await tenant((trx) =>
      sql<{ id: string }>`SELECT id FROM users WHERE manager_id = ${sales1} AND role = 'WARRIOR' ORDER BY id`.execute(
        trx,
      ),
    )
  ).rows.map((r) => r.id);
  expect(sales1Warriors.length).toBeGreaterThan(0);
  for (const who of people) {
    actors.set(who, (await authenticate(t.app.deps, `Bearer ${await t.token(who)}`)).actor);
  }
});
afterAll(() => t.close());

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;
const DAY = 86_400_000;
const BASE = Date.parse('2026-06-01T00:00:00Z');
/** Instants near month ends (where the company's zone decides the month) and anywhere in two years. */
const instant = fc.oneof(
  fc
    .record({ month: fc.integer({ min: -24, max: 0 }), hours: fc.integer({ min: -30, max: 30 }) })
    .map(({ month, hours }) => {
      const d = new Date(BASE);
      d.setUTCMonth(d.getUTCMonth() + month);
      return d.getTime() + hours * 3_600_000 + 60_000;
    }),
  fc.integer({ min: -730, max: 0 }).map((days) => BASE + days * DAY + 3_600_000),
);
const leadArb = fc.record({
  owner: fc.nat(5),
  stage: fc.nat(5),
  value: fc.option(
    fc.integer({ min: 0, max: 100_000_000 }).map((cents) => cents / 100),
    { nil: null },
  ),
  created: instant,
  changedAfterHours: fc.nat(24 * 120),
  trashed: fc.boolean(),
  // Seen by sales1 without owning it: as its co-seller, or through one of its warriors.
  coSold: fc.boolean(),
  warrior: fc.boolean(),
});
const changeArb = fc.oneof(
  fc.record({ kind: fc.constant('stage' as const), pick: fc.nat(6), to: fc.nat(5), at: instant }),
  fc.record({ kind: fc.constant('owner' as const), pick: fc.nat(6), to: fc.nat(5) }),
  fc.record({ kind: fc.constant('value' as const), pick: fc.nat(6), to: fc.option(fc.nat(90_000), { nil: null }) }),
  fc.record({ kind: fc.constant('trash' as const), pick: fc.nat(6), restore: fc.boolean() }),
  fc.record({ kind: fc.constant('merge' as const), pick: fc.nat(6) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(6) }),
  fc.record({
    kind: fc.constant('zone' as const),
    zone: fc.constantFrom('Asia/Kolkata', 'America/New_York', 'UTC', 'Asia/Kathmandu', 'Pacific/Auckland'),
    fiscal: fc.integer({ min: 1, max: 12 }),
  }),
);

const MEASURES = [
  'leads',
  'value',
  'openLeads',
  'wonValue',
  'lostLeads',
  'winRate',
  'conversionRate',
  'avgValue',
  'avgWonValue',
  'unassigned',
];
const monthArb = fc.integer({ min: -26, max: 2 }).map((m) => {
  const d = new Date(BASE);
  d.setUTCMonth(d.getUTCMonth() + m);
  return d;
});
const questionArb = fc.record({
  who: fc.constantFrom(...people),
  measures: fc.subarray(MEASURES, { minLength: 1, maxLength: 4 }),
  dims: fc.subarray(['stage', 'stageKind', 'ownerId', 'team'], { maxLength: 2 }),
  timeField: fc.constantFrom('createdAt', 'stageChangedAt'),
  grain: fc.option(fc.constantFrom('month', 'quarter', 'year', 'fiscalYear'), { nil: null }),
  window: fc.option(fc.tuple(monthArb, monthArb), { nil: null }),
  stage: fc.option(fc.subarray([0, 1, 2, 3, 4, 5], { minLength: 1 }), { nil: null }),
  owner: fc.option(fc.nat(5), { nil: null }),
  team: fc.boolean(),
});

async function write(leads: Of<typeof leadArb>[]): Promise<string[]> {
  return tenant(async (trx) => {
    const values = leads.map((l) => {
      const created = new Date(l.created);
      const changed = new Date(l.created + l.changedAfterHours * 3_600_000);
      return sql`(${companyId}::uuid, gen_random_uuid(), ${`Rollup lead ${++serial}`}, 'manual', ${owners[l.owner]}::uuid,
        ${stages[l.stage]}, ${l.value}::numeric, ${created}::timestamptz, ${changed}::timestamptz,
        ${l.trashed ? changed : null}::timestamptz, ${l.coSold ? [sales1] : []}::uuid[],
        ${l.warrior ? [sales1Warriors[serial % sales1Warriors.length]] : []}::uuid[])`;
    });
    const { rows } = await sql<{ id: string }>`INSERT INTO leads (company_id, id, name, source, owner_id, stage,
        expected_value, created_at, stage_changed_at, deleted_at, co_sales_ids, warrior_ids)
      VALUES ${sql.join(values)} RETURNING id`.execute(trx);
    return rows.map((r) => r.id);
  });
}

/** One change as one statement over a slice of the leads (several rows at once, as bulk actions do). */
async function change(ids: string[], c: Of<typeof changeArb>): Promise<void> {
  const some = ids.filter((_id, i) => i % 7 === ('pick' in c ? c.pick : 0));
  await tenant(async (trx) => {
    const picked = sql`id IN (${sql.join(some.length > 0 ? some : ['00000000-0000-0000-0000-000000000000'])})`;
    switch (c.kind) {
      case 'stage':
        await sql`UPDATE leads SET stage = ${stages[c.to]}, stage_changed_at = greatest(created_at, ${new Date(c.at)}::timestamptz)
          WHERE ${picked}`.execute(trx);
        break;
      case 'owner':
        await sql`UPDATE leads SET owner_id = ${owners[c.to]}::uuid WHERE ${picked}`.execute(trx);
        break;
      case 'value':
        await sql`UPDATE leads SET expected_value = ${c.to}::numeric WHERE ${picked}`.execute(trx);
        break;
      case 'trash':
        await sql`UPDATE leads SET deleted_at = ${c.restore ? null : new Date(BASE)}::timestamptz WHERE ${picked}`.execute(
          trx,
        );
        break;
      case 'merge':
        if (some.length > 1) {
          await sql`UPDATE leads SET merged_into = ${some[0]}::uuid WHERE ${picked} AND id <> ${some[0]}`.execute(trx);
        }
        break;
      case 'delete':
        await sql`DELETE FROM leads WHERE ${picked} AND merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM leads m WHERE m.merged_into = leads.id)`.execute(trx);
        break;
      case 'zone':
        await sql`UPDATE companies SET timezone = ${c.zone}, fiscal_year_start_month = ${c.fiscal}
          WHERE id = ${companyId}`.execute(trx);
        break;
    }
  });
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const lastOf = (d: Date) => ymd(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));

function input(q: Of<typeof questionArb>) {
  const groupBy = [...q.dims, ...(q.grain ? [`${q.timeField}.${q.grain}`] : [])];
  const filters: Record<string, unknown> = {};
  if (q.stage) filters.stage = q.stage.map((i) => stages[i]).join(',');
  if (q.owner !== null) filters.ownerId = owners[q.owner] ?? 'none';
  if (q.team) filters.team = owners[4];
  const [a, b] = q.window ?? [];
  const [first, last] = a && b ? (a <= b ? [a, b] : [b, a]) : [];
  return {
    report: { subject: 'leads', measures: q.measures, groupBy, timeField: q.timeField },
    filters,
    ...(first && last ? { from: ymd(first).replace(/\d\d$/, '01'), to: lastOf(last) } : {}),
    limit: 5000,
  };
}

async function run(who: string, body: ReturnType<typeof input>, rollups: boolean) {
  const actor = actors.get(who) as Actor;
  return withTenant(t.dbs.app, companyId, (trx) =>
    runReport(trx, actor, new Date(BASE), body as unknown as Parameters<typeof runReport>[3], { rollups }),
  );
}

type Result = Awaited<ReturnType<typeof run>>;
/** Rows keyed by their groups (figures that tie may come in either order), floats to 9 significant digits. */
function canonical(r: Result) {
  const round = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v);
  const rows = r.rows
    .map((row) => ({
      key: r.columns
        .filter((c) => c.role === 'dimension')
        .map((c) => String(row.values[c.key]))
        .join('|'),
      values: Object.fromEntries(Object.entries(row.values).map(([k, v]) => [k, round(v)])),
      labels: row.labels,
      drill: row.drill,
    }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const totals = Object.fromEntries(Object.entries(r.totals).map(([k, v]) => [k, round(v)]));
  return { columns: r.columns, rows, total: r.total, totals, from: r.from, to: r.to };
}

describe('the leads rollup', () => {
  it('gives the figures reading every lead gives, for random data, changes, questions and people', async () => {
    let rolledUp = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(leadArb, { minLength: 1, maxLength: 30 }),
        fc.array(changeArb, { maxLength: 4 }),
        fc.array(questionArb, { minLength: 1, maxLength: 3 }),
        async (leads, changes, questions) => {
          const ids = await write(leads);
          for (const c of changes) await change(ids, c);
          for (const q of questions) {
            const body = input(q);
            const fromRollup = await run(q.who, body, true);
            const fromLeads = await run(q.who, body, false);
            expect(fromLeads.rollup).toBeUndefined();
            // Everyone here sees leads by owner (a salesperson also its co-sold and warriors' leads, read live):
            // every question asked is the rollup's to answer.
            expect(fromRollup.rollup).toBe(true);
            if (fromRollup.rollup) rolledUp++;
            expect(canonical(fromRollup)).toEqual(canonical(fromLeads));
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(rolledUp).toBeGreaterThan(60);
  }, 240_000);

  it('answers the pre-built pipeline reports for an admin through the API, and leaves what it cannot hold to the leads', async () => {
    const byStage = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', { report: 'pipeline.deals-by-stage' });
    expect(byStage.statusCode, byStage.body).toBe(200);
    expect(byStage.json().rollup).toBe(true);
    // A salesperson's own leads come from the rollup too; a partner sees leads by partner, not by owner.
    const mine = await t.as('sales1@demo.test', 'POST', '/api/v1/reports/run', { report: 'pipeline.deals-by-stage' });
    expect(mine.json().rollup).toBe(true);
    const partner = await t.as('partner@demo.test', 'POST', '/api/v1/reports/run', {
      report: 'pipeline.deals-by-stage',
    });
    expect(partner.statusCode, partner.body).toBe(200);
    expect(partner.json().rollup).toBeUndefined();
    const bySource = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
      report: { subject: 'leads', measures: ['leads'], groupBy: ['source'] },
    });
    expect(bySource.statusCode, bySource.body).toBe(200);
    expect(bySource.json().rollup).toBeUndefined();
    // A window that is not whole months reads the leads too.
    const days = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
      report: 'pipeline.deals-by-stage',
      from: '2026-01-05',
      to: '2026-03-31',
    });
    expect(days.json().rollup).toBeUndefined();
  });

  it("never holds another company's leads", async () => {
    const other = (await t.as('admin@other.test', 'GET', '/api/v1/auth/me')).json().company.id as string;
    const seen = await withTenant(t.dbs.app, other, async (trx) =>
      sql<{ n: string }>`SELECT count(*) AS n FROM lead_rollups WHERE company_id = ${companyId}`.execute(trx),
    );
    expect(Number(seen.rows[0]?.n)).toBe(0);
    const created = await t.as('admin@other.test', 'POST', '/api/v1/leads', {
      name: 'Other rollup lead',
      source: 'referral',
    });
    expect(created.statusCode, created.body).toBe(201);
    const mine = await tenant((trx) =>
      sql<{ n: string }>`SELECT count(*) AS n FROM lead_rollups WHERE company_id <> ${companyId}`.execute(trx),
    );
    expect(Number(mine.rows[0]?.n)).toBe(0);
  });
});
