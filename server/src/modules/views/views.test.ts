import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const names = async (who: string) =>
  (await t.as(who, 'GET', '/api/v1/views')).json().data.map((v: { name: string }) => v.name);

async function save(who: string, body: Record<string, unknown>) {
  const response = await t.as(who, 'POST', '/api/v1/views', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function auditCount(action: string) {
  const response = await t.as('admin@demo.test', 'GET', '/api/v1/audit?limit=200');
  return response.json().data.filter((e: { action: string }) => e.action === action).length;
}

describe('saved views', () => {
  it('saves a view with the list’s filters, columns and sort, and gives it back as saved', async () => {
    const view = await save('sales1@demo.test', {
      name: ' Hot in Pune ',
      filters: { q: 'textiles', stage: 'new,demo', city: 'Pune', tags: 'hot', 'expectedValue.min': '5000' },
      columns: ['name', 'stage', 'expectedValue', 'customFields.industry'],
      sort: '-expectedValue',
    });
    expect(view).toMatchObject({
      name: 'Hot in Pune',
      // Stored as the list reads them: text coerced to its type, a single city as a list of one.
      filters: { q: 'textiles', stage: 'new,demo', city: ['Pune'], tags: 'hot', 'expectedValue.min': 5000 },
      columns: ['name', 'stage', 'expectedValue', 'customFields.industry'],
      sort: '-expectedValue',
      shared: false,
      editable: true,
    });
    expect(await t.as('sales1@demo.test', 'GET', `/api/v1/views/${view.id}`)).toMatchObject({ statusCode: 200 });
    // The saved filters work as the list's query string.
    const query = new URLSearchParams({ stage: 'new,demo', city: 'Pune', sort: view.sort });
    const list = await t.as('sales1@demo.test', 'GET', `/api/v1/leads?${query}`);
    expect(list.statusCode, list.body).toBe(200);
  });

  it('shows each user its own views and the shared ones of its company, by name', async () => {
    await save('sales2@demo.test', { name: 'Mine only' });
    const shared = await save('manager1@demo.test', { name: 'Team board', shared: true, filters: { stage: 'won' } });
    expect(await names('sales2@demo.test')).toEqual(['Mine only', 'Team board']);
    expect(await names('sales3@demo.test')).toEqual(['Team board']);
    expect(await names('admin@other.test')).toEqual([]);
    const seen = (await t.as('sales3@demo.test', 'GET', `/api/v1/views/${shared.id}`)).json();
    expect(seen).toMatchObject({ name: 'Team board', editable: false, ownerName: 'Vikram Mehta' });
  });

  it('lets only the owner or an admin change or delete a view', async () => {
    const view = await save('manager1@demo.test', { name: 'Pipeline review', shared: true });
    const rename = (who: string) => t.as(who, 'PATCH', `/api/v1/views/${view.id}`, { name: 'Renamed' });
    expectProblem(await rename('sales1@demo.test'), 403, 'forbidden');
    expectProblem(await t.as('manager2@demo.test', 'DELETE', `/api/v1/views/${view.id}`), 403, 'forbidden');
    const mine = await rename('manager1@demo.test');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ name: 'Renamed', shared: true });
    const byAdmin = await t.as('admin@demo.test', 'PATCH', `/api/v1/views/${view.id}`, {
      shared: false,
      sort: 'name',
      filters: { ownerId: 'none' },
    });
    expect(byAdmin.json()).toMatchObject({ shared: false, sort: 'name', filters: { ownerId: 'none' } });
    expect(await names('sales1@demo.test')).not.toContain('Renamed');
    expect((await t.as('admin@demo.test', 'DELETE', `/api/v1/views/${view.id}`)).statusCode).toBe(204);
    expectProblem(await t.as('manager1@demo.test', 'GET', `/api/v1/views/${view.id}`), 404, 'not_found');
    expect(await auditCount('view.deleted')).toBe(1);
  });

  it('keeps a private view private: 404 to others of the company', async () => {
    const view = await save('sales1@demo.test', { name: 'Private' });
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      expectProblem(await t.as('sales2@demo.test', method, `/api/v1/views/${view.id}`, body), 404, 'not_found');
    }
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/views/${view.id}`)).json().name).toBe('Private');
  });

  it("answers 404 to another company's user for every view id route, and changes nothing", async () => {
    const view = await save('admin@demo.test', { name: 'Company wide', shared: true });
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Taken over' }],
      ['DELETE', undefined],
    ] as const) {
      expectProblem(await t.as('admin@other.test', method, `/api/v1/views/${view.id}`, body), 404, 'not_found');
    }
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/views/${view.id}`)).json().name).toBe('Company wide');
  });

  it('needs views:share to share a view (403), and saves nothing then', async () => {
    const before = await auditCount('view.created');
    expectProblem(
      await t.as('sales1@demo.test', 'POST', '/api/v1/views', { name: 'Everyone', shared: true }),
      403,
      'forbidden',
    );
    expect(await auditCount('view.created')).toBe(before);
    const view = await save('sales1@demo.test', { name: 'Later shared' });
    expectProblem(
      await t.as('sales1@demo.test', 'PATCH', `/api/v1/views/${view.id}`, { shared: true }),
      403,
      'forbidden',
    );
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/views/${view.id}`)).json().shared).toBe(false);
    expect(await names('sales2@demo.test')).not.toContain('Later shared');
  });

  it('rejects bad input naming the field, and saves or changes nothing', async () => {
    const before = await names('sales1@demo.test');
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(81) }, 'name'],
      [{ name: 'A', extra: 1 }, 'extra'],
      [{ name: 'A', filters: { budget: '5' } }, 'filters.budget'],
      [{ name: 'A', filters: { stage: 'nowhere' } }, 'filters.stage'],
      [{ name: 'A', filters: { 'expectedValue.min': 'lots' } }, 'filters.expectedValue.min'],
      [{ name: 'A', filters: { 'cf.nothing': 'x' } }, 'filters.cf.nothing'],
      [{ name: 'A', columns: ['name', 'shoeSize'] }, 'columns.1'],
      [{ name: 'A', sort: 'shoeSize' }, 'sort'],
      [{ name: 'A', shared: 'yes' }, 'shared'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await t.as('sales1@demo.test', 'POST', '/api/v1/views', body), 400, 'validation_failed', path);
    }
    expect(await names('sales1@demo.test')).toEqual(before);

    const view = await save('sales1@demo.test', { name: 'Unchanged', sort: 'name' });
    const patch = (body: unknown) => t.as('sales1@demo.test', 'PATCH', `/api/v1/views/${view.id}`, body);
    expectProblem(await patch({}), 400, 'validation_failed');
    expectProblem(await patch({ name: '' }), 400, 'validation_failed', 'name');
    expectProblem(await patch({ sort: '-nothing' }), 400, 'validation_failed', 'sort');
    expectProblem(await patch({ filters: { ownerId: 'abc' } }), 400, 'validation_failed', 'filters.ownerId');
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/views/${view.id}`)).json()).toMatchObject({
      name: 'Unchanged',
      sort: 'name',
      filters: {},
    });
  });

  it('refuses to save a filter or sort on a field the role may not see', async () => {
    const post = (body: Record<string, unknown>) => t.as('partner@demo.test', 'POST', '/api/v1/views', body);
    expectProblem(
      await post({ name: 'Big deals', filters: { 'expectedValue.min': 100 } }),
      400,
      'validation_failed',
      'filters.expectedValue.min',
    );
    expectProblem(await post({ name: 'By value', sort: '-expectedValue' }), 400, 'validation_failed', 'sort');
    expect((await post({ name: 'Pune', filters: { city: 'Pune' } })).statusCode).toBe(201);
  });
});
