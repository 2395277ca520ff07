import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The lead's score and tier as fields of the lead (read from lead_scores, kept beside it): in the lead, the list's
 * sort and filters (with keyset paging across the unscored leads), the stage counts, exports and the catalog;
 * never written through the lead. The scores are written straight into lead_scores, as scoring writes them.
 */
const TOKEN = 'scrfix';
const ADMIN = 'admin@demo.test';
let t: TestApp;
let companyId: string;

interface Fixture {
  id: string;
  owner: 'sales1' | 'sales2';
  score: number | null;
  tier: 'hot' | 'warm' | 'cold' | null;
}
const fixtures: Fixture[] = [];

// Ties on every page boundary, and unscored leads (null) in between.
const scores = [80, null, 55, 80, 10, null, 5, 95, 30, null, 80, 40, 10, null, 100, 70];
/** What scoring wrote for a lead: a reason from a field every role sees, one from behaviour, one from the value. */
const reasonsOf = (f: { score: number | null }) => [
  { label: 'Source is Manual', points: f.score, field: 'source' },
  { label: 'No touch for 9 days', points: -8, field: null },
  { label: 'Expected value at least 1000', points: 5, field: 'expectedValue' },
];
const tierOf = (score: number) => (score >= 70 ? 'hot' : score >= 40 ? 'warm' : 'cold');

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const owners = { sales1: await userId(t, 'sales1@demo.test'), sales2: await userId(t, 'sales2@demo.test') };
  for (const [i, score] of scores.entries()) {
    const owner = i % 3 === 0 ? 'sales2' : 'sales1';
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', {
      name: `${TOKEN} ${i}`,
      ownerId: owners[owner],
    });
    expect(created.statusCode, created.body).toBe(201);
    fixtures.push({ id: created.json().id, owner, score, tier: score === null ? null : tierOf(score) });
  }
  await withTenant(t.dbs.app, companyId, async (trx) => {
    for (const f of fixtures) {
      if (f.score === null) continue;
      await sql`INSERT INTO lead_scores (company_id, lead_id, score, tier, source, reasons, scored_at)
        VALUES (${companyId}, ${f.id}, ${f.score}, ${f.tier}, 'rules',
          ${JSON.stringify(reasonsOf(f))}::jsonb, now())`.execute(trx);
    }
  });
});
afterAll(() => t.close());

