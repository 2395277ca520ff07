import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

/**
 * Assignment recommendations through the API, on the test clock. The clock starts 400 days on, so the demo
 * company's own history is outside the 12-month window and the fixture alone is the evidence: four new
 * salespeople close web-form leads in Goa over ten days, Star winning 20 of 40 and the others 4 of 40 each (with
 * the product "Fixture Gadget"); Lucky wins 2 of 2 leads of that product. Star touches its first leads an hour
 * after receiving them, the others after three hours.
 */

const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const OTHER_ADMIN = 'admin@other.test';
const DAY = 86_400_000;
const HOUR = 3_600_000;

let t: TestApp;
const people: Record<'star' | 'b' | 'c' | 'd' | 'lucky', string> = { star: '', b: '', c: '', d: '', lucky: '' };

interface Fixture {
  owner: string;
  won: boolean;
  source: string;
  state: string | null;
  product: string | null;
}
const fixture: Fixture[] = [];

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
      email: `reco${made}.${process.pid}@demo.test`,
      name,
      role: 'SALESPERSON',
      managerId: await userId(t, MANAGER),
      password: 'a long enough passphrase 42',
    },
    201,
  );
  return user.id;
}

/** Closed leads, created straight into Won or Lost for their owner, in one bulk call. */
async function closedLeads(items: Fixture[]): Promise<string[]> {
  const body = {
    leads: items.map((f, i) => ({
      name: `Reco Fixture ${fixture.length + i} ${f.owner.slice(0, 8)}`,
      source: f.source,
      ...(f.state ? { state: f.state } : {}),
      ...(f.product ? { product: f.product } : {}),
      ownerId: f.owner,
      stage: f.won ? 'won' : 'lost',
      ...(f.won ? { expectedValue: 1000 } : { lostReason: 'Price' }),
    })),
  };
  const result = await ok(ADMIN, 'POST', '/api/v1/leads/bulk?onDuplicate=create', body);
  expect(result.created, JSON.stringify(result.results.filter((r: { status: number }) => r.status !== 201))).toBe(
    items.length,
  );
  fixture.push(...items);
  return result.results.map((r: { id: string }) => r.id);
}

interface OwnerCell {
  ownerId: string;
  leads: number;
  won: number;
  winRate: number | null;
  low: number;
  high: number;
  adjustedWinRate: number;
  reached: number;
  medianSpeedSeconds: number | null;
}
interface Reco {
  id: string;
  kind: string;
  dimension: string;
  value: string;
  status: string;
  proposal: { rule: { conditions: unknown[]; strategy: string; userIds: string[] } | null; owners: { id: string }[] };
  evidence: { value: { leads: number; won: number; owners: OwnerCell[] } | null; rest: { leads: number; won: number } };
  expected: {
    winRateNow: number;
    winRateExpected: number;
    medianSpeedNowSeconds: number | null;
    medianSpeedExpectedSeconds: number | null;
  };
  ruleId: string | null;
  decidedBy: { id: string } | null;
  outcome: { leadsRouted: number } | null;
}

const list = async (query = ''): Promise<Reco[]> =>
  (await ok(ADMIN, 'GET', `/api/v1/insights/recommendations${query}`)).data;

async function refresh() {
  expect((await ok(ADMIN, 'POST', '/api/v1/insights/recommendations/refresh', undefined, 202)).queued).toBe(true);
  await t.runJobs();
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.advance(400 * DAY);
  people.star = await salesperson('Star Seller');
  people.b = await salesperson('Bina Rao');
  people.c = await salesperson('Chetan Das');
  people.d = await salesperson('Deepa Iyer');
  people.lucky = await salesperson('Lucky Lal');

  for (let round = 0; round < 10; round++) {
    const items: Fixture[] = [];
    for (let i = 0; i < 4; i++) {
      // Star wins every other lead; each other owner wins one lead in ten rounds' four, spread over positions.
      items.push({ owner: people.star, won: i % 2 === 0, source: 'web_form', state: 'Goa', product: null });
    }
    for (const owner of [people.b, people.c, people.d]) {
      for (let i = 0; i < 4; i++) {
        const won = round % 3 === 0 && i === (round / 3) % 4;
        items.push({ owner, won, source: 'web_form', state: 'Goa', product: 'Fixture Gadget' });
      }
    }
    if (round === 0) {
      items.push({ owner: people.lucky, won: true, source: 'referral', state: null, product: 'Fixture Gadget' });
      items.push({ owner: people.lucky, won: true, source: 'referral', state: null, product: 'Fixture Gadget' });
    }
    const ids = await closedLeads(items);
    if (round === 0) {
      t.clock.advance(HOUR);
      for (const [i, item] of items.entries()) {
        if (item.owner === people.star)
          await ok(ADMIN, 'POST', `/api/v1/leads/${ids[i]}/notes`, { body: 'Called' }, 201);
      }
      t.clock.advance(2 * HOUR);
      for (const [i, item] of items.entries()) {
        if ([people.b, people.c, people.d].includes(item.owner)) {
          await ok(ADMIN, 'POST', `/api/v1/leads/${ids[i]}/notes`, { body: 'Called' }, 201);
        }
      }
    }
    t.clock.advance(DAY);
  }
  await refresh();
}, 120_000);
afterAll(() => t.close());

