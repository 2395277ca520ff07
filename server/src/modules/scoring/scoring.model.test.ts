import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { csvOf, customFields, drain, importHistory, type ModelDto, random, trainNow } from './scoring.fixtures.ts';

/**
 * The model on a synthetic company (Other Co) whose custom field "plan" decides the outcome with known
 * probabilities (Gold 70%, Silver 30%, Bronze 5% won) and whose city is noise. With the three plans equally
 * common, the best any model can do is an AUC of 0.82 (computed below from those probabilities); a hold-out of
 * ~150 examples measures it within about ±0.04 (one standard error), so a fitted model must clear 0.70.
 */
let t: TestApp;
const ADMIN = 'admin@other.test';
const DEMO = 'admin@demo.test';
const DAY = 86_400_000;
const plans = { Gold: 0.7, Silver: 0.3, Bronze: 0.05 } as const;
const ROWS = 600;

/** The AUC of a perfect model of the plans: P(won one scores above a lost one) + half the ties. */
function bestAuc(): number {
  const p = Object.values(plans);
  const pos = p.map((v) => v / p.reduce((s, x) => s + x, 0));
  const neg = p.map((v) => (1 - v) / p.reduce((s, x) => s + (1 - x), 0));
  let auc = 0;
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      const w = (pos[i] as number) * (neg[j] as number);
      if ((p[i] as number) > (p[j] as number)) auc += w;
      else if (i === j) auc += w / 2;
    }
  }
  return auc;
}

const openLeads: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  t.clock.set(new Date('2031-06-01T12:00:00Z'));
  await customFields(t, ADMIN, [{ key: 'plan', label: 'Plan', type: 'select', options: Object.keys(plans) }]);
}, 120_000);
afterAll(() => t.close());

