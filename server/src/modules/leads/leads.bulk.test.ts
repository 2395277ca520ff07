import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function leadsNamed(name: string): Promise<{ id: string; name: string }[]> {
  const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}&limit=200`);
  return response.json().data;
}

describe('POST /leads/bulk', () => {
  it('creates the good items and reports each bad one exactly, creating nothing for it', async () => {
    const warrior = await userId(t, 'warrior1@demo.test');
    const otherSales = await userId(t, 'sales3@demo.test');
    const response = await t.as('sales1@demo.test', 'POST', '/api/v1/leads/bulk', {
      leads: [
        { name: 'Bulk Good A', phones: ['98111 22233'] },
        { city: 'Nameless' },
        { name: 'Bulk Bad Email', emails: ['not-an-email'] },
        { name: 'Bulk Bad Owner', ownerId: warrior },
        { name: 'Bulk Out Of Reach', ownerId: otherSales },
        { name: 'Bulk Won Without Value', stage: 'won' },
        { name: 'Bulk Unknown Field', colour: 'red' },
        'just a string',
        { name: 'Bulk Good B', warriorIds: [warrior] },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.created).toBe(2);
    expect(body.failed).toBe(7);
    const results = body.results as {
      index: number;
      status: number;
      id?: string;
      error?: { code: string; errors?: { path: string }[] };
    }[];
    expect(results.map((r) => [r.index, r.status, r.error?.code ?? null])).toEqual([
      [0, 201, null],
      [1, 400, 'validation_failed'],
      [2, 400, 'validation_failed'],
      [3, 422, 'unprocessable'],
      [4, 403, 'forbidden'],
      [5, 422, 'stage_requirements'],
      [6, 400, 'validation_failed'],
      [7, 400, 'validation_failed'],
      [8, 201, null],
    ]);
    const paths = results.map((r) => r.error?.errors?.map((e) => e.path) ?? []);
    expect(paths[1]).toContain('leads.1.name');
    expect(paths[2]).toEqual(['leads.2.emails.0']);
    expect(paths[3]).toEqual(['leads.3.ownerId']);
    expect(paths[4]).toEqual(['leads.4.ownerId']);
    expect(paths[5]).toEqual(['leads.5.expectedValue']);
    expect(paths[6]).toEqual(['leads.6.colour']);
    expect(paths[7]).toEqual(['leads.7']);
    expect(results[0]?.id).toBeTruthy();
    expect(results[1]?.id).toBeUndefined();

    const created = await leadsNamed('Bulk ');
    expect(created.map((l) => l.name).sort()).toEqual(['Bulk Good A', 'Bulk Good B']);
    const lead = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${results[8]?.id}`)).json();
    expect(lead).toMatchObject({ createdVia: 'bulk', warriorIds: [warrior] });
  });

  it('runs the assignment rules for items that name no owner', async () => {
    const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads/bulk', {
      leads: [{ name: 'Routed Bulk Lead', city: 'Mumbai' }],
    });
    expect(response.statusCode, response.body).toBe(200);
    const id = response.json().results[0].id;
    const why = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${id}/assignment`)).json();
    expect(why.current).toMatchObject({ channel: 'bulk', byUserId: null });
    expect(['rule', 'unassigned']).toContain(why.current.reason);
    const lead = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${id}`)).json();
    expect(lead.ownerId ?? null).toBe(why.current.ownerId);
  });

  it('takes up to 500 items and refuses 501 or none with a 400 naming leads', async () => {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ name: `${prefix} ${i}` }));
    const tooMany = await t.as('admin@demo.test', 'POST', '/api/v1/leads/bulk', { leads: many(501, 'Over') });
    expectProblem(tooMany, 400, 'validation_failed', 'leads');
    expect(await leadsNamed('Over ')).toHaveLength(0);
    const none = await t.as('admin@demo.test', 'POST', '/api/v1/leads/bulk', { leads: [] });
    expectProblem(none, 400, 'validation_failed', 'leads');
    const extra = await t.as('admin@demo.test', 'POST', '/api/v1/leads/bulk', { leads: [{ name: 'x' }], dryRun: 1 });
    expectProblem(extra, 400, 'validation_failed', 'dryRun');

    const full = await t.as('sales1@demo.test', 'POST', '/api/v1/leads/bulk', { leads: many(500, 'Full') });
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json()).toMatchObject({ created: 500, failed: 0 });
    const ids = new Set(full.json().results.map((r: { id: string }) => r.id));
    expect(ids.size).toBe(500);
  }, 120_000);

  it('replays a bulk call sent again with the same Idempotency-Key', async () => {
    const send = async () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/leads/bulk',
        headers: { authorization: `Bearer ${await t.token('sales2@demo.test')}`, 'idempotency-key': 'bulk-once' },
        payload: { leads: [{ name: 'Once Bulk Lead' }, { name: '' }] },
      });
    const first = await send();
    const second = await send();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await leadsNamed('Once Bulk Lead')).toHaveLength(1);
  });

  it('needs leads:create', async () => {
    const response = await t.as('cosales@demo.test', 'POST', '/api/v1/leads/bulk', { leads: [{ name: 'Nope' }] });
    expectProblem(response, 403, 'forbidden');
  });
});
