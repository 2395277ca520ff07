import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { drain } from './scoring.fixtures.ts';

/**
 * Rescoring writes only the scores that changed: a second night with nothing new rewrites no score row (its
 * `scored_at` stays when the score was set), the hourly run rescores a lead changed since the last run and no
 * other, and the settings page says when the leads were last rescored.
 */
let t: TestApp;
let companyId: string;
const ADMIN = 'admin@demo.test';
const ids: Record<string, string> = {};

async function lead(name: string, source: string) {
  const res = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name, source });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Score rows of the test's leads: score and when it was set, with the row version PostgreSQL gives a write. */
async function rows() {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ lead_id: string; score: number; scored_at: Date; xmin: string }>`
      SELECT lead_id, score, scored_at, xmin::text FROM lead_scores WHERE lead_id = ANY(${Object.values(ids)}::uuid[])`.execute(
      trx,
    );
    return new Map(rows.map((r) => [r.lead_id, { ...r, scored_at: new Date(r.scored_at).toISOString() }]));
  });
}

async function rescoreAll() {
  const res = await t.as(ADMIN, 'POST', '/api/v1/scoring/rescore');
  expect(res.statusCode, res.body).toBe(202);
  await drain(t);
}

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  t.clock.set(new Date('2031-05-04T06:00:00Z'));
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const res = await t.as(ADMIN, 'POST', '/api/v1/scoring/rules', {
    label: 'From the web form',
    kind: 'field',
    field: 'source',
    operator: 'equals',
    value: 'web_form',
    points: 30,
  });
  expect(res.statusCode, res.body).toBe(201);
  ids.a = await lead('Rescore Lead A', 'web_form');
  ids.b = await lead('Rescore Lead B', 'manual');
  ids.c = await lead('Rescore Lead C', 'web_form');
  await rescoreAll();
});
afterAll(() => t.close());

describe('rescoring', () => {
  it('a second full rescore with nothing changed rewrites no score', async () => {
    const before = await rows();
    expect(before.size).toBe(3);
    const statusBefore = (await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json();
    expect(statusBefore.lastScoredAt).toBe('2031-05-04T06:00:00.000Z');

    t.clock.set(new Date('2031-05-05T02:00:00Z'));
    await rescoreAll();
    const after = await rows();
    for (const [id, row] of before) {
      expect(after.get(id), id).toEqual(row);
    }
    // The run is recorded all the same: the settings page says when leads were last rescored.
    const status = (await t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json();
    expect(status.lastScoredAt).toBe('2031-05-05T02:00:00.000Z');
  });

  it('the hourly run rescores a lead changed since the last run, and only that lead', async () => {
    const before = await rows();
    const a = (await t.as(ADMIN, 'GET', `/api/v1/leads/${ids.a}`)).json();
    t.clock.set(new Date('2031-05-05T03:10:00Z'));
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/leads/${ids.a}`, { source: 'manual', version: a.version });
    expect(patched.statusCode, patched.body).toBe(200);

    // Past the hour's run (at 25 minutes past).
    t.clock.set(new Date('2031-05-05T03:30:00Z'));
    await drain(t);
    const after = await rows();
    expect(after.get(ids.a as string)?.score).toBe((before.get(ids.a as string)?.score ?? 0) - 30);
    expect(after.get(ids.a as string)?.scored_at).toBe('2031-05-05T03:30:00.000Z');
    for (const id of [ids.b, ids.c] as string[]) expect(after.get(id), id).toEqual(before.get(id));

    const score = (await t.as(ADMIN, 'GET', `/api/v1/leads/${ids.a}/score`)).json();
    expect(score.reasons.map((r: { label: string }) => r.label)).not.toContain('From the web form');
  });

  it('a change of rules rescores every lead it moves', async () => {
    const before = await rows();
    const rules = (await t.as(ADMIN, 'GET', '/api/v1/scoring/rules')).json();
    const rule = (rules.data ?? rules).find((r: { label: string }) => r.label === 'From the web form');
    t.clock.set(new Date('2031-05-05T04:00:00Z'));
    const res = await t.as(ADMIN, 'PATCH', `/api/v1/scoring/rules/${rule.id}`, { points: 40 });
    expect(res.statusCode, res.body).toBe(200);
    await drain(t);
    const after = await rows();
    // C still comes from the web form: +40 now. A and B do not: unchanged, not rewritten.
    expect(after.get(ids.c as string)?.score).toBe((before.get(ids.c as string)?.score ?? 0) + 10);
    for (const id of [ids.a, ids.b] as string[]) expect(after.get(id), id).toEqual(before.get(id));
  });
});