describe('training a model', () => {
  let first: ModelDto;
  let second: ModelDto;

  it('fails with a clear error while the company has too few closed leads', async () => {
    const status = (await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json();
    expect(status).toMatchObject({
      canTrain: false,
      threshold: { closed: 200, won: 30, lost: 30 },
      activeModelId: null,
    });
    const model = await trainNow(t, ADMIN);
    expect(model.status).toBe('failed');
    expect(model.metrics).toBeNull();
    expect(model.error).toContain(`has ${status.closedLeads} closed leads`);
    expect(model.error).toContain('needs at least 200 closed leads with at least 30 won and 30 lost');
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${model.id}/activate`), 409, 'conflict');
  });

  it('learns the deciding field from imported history and measures it on a time-ordered hold-out', async () => {
    const rnd = random(7);
    const start = Date.parse('2030-01-01T05:00:00Z');
    const rows = [['Name', 'Plan', 'City', 'Status', 'Created', 'Closed']];
    for (let i = 0; i < ROWS; i++) {
      const plan = (['Gold', 'Silver', 'Bronze'] as const)[i % 3] as keyof typeof plans;
      const won = rnd() < plans[plan];
      const created = new Date(start + i * 12 * 3_600_000);
      const closed = new Date(created.getTime() + (2 + Math.floor(rnd() * 4)) * DAY);
      const city = ['Pune', 'Delhi', 'Chennai'][Math.floor(rnd() * 3)] as string;
      rows.push([`Synthetic ${i}`, plan, city, won ? 'Won' : 'Lost', created.toISOString(), closed.toISOString()]);
    }
    await importHistory(t, ADMIN, csvOf(rows), {
      Name: 'name',
      Plan: 'customFields.plan',
      City: 'city',
      Status: 'stage',
      Created: 'createdAt',
      Closed: 'closedAt',
    });
    const status = (await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json();
    expect(status.canTrain).toBe(true);
    expect(status.closedLeads).toBeGreaterThanOrEqual(ROWS);

    first = await trainNow(t, ADMIN);
    expect(first.status, first.error ?? '').toBe('candidate');
    const m = first.metrics as NonNullable<ModelDto['metrics']>;
    console.log(
      `synthetic model: AUC ${m.auc} (best possible ${bestAuc().toFixed(3)}), Brier ${m.brier}, ` +
        `top-10% lift ${m.liftTop10}, hold-out ${m.holdout.examples} (${m.holdout.positives} won)`,
    );
    expect(bestAuc()).toBeCloseTo(0.817, 2);
    expect(m.auc).toBeGreaterThan(0.7);
    expect(m.auc).toBeLessThanOrEqual(1);
    expect(m.brier).toBeLessThan(m.baseRate * (1 - m.baseRate));
    expect(m.reliability).toHaveLength(10);
    expect(m.reliability.reduce((s, b) => s + b.count, 0)).toBe(m.holdout.examples);
    // The hold-out is the latest quarter of the snapshots, and the fit for it learnt only from before it.
    expect(m.holdout.examples).toBe(first.examples - Math.floor(first.examples * 0.75));
    expect(m.train.examples).toBeLessThanOrEqual(first.examples - m.holdout.examples);
    expect(Date.parse(m.holdout.from)).toBeGreaterThan(Date.parse('2030-07-01T00:00:00Z'));
    expect(first.features[0]?.name).toMatch(/^customFields\.plan=/);
  }, 180_000);

  it('scores new leads in the order of their plan, with the plan named in the reasons', async () => {
    for (const plan of Object.keys(plans)) {
      const res = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', {
        name: `Open ${plan}`,
        city: 'Pune',
        customFields: { plan },
      });
      expect(res.statusCode, res.body).toBe(201);
      openLeads[plan] = res.json().id;
    }
    const on = await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${first.id}/activate`);
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ status: 'active' });
    await drain(t);
    const scores: Record<
      string,
      {
        score: number;
        probability: number;
        source: string;
        reasons: { label: string; points: number; field: string }[];
      }
    > = {};
    for (const [plan, id] of Object.entries(openLeads)) {
      scores[plan] = (await t.as(ADMIN, 'GET', `/api/v1/leads/${id}/score`)).json();
    }
    const gold = scores.Gold as (typeof scores)[string];
    const silver = scores.Silver as (typeof scores)[string];
    const bronze = scores.Bronze as (typeof scores)[string];
    expect(gold).toMatchObject({ source: 'model' });
    expect(gold.probability).toBeGreaterThan(silver.probability);
    expect(silver.probability).toBeGreaterThan(bronze.probability);
    expect(gold.score).toBeGreaterThan(bronze.score);
    expect(gold.reasons[0]).toMatchObject({ label: 'Plan is Gold', field: 'customFields.plan' });
    expect(gold.reasons[0]?.points).toBeGreaterThan(0);
    expect(bronze.reasons[0]).toMatchObject({ label: 'Plan is Bronze', field: 'customFields.plan' });
    expect(bronze.reasons[0]?.points).toBeLessThan(0);
    // At most three for and three against, biggest first.
    for (const s of [gold, silver, bronze]) {
      expect(s.reasons.filter((r) => r.points > 0).length).toBeLessThanOrEqual(3);
      expect(s.reasons.filter((r) => r.points < 0).length).toBeLessThanOrEqual(3);
      const sizes = s.reasons.map((r) => Math.abs(r.points));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
  });

  it('gives the same coefficients for the same data, switches models, rolls back, and falls back to the rules', async () => {
    second = await trainNow(t, ADMIN);
    expect(second.status).toBe('candidate');
    expect(second.features).toEqual(first.features);
    expect(second.metrics).toEqual(first.metrics);

    const on = await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${second.id}/activate`);
    expect(on.statusCode, on.body).toBe(200);
    const list = (await t.as(ADMIN, 'GET', '/api/v1/scoring/models')).json().data as ModelDto[];
    expect(list.find((x) => x.id === first.id)?.status).toBe('retired');
    expect(list.find((x) => x.id === second.id)?.status).toBe('active');
    expect((await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json().activeModelId).toBe(second.id);

    // Roll back to the first.
    const back = await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${first.id}/activate`);
    expect(back.statusCode, back.body).toBe(200);
    expect((await t.as(ADMIN, 'GET', `/api/v1/scoring/models/${second.id}`)).json().status).toBe('retired');
    await drain(t);
    const gold = (await t.as(ADMIN, 'GET', `/api/v1/leads/${openLeads.Gold}/score`)).json();
    expect(gold).toMatchObject({ source: 'model', modelId: first.id });

    // Switched off: the rules score again (none here: 0, cold).
    const off = await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${first.id}/retire`);
    expect(off.statusCode, off.body).toBe(200);
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/scoring/models/${first.id}/retire`), 409, 'conflict');
    await drain(t);
    expect((await t.as(ADMIN, 'GET', `/api/v1/leads/${openLeads.Gold}/score`)).json()).toMatchObject({
      source: 'rules',
      score: 0,
      tier: 'cold',
      modelId: null,
      probability: null,
    });
    expect((await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json().activeModelId).toBeNull();
  }, 180_000);

  it('retrains at night once retrainDays have passed, leaving the new model a candidate', async () => {
    const before = (await t.as(ADMIN, 'GET', '/api/v1/scoring/models')).json().data as ModelDto[];
    t.clock.advance(3 * DAY);
    await drain(t);
    expect((await t.as(ADMIN, 'GET', '/api/v1/scoring/models')).json().data).toHaveLength(before.length);
    t.clock.advance(5 * DAY);
    await drain(t);
    const after = (await t.as(ADMIN, 'GET', '/api/v1/scoring/models')).json().data as ModelDto[];
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ status: 'candidate' });
    expect(after.filter((m) => m.status === 'active')).toEqual([]);
  }, 180_000);

  it('is another company’s 404', async () => {
    for (const [method, url] of [
      ['GET', `/api/v1/scoring/models/${first.id}`],
      ['POST', `/api/v1/scoring/models/${first.id}/activate`],
      ['POST', `/api/v1/scoring/models/${first.id}/retire`],
      ['GET', `/api/v1/leads/${openLeads.Gold}/score`],
    ] as const) {
      expectProblem(await t.as(DEMO, method, url), 404, 'not_found');
    }
  });
});
