import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
});
afterAll(() => t.close());

interface Tile {
  id: string;
  report: string;
  kind: string;
  title: string;
  chart: string;
  width: number;
  runnable: boolean;
  from?: string;
  to?: string;
  range?: string;
}
interface Dashboard {
  id: string;
  name: string;
  shared: boolean;
  isDefault: boolean;
  editable: boolean;
  ownerId: string | null;
  tiles: Tile[];
  filters: Record<string, unknown>;
  range: string | null;
  from: string | null;
  to: string | null;
}

const runnableKeys = async (who: string) => {
  const res = await t.as(who, 'GET', '/api/v1/reports');
  expect(res.statusCode, res.body).toBe(200);
  return new Set((res.json().data as { key: string }[]).map((r) => r.key));
};

const create = async (who: string, body: unknown) => {
  const res = await t.as(who, 'POST', '/api/v1/dashboards', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Dashboard;
};

describe('the default dashboard of each role', () => {
  const expected: Record<string, string[]> = {
    'manager1@demo.test': [
      'pipeline.deals-by-stage',
      'pipeline.funnel',
      'team.leaderboard-month',
      'targets',
      'insights.forecast-vs-actual',
      'response.sla-breaches',
      'activities.overdue-by-user',
      'pipeline.at-risk-by-reason',
      'pipeline.at-risk-by-owner',
      'conversion.open-by-score-tier',
      'conversion.win-rate-by-score-tier',
      'insights.customer-value-by-owner',
    ],
    'sales1@demo.test': [
      'pipeline.deals-by-stage',
      'targets',
      'activities.follow-ups-by-user',
      'response.speed-to-lead-by-owner',
    ],
    'warrior1@demo.test': ['activities.follow-ups-by-user', 'activities.calls-by-user', 'pipeline.deals-by-stage'],
    'admin@demo.test': [
      'pipeline.deals-by-stage',
      'pipeline.funnel',
      'pipeline.won-lost-by-month',
      'team.leaderboard-month',
      'insights.forecast-vs-actual',
      'pipeline.at-risk-by-reason',
      'data-quality.missing-fields',
      'data-quality.stale-leads',
      'data-quality.unassigned',
      'conversion.open-by-score-tier',
      'conversion.score-distribution',
      'pipeline.at-risk-by-owner',
      'support.satisfaction-by-month',
      'conversion.win-rate-by-score-tier',
      'insights.customer-value-by-source',
      'insights.recommendation-outcomes',
    ],
    'success@demo.test': [
      'pipeline.won-lost-by-month',
      'conversion.by-product',
      'support.backlog-by-assignee',
      'support.sla-breaches-by-month',
      'support.satisfaction-by-month',
      'support.satisfaction-by-assignee',
    ],
    'dev@demo.test': ['pipeline.deals-by-stage', 'pipeline.new-leads-by-month'],
  };
  for (const [who, reports] of Object.entries(expected)) {
    it(`gives ${who} its role's tiles`, async () => {
      const res = await t.as(who, 'GET', '/api/v1/dashboards/default');
      expect(res.statusCode, res.body).toBe(200);
      const dashboard = res.json() as Dashboard;
      expect(dashboard).toMatchObject({ id: 'default', isDefault: true, editable: false, ownerId: null });
      expect(dashboard.tiles.map((tile) => tile.report)).toEqual(reports);
      expect(new Set(dashboard.tiles.map((tile) => tile.id)).size).toBe(reports.length);
      for (const tile of dashboard.tiles) {
        expect(tile.runnable).toBe(true);
        expect(tile.kind).toBe(tile.report === 'targets' ? 'targets' : 'report');
        expect(tile.title.length).toBeGreaterThan(0);
      }
      // The list starts with it.
      const list = (await t.as(who, 'GET', '/api/v1/dashboards')).json().data;
      expect(list[0]).toMatchObject({ id: 'default', isDefault: true, tileCount: reports.length, editable: false });
      // Every tile runs for the role.
      for (const tile of dashboard.tiles.filter((x) => x.kind === 'report')) {
        const run = await t.as(who, 'POST', '/api/v1/reports/run', { report: tile.report, limit: 5 });
        expect(run.statusCode, `${tile.report}: ${run.body}`).toBe(200);
      }
    });
  }

  it('keeps only the tiles the role may run (a partner does not see values or owners)', async () => {
    const res = await t.as('partner@demo.test', 'GET', '/api/v1/dashboards/default');
    expect(res.statusCode, res.body).toBe(200);
    const runnable = await runnableKeys('partner@demo.test');
    const tiles = (res.json() as Dashboard).tiles;
    expect(tiles.length).toBeGreaterThan(0);
    for (const tile of tiles) expect(runnable.has(tile.report), tile.report).toBe(true);
    expect(tiles.map((x) => x.report)).toContain('pipeline.deals-by-stage');
  });

  it('is 403 to a guest, on every dashboard route', async () => {
    const mine = await create('sales1@demo.test', { name: 'Guest probe', tiles: [], shared: true });
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/dashboards'],
      ['GET', '/api/v1/dashboards/default'],
      ['GET', `/api/v1/dashboards/${mine.id}`],
      ['POST', '/api/v1/dashboards', { name: 'x', tiles: [] }],
      ['PUT', `/api/v1/dashboards/${mine.id}`, { name: 'x', tiles: [] }],
      ['DELETE', `/api/v1/dashboards/${mine.id}`],
      ['POST', `/api/v1/dashboards/${mine.id}/tiles`, { report: 'pipeline.funnel' }],
    ];
    for (const [method, url, body] of calls) {
      expectProblem(await t.as('guest@demo.test', method, url, body), 403, 'forbidden');
    }
    // DEV reads reports but builds none.
    expectProblem(
      await t.as('dev@demo.test', 'POST', '/api/v1/dashboards', { name: 'x', tiles: [] }),
      403,
      'forbidden',
    );
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${mine.id}`)).json().name).toBe('Guest probe');
  });
});

describe('dashboards people build', () => {
  it('creates, reads, shares, changes, adds a tile and deletes, with an audit entry for each write', async () => {
    const created = await create('sales1@demo.test', {
      name: '  My numbers ',
      tiles: [
        { report: 'pipeline.deals-by-stage', width: 2, title: 'Pipeline', chart: 'donut' },
        { report: 'targets' },
        { report: 'pipeline.new-leads-by-month', range: 'last90Days' },
        { report: 'activities.calls-by-user', from: '2026-01-01', to: '2026-03-31' },
      ],
      filters: { source: 'web_form' },
      range: 'thisQuarter',
    });
    expect(created).toMatchObject({
      name: 'My numbers',
      shared: false,
      isDefault: false,
      editable: true,
      filters: { source: 'web_form' },
      range: 'thisQuarter',
      from: null,
    });
    expect(created.tiles.map((x) => [x.report, x.kind, x.title, x.chart, x.width])).toEqual([
      ['pipeline.deals-by-stage', 'report', 'Pipeline', 'donut', 2],
      ['targets', 'targets', 'Targets', 'table', 1],
      ['pipeline.new-leads-by-month', 'report', 'New leads by month', 'area', 1],
      ['activities.calls-by-user', 'report', 'Calls per person', 'bar', 1],
    ]);
    expect(created.tiles[2]?.range).toBe('last90Days');
    expect(created.tiles[3]).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });

    const got = await t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${created.id}`);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toEqual(created);

    // Private: another salesperson does not know it exists; the admin does.
    expectProblem(await t.as('sales2@demo.test', 'GET', `/api/v1/dashboards/${created.id}`), 404, 'not_found');
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/dashboards/${created.id}`)).statusCode).toBe(200);
    const sales2List = (await t.as('sales2@demo.test', 'GET', '/api/v1/dashboards')).json().data;
    expect(sales2List.map((d: { id: string }) => d.id)).not.toContain(created.id);

    // Shared (the tiles kept by id), then the whole company sees it; only its owner or an admin changes it.
    const shared = await t.as('sales1@demo.test', 'PUT', `/api/v1/dashboards/${created.id}`, {
      name: 'Team numbers',
      shared: true,
      tiles: created.tiles.map(({ id, report, width }) => ({ id, report, width })),
    });
    expect(shared.statusCode, shared.body).toBe(200);
    const after = shared.json() as Dashboard;
    expect(after).toMatchObject({ name: 'Team numbers', shared: true, filters: { source: 'web_form' } });
    expect(after.tiles.map((x) => x.id)).toEqual(created.tiles.map((x) => x.id));
    expect(after.tiles[0]?.title).toBe('Deals by stage');
    const seen = (await t.as('sales2@demo.test', 'GET', `/api/v1/dashboards/${created.id}`)).json();
    expect(seen).toMatchObject({ editable: false, shared: true, ownerId: created.ownerId });
    const list = (await t.as('sales2@demo.test', 'GET', '/api/v1/dashboards')).json().data;
    expect(list.find((d: { id: string }) => d.id === created.id)).toMatchObject({
      shared: true,
      isDefault: false,
      editable: false,
      tileCount: 4,
      ownerName: 'Rohan Gupta',
    });
    const body = { name: 'Mine now', tiles: [] };
    expectProblem(await t.as('sales2@demo.test', 'PUT', `/api/v1/dashboards/${created.id}`, body), 403, 'forbidden');
    expectProblem(await t.as('sales2@demo.test', 'DELETE', `/api/v1/dashboards/${created.id}`), 403, 'forbidden');
    expectProblem(
      await t.as('sales2@demo.test', 'POST', `/api/v1/dashboards/${created.id}/tiles`, { report: 'pipeline.funnel' }),
      403,
      'forbidden',
    );

    // "Add to dashboard" appends.
    const added = await t.as('sales1@demo.test', 'POST', `/api/v1/dashboards/${created.id}/tiles`, {
      report: 'pipeline.funnel',
      title: 'Funnel',
      width: 3,
    });
    expect(added.statusCode, added.body).toBe(201);
    const withTile = added.json() as Dashboard;
    expect(withTile.tiles).toHaveLength(5);
    expect(withTile.tiles[4]).toMatchObject({ report: 'pipeline.funnel', title: 'Funnel', width: 3, chart: 'funnel' });

    // An admin may change anyone's dashboard.
    const byAdmin = await t.as('admin@demo.test', 'PUT', `/api/v1/dashboards/${created.id}`, {
      name: 'Tidied',
      tiles: withTile.tiles.slice(0, 1).map(({ id, report }) => ({ id, report })),
      filters: {},
      range: null,
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toMatchObject({ name: 'Tidied', filters: {}, range: null, editable: true });

    const gone = await t.as('sales1@demo.test', 'DELETE', `/api/v1/dashboards/${created.id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${created.id}`), 404, 'not_found');

    const audit = await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityType=dashboard&entityId=${created.id}`);
    expect(audit.statusCode, audit.body).toBe(200);
    const actions = (audit.json().data as { action: string }[]).map((e) => e.action).sort();
    expect(actions).toEqual([
      'dashboard.created',
      'dashboard.deleted',
      'dashboard.tile_added',
      'dashboard.updated',
      'dashboard.updated',
    ]);
  });

  it('refuses a tile naming a report the role may not run, naming tiles.N.report, and stores nothing', async () => {
    const runnable = await runnableKeys('sales1@demo.test');
    expect(runnable.has('data-quality.duplicates-found')).toBe(false);
    const before = (await t.as('sales1@demo.test', 'GET', '/api/v1/dashboards')).json().data.length;
    const res = await t.as('sales1@demo.test', 'POST', '/api/v1/dashboards', {
      name: 'Too much',
      tiles: [
        { report: 'pipeline.deals-by-stage' },
        { report: 'data-quality.duplicates-found' },
        { report: 'no.such-report' },
        { report: '01900000-0000-7000-8000-000000000000' },
      ],
    });
    const problem = expectProblem(res, 400, 'validation_failed', 'tiles.1.report');
    const paths = problem.errors?.map((e) => e.path);
    expect(paths).toEqual(['tiles.1.report', 'tiles.2.report', 'tiles.3.report']);
    expect(problem.errors?.[0]?.message).toMatch(/may not run/);
    expect((await t.as('sales1@demo.test', 'GET', '/api/v1/dashboards')).json().data.length).toBe(before);

    // A saved report is a tile for whoever may run it: its owner, and once shared, everyone who may.
    const saved = await t.as('manager1@demo.test', 'POST', '/api/v1/reports/saved', {
      name: 'Won by source',
      definition: { subject: 'leads', measures: ['wonLeads'], groupBy: ['source'], chart: 'bar' },
      shared: false,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const mine = await create('manager1@demo.test', { name: 'Saved tile', tiles: [{ report: saved.json().id }] });
    expect(mine.tiles[0]).toMatchObject({ title: 'Won by source', chart: 'bar', runnable: true });
    expectProblem(
      await t.as('sales1@demo.test', 'POST', '/api/v1/dashboards', { name: 'x', tiles: [{ report: saved.json().id }] }),
      400,
      'validation_failed',
      'tiles.0.report',
    );
    // Shared with the company, a dashboard shows a tile its viewer may not run as not runnable.
    const admins = await create('admin@demo.test', {
      name: 'Data quality',
      shared: true,
      tiles: [{ report: 'data-quality.duplicates-found' }, { report: 'pipeline.deals-by-stage' }],
    });
    const viewed = (await t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${admins.id}`)).json() as Dashboard;
    expect(viewed.tiles.map((x) => x.runnable)).toEqual([false, true]);
  });

  it('answers bad input with 400 naming the field, and changes nothing', async () => {
    const mine = await create('sales1@demo.test', { name: 'Steady', tiles: [{ report: 'pipeline.funnel' }] });
    const url = `/api/v1/dashboards/${mine.id}`;
    const tile = { report: 'pipeline.funnel' };
    const cases: [unknown, string][] = [
      [{ name: '   ', tiles: [] }, 'name'],
      [{ name: 'x', tiles: Array.from({ length: 25 }, () => tile) }, 'tiles'],
      [{ name: 'x', tiles: [{ report: 'pipeline.funnel', width: 4 }] }, 'tiles.0.width'],
      [{ name: 'x', tiles: [tile, { report: 'pipeline.funnel', chart: 'pie' }] }, 'tiles.1.chart'],
      [{ name: 'x', tiles: [{ report: 'pipeline.funnel', range: 'thisMonth', from: '2026-01-01' }] }, 'tiles.0.range'],
      [{ name: 'x', tiles: [{ report: 'pipeline.funnel', from: '2026-02-01', to: '2026-01-01' }] }, 'tiles.0.from'],
      [{ name: 'x', tiles: [{ report: 'pipeline.funnel', from: '2026-02-30' }] }, 'tiles.0.from'],
      [{ name: 'x', tiles: [{ report: 'pipeline.funnel', colour: 'red' }] }, 'tiles.0.colour'],
      [{ name: 'x', tiles: [{ report: 'pipe line' }] }, 'tiles.0.report'],
      [{ name: 'x', tiles: [], filters: { ownerId: 'someone' } }, 'filters.ownerId'],
      [{ name: 'x', tiles: [], filters: { planet: 'mars' } }, 'filters.planet'],
      [{ name: 'x', tiles: [], from: '2026-05-01', to: '2026-04-01' }, 'from'],
      [{ name: 'x', tiles: [], range: 'someday' }, 'range'],
      [{ tiles: [] }, 'name'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await t.as('sales1@demo.test', 'POST', '/api/v1/dashboards', body), 400, 'validation_failed', path);
      expectProblem(await t.as('sales1@demo.test', 'PUT', url, body), 400, 'validation_failed', path);
    }
    const dupe = '01900000-0000-7000-8000-00000000000a';
    expectProblem(
      await t.as('sales1@demo.test', 'PUT', url, {
        name: 'x',
        tiles: [
          { id: dupe, report: 'pipeline.funnel' },
          { id: dupe, report: 'pipeline.funnel' },
        ],
      }),
      400,
      'validation_failed',
      'tiles.1.id',
    );
    expectProblem(
      await t.as('sales1@demo.test', 'POST', `${url}/tiles`, { report: 'nope' }),
      400,
      'validation_failed',
      'report',
    );
    expectProblem(
      await t.as('sales1@demo.test', 'GET', '/api/v1/dashboards/not-an-id'),
      400,
      'validation_failed',
      'id',
    );
    expect((await t.as('sales1@demo.test', 'GET', url)).json()).toEqual(mine);
    const list = (await t.as('sales1@demo.test', 'GET', '/api/v1/dashboards')).json().data;
    expect(list.filter((d: { name: string }) => d.name === 'x')).toEqual([]);
  });

  it('holds at most 24 tiles: adding a 25th is 422', async () => {
    const full = await create('sales1@demo.test', {
      name: 'Full',
      tiles: Array.from({ length: 24 }, () => ({ report: 'pipeline.funnel' })),
    });
    expect(full.tiles).toHaveLength(24);
    const res = await t.as('sales1@demo.test', 'POST', `/api/v1/dashboards/${full.id}/tiles`, {
      report: 'pipeline.funnel',
    });
    expectProblem(res, 422, 'unprocessable');
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${full.id}`)).json().tiles).toHaveLength(24);
  });

  it('is 404 to another company on every id route, and nothing changes', async () => {
    const mine = await create('admin@demo.test', {
      name: 'Company overview',
      shared: true,
      tiles: [{ report: 'pipeline.deals-by-stage' }],
    });
    const url = `/api/v1/dashboards/${mine.id}`;
    const other = 'admin@other.test';
    expectProblem(await t.as(other, 'GET', url), 404, 'not_found');
    expectProblem(await t.as(other, 'PUT', url, { name: 'Taken', tiles: [] }), 404, 'not_found');
    expectProblem(await t.as(other, 'POST', `${url}/tiles`, { report: 'pipeline.funnel' }), 404, 'not_found');
    expectProblem(await t.as(other, 'DELETE', url), 404, 'not_found');
    const theirs = (await t.as(other, 'GET', '/api/v1/dashboards')).json().data;
    expect(theirs.map((d: { id: string }) => d.id)).toEqual(['default']);
    expect((await t.as('admin@demo.test', 'GET', url)).json()).toEqual(mine);
  });
});