const count = (rows: Fixture[]) => ({ leads: rows.length, won: rows.filter((r) => r.won).length });

describe('recommendations from the company’s history', () => {
  it('recommends the owner who converts web-form leads best, with the evidence behind it', async () => {
    const proposed = await list('?status=proposed');
    const webForm = proposed.find((r) => r.kind === 'rule' && r.dimension === 'source' && r.value === 'web_form');
    expect(webForm, JSON.stringify(proposed.map((r) => [r.dimension, r.value]))).toBeDefined();
    const reco = webForm as Reco;
    expect(reco.proposal.rule).toEqual({
      name: expect.stringContaining('Star Seller'),
      conditions: [{ field: 'source', op: 'equals', value: 'web_form' }],
      strategy: 'least_loaded',
      userIds: [people.star],
    });

    // The evidence equals a count of the fixture.
    const webLeads = fixture.filter((f) => f.source === 'web_form');
    expect(reco.evidence.value).toMatchObject(count(webLeads));
    for (const owner of [people.star, people.b, people.c, people.d]) {
      const cell = reco.evidence.value?.owners.find((o) => o.ownerId === owner);
      const mine = count(webLeads.filter((f) => f.owner === owner));
      expect(cell, owner).toMatchObject({ ...mine, winRate: mine.won / mine.leads });
      expect(cell?.low).toBeLessThan(mine.won / mine.leads);
      expect(cell?.high).toBeGreaterThan(mine.won / mine.leads);
    }
    const star = reco.evidence.value?.owners.find((o) => o.ownerId === people.star) as OwnerCell;
    expect(star).toMatchObject({ leads: 40, won: 20, reached: 4, medianSpeedSeconds: 3600 });
    expect(reco.evidence.rest).toMatchObject(count(webLeads.filter((f) => f.owner !== people.star)));
    // Star's adjusted rate sits between the value's rate and its own; the expectation is built from it.
    const overall = count(webLeads);
    expect(star.adjustedWinRate).toBeLessThan(0.5);
    expect(star.adjustedWinRate).toBeGreaterThan(overall.won / overall.leads);
    expect(reco.expected).toMatchObject({
      winRateNow: overall.won / overall.leads,
      winRateExpected: star.adjustedWinRate,
      medianSpeedNowSeconds: (3 * HOUR) / 1000,
      medianSpeedExpectedSeconds: HOUR / 1000,
    });
  });

  it('does not let 2 won of 2 beat the others: no recommendation for Lucky', async () => {
    const proposed = await list('?status=proposed');
    expect(proposed.filter((r) => r.proposal.owners.some((o) => o.id === people.lucky))).toEqual([]);
    expect(proposed.filter((r) => r.dimension === 'product')).toEqual([]);
    // Lucky's cell is in the evidence, but its adjusted rate is pulled hard toward the product's own.
    const table = await ok(ADMIN, 'GET', '/api/v1/insights/owner-performance?dimension=product');
    const gadget = table.values.find((v: { value: string }) => v.value === 'Fixture Gadget');
    expect(gadget).toMatchObject(count(fixture.filter((f) => f.product === 'Fixture Gadget')));
    const lucky = gadget.owners.find((o: OwnerCell) => o.ownerId === people.lucky);
    expect(lucky).toMatchObject({ leads: 2, won: 2, winRate: 1 });
    expect(lucky.adjustedWinRate).toBeLessThan(0.5);
  });

  it('serves the owner-performance table by dimension, with load bands', async () => {
    const table = await ok(ADMIN, 'GET', '/api/v1/insights/owner-performance?dimension=state');
    const goa = table.values.find((v: { value: string }) => v.value === 'Goa');
    expect(goa).toMatchObject(count(fixture.filter((f) => f.state === 'Goa')));
    const starBands = table.loadBands.find((b: { ownerId: string }) => b.ownerId === people.star);
    expect(starBands.bands[0]).toMatchObject({ band: '0–9', from: 0, to: 9, leads: 40, won: 20 });
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/insights/owner-performance?dimension=shoe'),
      400,
      'validation_failed',
      'dimension',
    );
  });

  it('previews the proposed rule on recent leads through the rule test, writing nothing', async () => {
    const reco = (await list('?status=proposed')).find((r) => r.value === 'web_form') as Reco;
    const before = (await ok(ADMIN, 'GET', '/api/v1/assignment-rules')).data.length;
    const preview = await ok(ADMIN, 'POST', `/api/v1/insights/recommendations/${reco.id}/preview`);
    expect(preview.samples.length).toBeGreaterThan(10);
    const matching = preview.samples.filter((s: { matches: boolean }) => s.matches);
    expect(matching).toHaveLength(10);
    for (const s of matching) expect(s.proposed.ownerId).toBe(people.star);
    for (const s of preview.samples.filter((x: { matches: boolean }) => !x.matches)) expect(s.proposed).toEqual(s.now);
    expect((await ok(ADMIN, 'GET', '/api/v1/assignment-rules')).data.length).toBe(before);
  });

  it('is for admins: 403 for a manager and a salesperson; another company gets 404', async () => {
    const reco = (await list('?status=proposed'))[0] as Reco;
    for (const who of [MANAGER, SALES]) {
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/recommendations'), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'POST', `/api/v1/insights/recommendations/${reco.id}/accept`, { active: true }),
        403,
        'forbidden',
      );
    }
    expectProblem(await t.as(OTHER_ADMIN, 'GET', `/api/v1/insights/recommendations/${reco.id}`), 404, 'not_found');
    for (const action of ['accept', 'dismiss', 'preview']) {
      const body = action === 'accept' ? { active: true } : undefined;
      expectProblem(
        await t.as(OTHER_ADMIN, 'POST', `/api/v1/insights/recommendations/${reco.id}/${action}`, body),
        404,
        'not_found',
      );
    }
    expect((await list()).find((r) => r.id === reco.id)?.status).toBe('proposed');
  });

  it('refuses a bad acceptance naming the field', async () => {
    const reco = (await list('?status=proposed'))[0] as Reco;
    const url = `/api/v1/insights/recommendations/${reco.id}/accept`;
    expectProblem(await t.as(ADMIN, 'POST', url, {}), 400, 'validation_failed', 'active');
    expectProblem(await t.as(ADMIN, 'POST', url, { active: 'yes' }), 400, 'validation_failed', 'active');
    expectProblem(await t.as(ADMIN, 'POST', url, { active: true, position: 0 }), 400, 'validation_failed', 'position');
    expectProblem(await t.as(ADMIN, 'POST', url, { active: true, extra: 1 }), 400, 'validation_failed', 'extra');
  });

  it('accepting creates the rule at the top, and new web-form leads go to the owner; the outcome counts them', async () => {
    const reco = (await list('?status=proposed')).find((r) => r.value === 'web_form') as Reco;
    const accepted: Reco = await ok(ADMIN, 'POST', `/api/v1/insights/recommendations/${reco.id}/accept`, {
      active: true,
    });
    expect(accepted).toMatchObject({ status: 'accepted', decidedBy: { id: await userId(t, ADMIN) } });
    const rules = (await ok(ADMIN, 'GET', '/api/v1/assignment-rules')).data;
    expect(rules[0]).toMatchObject({
      id: accepted.ruleId,
      active: true,
      strategy: 'least_loaded',
      userIds: [people.star],
      conditions: [{ field: 'source', op: 'equals', value: 'web_form' }],
    });
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/insights/recommendations/${reco.id}/accept`, { active: true }),
      409,
      'conflict',
    );

    const lead = await ok(ADMIN, 'POST', '/api/v1/leads', { name: 'Routed Rekha', source: 'web_form' }, 201);
    expect(lead.ownerId).toBe(people.star);
    const again: Reco = await ok(ADMIN, 'GET', `/api/v1/insights/recommendations/${reco.id}`);
    expect(again.outcome).toMatchObject({ leadsRouted: 1, closed: 0, won: 0 });
  });

  it('dismissing hides a proposal, and a refresh does not bring it back', async () => {
    const goa = (await list('?status=proposed')).find((r) => r.dimension === 'state' && r.value === 'Goa') as Reco;
    expect(goa).toBeDefined();
    const dismissed: Reco = await ok(ADMIN, 'POST', `/api/v1/insights/recommendations/${goa.id}/dismiss`);
    expect(dismissed).toMatchObject({ status: 'dismissed', decidedBy: { id: await userId(t, ADMIN) } });
    await refresh();
    const proposed = await list('?status=proposed');
    expect(proposed.filter((r) => r.dimension === 'state' && r.value === 'Goa')).toEqual([]);
    expect(proposed.filter((r) => r.value === 'web_form')).toEqual([]);
    const all = await list();
    expect(all.filter((r) => r.value === 'Goa').map((r) => r.status)).toEqual(['dismissed']);
  });
});