/** Every page of a list query, `limit` at a time, following nextCursor. */
async function allPages(who: string, query: string, limit = 3): Promise<{ id: string; score: number | null }[]> {
  const out: { id: string; score: number | null }[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const url = `/api/v1/leads?q=${TOKEN}&limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await t.as(who, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    out.push(...response.json().data);
    cursor = response.json().nextCursor;
    if (!cursor) return out;
  }
  throw new Error('the pages never ended');
}

/** The fixtures in the order the list promises: scored ones by score (ties by id, same way), then the unscored. */
function expectedOrder(list: Fixture[], desc: boolean): string[] {
  const byId = (a: Fixture, b: Fixture) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * (desc ? -1 : 1);
  const scored = list
    .filter((f) => f.score !== null)
    .sort((a, b) => ((a.score as number) - (b.score as number)) * (desc ? -1 : 1) || byId(a, b));
  const unscored = list.filter((f) => f.score === null).sort(byId);
  return [...scored, ...unscored].map((f) => f.id);
}

describe('the lead score as a field of the lead', () => {
  it('is part of the lead: its score and tier, null when not scored', async () => {
    const scored = fixtures.find((f) => f.score !== null) as Fixture;
    const lead = await t.as(ADMIN, 'GET', `/api/v1/leads/${scored.id}`);
    expect(lead.json()).toMatchObject({ score: scored.score, scoreTier: scored.tier });
    const unscored = fixtures.find((f) => f.score === null) as Fixture;
    expect((await t.as(ADMIN, 'GET', `/api/v1/leads/${unscored.id}`)).json()).toMatchObject({
      score: null,
      scoreTier: null,
    });
    expect(lead.json().editable).not.toContain('score');
  });

  it('sorts by score both ways, page after page, the unscored leads last', async () => {
    for (const desc of [true, false]) {
      const rows = await allPages(ADMIN, `sort=${desc ? '-' : ''}score`);
      expect(
        rows.map((r) => r.id),
        desc ? 'descending' : 'ascending',
      ).toEqual(expectedOrder(fixtures, desc));
      expect(rows.map((r) => r.score)).toEqual(
        expectedOrder(fixtures, desc).map((id) => fixtures.find((f) => f.id === id)?.score),
      );
    }
  });

  it('filters by tier and by score range, with the same paging', async () => {
    const hotWarm = await allPages(ADMIN, 'scoreTier=hot,warm&sort=-score', 2);
    const wanted = fixtures.filter((f) => f.tier === 'hot' || f.tier === 'warm');
    expect(hotWarm.map((r) => r.id)).toEqual(expectedOrder(wanted, true));

    const range = await allPages(ADMIN, 'score.min=30&score.max=70&sort=score', 2);
    const inRange = fixtures.filter((f) => f.score !== null && f.score >= 30 && f.score <= 70);
    expect(inRange.length).toBeGreaterThan(2);
    expect(range.map((r) => r.id)).toEqual(expectedOrder(inRange, false));

    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/leads?scoreTier=boiling'), 400, 'validation_failed', 'scoreTier');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/leads?score.min=high'), 400, 'validation_failed', 'score.min');
  });

  it('counts the leads of a tier per stage, as the list finds them', async () => {
    for (const tier of ['hot', 'warm', 'cold'] as const) {
      const counts = await t.as(ADMIN, 'GET', `/api/v1/leads/counts?scoreTier=${tier}`);
      expect(counts.statusCode, counts.body).toBe(200);
      const total = counts.json().data.reduce((sum: number, s: { count: number }) => sum + s.count, 0);
      expect(total, tier).toBe(fixtures.filter((f) => f.tier === tier).length);
    }
    const mine = await t.as('sales1@demo.test', 'GET', '/api/v1/leads/counts?scoreTier=hot');
    const total = mine.json().data.reduce((sum: number, s: { count: number }) => sum + s.count, 0);
    expect(total).toBe(fixtures.filter((f) => f.tier === 'hot' && f.owner === 'sales1').length);
  });

  it('shows a salesperson the scores of its own leads only', async () => {
    const rows = await allPages('sales1@demo.test', 'sort=-score');
    const own = fixtures.filter((f) => f.owner === 'sales1');
    expect(rows.map((r) => r.id)).toEqual(expectedOrder(own, true));
    const hot = await allPages('sales1@demo.test', 'scoreTier=hot');
    expect(hot.map((r) => r.id).sort()).toEqual(
      own
        .filter((f) => f.tier === 'hot')
        .map((f) => f.id)
        .sort(),
    );
    const others = fixtures.find((f) => f.owner === 'sales2' && f.score !== null) as Fixture;
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${others.id}`)).statusCode).toBe(404);
  });

  it('exports the score and its tier', async () => {
    const response = await t.as(
      ADMIN,
      'GET',
      `/api/v1/leads/export?format=csv&q=${TOKEN}&sort=-score&columns=name,score,scoreTier`,
    );
    expect(response.statusCode, response.body).toBe(200);
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('Name,Score,Score tier');
    const order = expectedOrder(fixtures, true).map((id) => fixtures.find((f) => f.id === id) as Fixture);
    const names = new Map(fixtures.map((f, i) => [f.id, `${TOKEN} ${i}`]));
    expect(lines.slice(1)).toEqual(
      order.map(
        (f) => `${names.get(f.id)},${f.score ?? ''},${f.tier ? f.tier[0]?.toUpperCase() + f.tier.slice(1) : ''}`,
      ),
    );
    const json = await t.as(
      ADMIN,
      'GET',
      `/api/v1/leads/export?format=json&q=${TOKEN}&sort=-score&columns=score,scoreTier`,
    );
    const first = order[0] as Fixture;
    expect(json.json()[0]).toEqual({ id: first.id, score: first.score, scoreTier: first.tier });
  });

  it('exports the reasons behind each score, without those from fields the user cannot see', async () => {
    const url = `/api/v1/leads/export?format=csv&q=${TOKEN}&sort=-score&columns=name,scoreReasons`;
    const order = expectedOrder(fixtures, true).map((id) => fixtures.find((f) => f.id === id) as Fixture);
    const rowsOf = (body: string) =>
      body
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/)
        .slice(1);
    const admin = await t.as(ADMIN, 'GET', url);
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('Name,Score reasons');
    expect(rowsOf(admin.body)).toEqual(
      order.map((f) =>
        f.score === null
          ? `${TOKEN} ${fixtures.indexOf(f)},`
          : `${TOKEN} ${fixtures.indexOf(f)},Source is Manual +${f.score}; No touch for 9 days -8; Expected value at least 1000 +5`,
      ),
    );

    const hide = await t.as(ADMIN, 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'expectedValue',
      access: 'hidden',
    });
    expect(hide.statusCode, hide.body).toBe(200);
    try {
      const sales = await t.as('sales1@demo.test', 'GET', url);
      expect(sales.statusCode, sales.body).toBe(200);
      const own = order.filter((f) => f.owner === 'sales1');
      expect(rowsOf(sales.body)).toEqual(
        own.map((f) =>
          f.score === null
            ? `${TOKEN} ${fixtures.indexOf(f)},`
            : `${TOKEN} ${fixtures.indexOf(f)},Source is Manual +${f.score}; No touch for 9 days -8`,
        ),
      );
      const json = await t.as('sales1@demo.test', 'GET', url.replace('format=csv', 'format=json'));
      const first = own.find((f) => f.score !== null) as Fixture;
      expect(json.json().find((l: { id: string }) => l.id === first.id).scoreReasons).toEqual([
        { label: 'Source is Manual', points: first.score },
        { label: 'No touch for 9 days', points: -8 },
      ]);
    } finally {
      await t.as(ADMIN, 'PUT', '/api/v1/field-permissions', {
        role: 'SALESPERSON',
        field: 'expectedValue',
        access: 'write',
      });
    }
  });

  it('is served by the catalog as a read-only field with its filter, sort and tiers', async () => {
    const catalog = (await t.as('sales1@demo.test', 'GET', '/api/v1/leads/catalog')).json();
    const score = catalog.builtIn.find((f: { key: string }) => f.key === 'score');
    const tier = catalog.builtIn.find((f: { key: string }) => f.key === 'scoreTier');
    expect(score).toMatchObject({ access: 'read', filter: { kind: 'range' }, sort: { by: 'score' }, export: true });
    expect(tier).toMatchObject({ access: 'read', filter: { kind: 'keys' }, options: ['hot', 'warm', 'cold'] });
  });

  it('can never be written through the lead', async () => {
    const f = fixtures.find((x) => x.score !== null) as Fixture;
    const lead = (await t.as(ADMIN, 'GET', `/api/v1/leads/${f.id}`)).json();
    for (const body of [{ score: 100 }, { scoreTier: 'hot' }]) {
      const patched = await t.as(ADMIN, 'PATCH', `/api/v1/leads/${f.id}`, { ...body, version: lead.version });
      expectProblem(patched, 400, 'validation_failed', Object.keys(body)[0]);
      const created = await t.as(ADMIN, 'POST', '/api/v1/leads', { name: `${TOKEN} new`, ...body });
      expectProblem(created, 400, 'validation_failed', Object.keys(body)[0]);
    }
    const after = (await t.as(ADMIN, 'GET', `/api/v1/leads/${f.id}`)).json();
    expect(after).toMatchObject({ score: f.score, scoreTier: f.tier, version: lead.version });
  });
});
