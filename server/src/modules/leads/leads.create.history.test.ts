import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * A lead created with history (POST /leads with createdAt and stageChangedAt): allowed to whoever holds
 * leads:backdate (an admin, an integration key migrating its records), checked date by date, and written as
 * created then, in its history.
 */
let t: TestApp;
const admin = 'admin@demo.test';

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-20T06:30:00.000Z'));
});
afterAll(() => t.close());

const historyOf = async (id: string) => (await t.as(admin, 'GET', `/api/v1/leads/${id}/stage-history`)).json().data;
const named = async (name: string) =>
  (await t.as(admin, 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}`)).json().data as { name: string }[];

describe('creating a lead with history', () => {
  it('writes an admin’s lead as created then, moved into its stage at its stage date', async () => {
    const createdAt = '2025-02-01T09:00:00.000Z';
    const stageChangedAt = '2025-04-15T12:00:00.000Z';
    const response = await t.as(admin, 'POST', '/api/v1/leads', {
      name: 'Migrated Won Deal',
      stage: 'won',
      expectedValue: 90000,
      createdAt,
      stageChangedAt: '2025-04-15T17:30:00+05:30',
    });
    expect(response.statusCode, response.body).toBe(201);
    const lead = response.json();
    expect(lead).toMatchObject({ stage: 'won', createdAt, stageChangedAt, lastTouchedAt: stageChangedAt });
    expect(Date.parse(lead.updatedAt)).toBe(t.clock.now().getTime());
    expect(await historyOf(lead.id)).toMatchObject([
      { fromStage: null, toStage: 'new', at: createdAt, secondsInPrevious: null },
      {
        fromStage: 'new',
        toStage: 'won',
        at: stageChangedAt,
        secondsInPrevious: (Date.parse(stageChangedAt) - Date.parse(createdAt)) / 1000,
      },
    ]);
  });

  it('takes a created date alone as the stage date, and a stage date alone as the created date', async () => {
    const at = '2024-07-01T00:00:00.000Z';
    const demo = await t.as(admin, 'POST', '/api/v1/leads', { name: 'Migrated Demo', stage: 'demo', createdAt: at });
    expect(demo.statusCode, demo.body).toBe(201);
    expect(demo.json()).toMatchObject({ createdAt: at, stageChangedAt: at });
    expect(await historyOf(demo.json().id)).toMatchObject([{ fromStage: null, toStage: 'demo', at }]);

    const lost = await t.as(admin, 'POST', '/api/v1/leads', {
      name: 'Migrated Lost',
      stage: 'lost',
      lostReason: 'Price',
      stageChangedAt: at,
    });
    expect(lost.statusCode, lost.body).toBe(201);
    expect(lost.json()).toMatchObject({ createdAt: at, stageChangedAt: at });
    expect(await historyOf(lost.json().id)).toHaveLength(1);
  });

  it('lets an integration key bring history, and refuses it to other roles (403 naming the field)', async () => {
    const key = (await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'Migration' })).json().key;
    const migrated = await t.as(key, 'POST', '/api/v1/leads', {
      name: 'Migrated By Key',
      createdAt: '2023-03-03T03:03:03.000Z',
    });
    expect(migrated.statusCode, migrated.body).toBe(201);
    expect(migrated.json().createdAt).toBe('2023-03-03T03:03:03.000Z');

    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'partner@demo.test']) {
      const refused = await t.as(who, 'POST', '/api/v1/leads', {
        name: `Backdated By ${who}`,
        createdAt: '2023-03-03T03:03:03.000Z',
        stageChangedAt: '2023-03-04T03:03:03.000Z',
      });
      const problem = expectProblem(refused, 403, 'field_forbidden', 'createdAt');
      expect(problem.errors?.map((e) => e.path)).toEqual(['createdAt', 'stageChangedAt']);
      expect(await named(`Backdated By ${who}`)).toEqual([]);
    }
    // Without history, the same people create leads as always.
    const plain = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Created Today' });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json().createdAt).toBe(t.clock.now().toISOString());
  });

  it('refuses a date in the future, before 1970, a stage date before the created date (400 naming it)', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ createdAt: '2026-11-21T00:00:00Z' }, 'createdAt', 'must not be in the future'],
      [{ createdAt: '1969-12-31T23:59:59Z' }, 'createdAt', 'must not be before 1970'],
      [
        { stage: 'lost', lostReason: 'x', stageChangedAt: '2099-01-01T00:00:00Z' },
        'stageChangedAt',
        'must not be in the future',
      ],
      [
        { stage: 'demo', createdAt: '2025-05-02T00:00:00Z', stageChangedAt: '2025-05-01T00:00:00Z' },
        'stageChangedAt',
        'must not be before the created date (createdAt)',
      ],
      [
        { stage: 'new', createdAt: '2025-05-01T00:00:00Z', stageChangedAt: '2025-05-02T00:00:00Z' },
        'stageChangedAt',
        'must be the created date: New is the first stage, the lead is in it since it was created',
      ],
      [{ createdAt: '2025-05-01' }, 'createdAt', 'must be'],
    ];
    for (const [fields, path, message] of cases) {
      const response = await t.as(admin, 'POST', '/api/v1/leads', { name: 'Bad History', ...fields });
      const problem = expectProblem(response, 400, 'validation_failed', path);
      expect(problem.errors?.find((e) => e.path === path)?.message, JSON.stringify(fields)).toContain(message);
    }
    expect(await named('Bad History')).toEqual([]);
  });

  it('checks each item of a bulk create alone, naming its index', async () => {
    const response = await t.as(admin, 'POST', '/api/v1/leads/bulk', {
      leads: [
        { name: 'Bulk Old', createdAt: '2022-01-01T00:00:00Z' },
        { name: 'Bulk Future', createdAt: '2099-01-01T00:00:00Z' },
      ],
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
    expect(JSON.stringify(response.json())).toContain('leads.1.createdAt');
    expect(await named('Bulk Old')).toHaveLength(1);
    expect(await named('Bulk Future')).toEqual([]);
  });
});
