import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Who may run which report, and what each sees in it: the caller's record visibility and field permissions in
 * every figure, GUEST shut out, another company's saved reports not found, and bad questions answered 400
 * naming the field with nothing saved.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const run = (who: string, body: unknown) => t.as(who, 'POST', '/api/v1/reports/run', body);
const ALL = { from: '2000-01-01', to: '2100-12-31' };

async function companyOf(email: string) {
  const res = await t.as(email, 'GET', '/api/v1/auth/me');
  return res.json().company.id as string;
}

describe('who may run reports', () => {
  it('refuses GUEST every report route with 403', async () => {
    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/reports'), 403, 'forbidden');
    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/reports/model'), 403, 'forbidden');
    expectProblem(await run('guest@demo.test', { report: 'pipeline.deals-by-stage' }), 403, 'forbidden');
    const body = { name: 'x', definition: { subject: 'leads', measures: ['leads'] } };
    expectProblem(await t.as('guest@demo.test', 'POST', '/api/v1/reports/saved', body), 403, 'forbidden');
  });

  it('lists at least 60 pre-built reports for an admin, fewer for a partner, none about hidden fields', async () => {
    const admin = (await t.as('admin@demo.test', 'GET', '/api/v1/reports')).json().data as { key: string }[];
    expect(admin.length).toBeGreaterThanOrEqual(60);
    const partner = (await t.as('partner@demo.test', 'GET', '/api/v1/reports')).json().data as { key: string }[];
    expect(partner.length).toBeLessThan(admin.length);
    expect(partner.map((r) => r.key)).toContain('pipeline.deals-by-stage');
    // A partner may not see owners: a report grouped by owner is not offered, and refused when asked for.
    expect(partner.map((r) => r.key)).not.toContain('team.per-salesperson');
    expectProblem(await run('partner@demo.test', { report: 'team.per-salesperson' }), 403, 'forbidden');
  });

  it('leaves out of a pre-built report the measures of fields the role may not see', async () => {
    const res = await run('partner@demo.test', { report: 'pipeline.deals-by-stage', ...ALL });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().columns.map((c: { key: string }) => c.key)).toEqual(['stage', 'leads']);
  });
});

describe('each role sees its own part of the company', () => {
  /** Leads the list shows the caller, by stage: what every report total must agree with. */
  async function visibleLeads(who: string) {
    const counts = (await t.as(who, 'GET', '/api/v1/leads/counts')).json().data as { count: number }[];
    return counts.reduce((n, c) => n + c.count, 0);
  }

  for (const who of [
    'admin@demo.test',
    'manager1@demo.test',
    'sales1@demo.test',
    'warrior1@demo.test',
    'partner@demo.test',
  ]) {
    it(`${who}: deals by stage totals the leads it may see`, async () => {
      const res = await run(who, { report: 'pipeline.deals-by-stage', ...ALL });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().totals.leads).toBe(await visibleLeads(who));
    });
  }

  it('a salesperson, a warrior and a partner see less than the company', async () => {
    const total = async (who: string) =>
      (await run(who, { report: 'pipeline.deals-by-stage', ...ALL })).json().totals.leads;
    const company = await total('admin@demo.test');
    for (const who of ['sales1@demo.test', 'warrior1@demo.test', 'partner@demo.test']) {
      const mine = await total(who);
      expect(mine, who).toBeGreaterThan(0);
      expect(mine, who).toBeLessThan(company);
    }
  });

  it('groups a salesperson’s pipeline under its own name and its warriors’ only', async () => {
    const res = await run('sales1@demo.test', {
      report: { subject: 'leads', measures: ['leads'], groupBy: ['ownerId'] },
      ...ALL,
    });
    const owners = new Set(res.json().rows.map((r: { values: { ownerId: string } }) => r.values.ownerId));
    const companyId = await companyOf('admin@demo.test');
    const sales1 = await userId(t, 'sales1@demo.test');
    // Every owner in the report owns a lead sales1 may see (its own, or one it shares as co-sales or via warriors).
    const visible = await withTenant(t.dbs.app, companyId, async (trx) => {
      const rows = await sql<{ owner_id: string | null }>`SELECT DISTINCT l.owner_id FROM leads l
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL AND (l.owner_id = ${sales1}
          OR l.co_sales_ids @> ARRAY[${sales1}]::uuid[]
          OR l.warrior_ids && ARRAY(SELECT w.id FROM users w WHERE w.manager_id = ${sales1} AND w.role = 'WARRIOR'))`.execute(
        trx,
      );
      return new Set(rows.rows.map((r) => r.owner_id));
    });
    expect(owners).toEqual(visible);
  });
});

describe('bad questions', () => {
  it('an unknown measure names it', async () => {
    const res = await run('admin@demo.test', { report: { subject: 'leads', measures: ['leads', 'nope'] } });
    expectProblem(res, 400, 'validation_failed', 'report.measures.1');
  });

  it('a hidden field as a grouping or a measure names it', async () => {
    const res = await run('partner@demo.test', {
      report: { subject: 'leads', measures: ['value'], groupBy: ['ownerId'] },
    });
    const body = expectProblem(res, 400, 'validation_failed', 'report.groupBy.0');
    expect(body.errors?.map((e) => e.path)).toContain('report.measures.0');
  });

  it('four groupings are one too many', async () => {
    const res = await run('admin@demo.test', {
      report: { subject: 'leads', measures: ['leads'], groupBy: ['stage', 'source', 'ownerId', 'city'] },
    });
    expectProblem(res, 400, 'validation_failed', 'report.groupBy');
  });

  it('a window that ends before it starts names from', async () => {
    expectProblem(
      await run('admin@demo.test', { report: 'pipeline.deals-by-stage', from: '2026-12-01', to: '2026-11-01' }),
      400,
      'validation_failed',
      'from',
    );
    expectProblem(
      await run('admin@demo.test', { report: 'pipeline.deals-by-stage', from: '2026-02-30' }),
      400,
      'validation_failed',
      'from',
    );
  });

  it('an unknown subject, grouping, time or filter names it', async () => {
    expectProblem(
      await run('admin@demo.test', { report: { subject: 'nope', measures: ['leads'] } }),
      400,
      'validation_failed',
      'report.subject',
    );
    expectProblem(
      await run('admin@demo.test', {
        report: { subject: 'leads', measures: ['leads'], groupBy: ['createdAt.fortnight'] },
      }),
      400,
      'validation_failed',
      'report.groupBy.0',
    );
    expectProblem(
      await run('admin@demo.test', { report: { subject: 'leads', measures: ['leads'], timeField: 'dueAt' } }),
      400,
      'validation_failed',
      'report.timeField',
    );
    expectProblem(
      await run('admin@demo.test', { report: 'pipeline.deals-by-stage', filters: { stage: 'nope' } }),
      400,
      'validation_failed',
      'filters.stage',
    );
    expectProblem(await run('admin@demo.test', { report: 'no.such-report' }), 404, 'not_found');
  });

  it('a bad definition saves nothing', async () => {
    const before = (await t.as('admin@demo.test', 'GET', '/api/v1/reports/saved')).json().data.length;
    const res = await t.as('admin@demo.test', 'POST', '/api/v1/reports/saved', {
      name: 'Broken',
      definition: { subject: 'leads', measures: ['nope'] },
    });
    expectProblem(res, 400, 'validation_failed', 'definition.measures.0');
    expectProblem(
      await t.as('admin@demo.test', 'POST', '/api/v1/reports/saved', {
        name: '   ',
        definition: { subject: 'leads', measures: ['leads'] },
      }),
      400,
      'validation_failed',
      'name',
    );
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/reports/saved')).json().data.length).toBe(before);
  });
});

describe('saved reports', () => {
  it('saves, shares, runs and deletes a report; another company cannot see it', async () => {
    const created = await t.as('sales1@demo.test', 'POST', '/api/v1/reports/saved', {
      name: 'My pipeline by source',
      definition: { subject: 'leads', measures: ['leads', 'wonLeads'], groupBy: ['source'], chart: 'bar' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await t.as('sales1@demo.test', 'GET', '/api/v1/reports')).json().data).toContainEqual(
      expect.objectContaining({ key: id, group: 'saved', saved: true }),
    );
    const ran = await run('sales1@demo.test', { report: id, ...ALL });
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json().report).toMatchObject({ key: id, name: 'My pipeline by source', chart: 'bar' });

    // Private until shared: a colleague does not find it.
    expectProblem(await t.as('sales2@demo.test', 'GET', `/api/v1/reports/saved/${id}`), 404, 'not_found');
    expectProblem(await run('sales2@demo.test', { report: id }), 404, 'not_found');
    const shared = await t.as('sales1@demo.test', 'PUT', `/api/v1/reports/saved/${id}`, { shared: true });
    expect(shared.json()).toMatchObject({ shared: true, editable: true });
    const seen = await t.as('sales2@demo.test', 'GET', `/api/v1/reports/saved/${id}`);
    expect(seen.json()).toMatchObject({ id, editable: false });
    // The colleague runs it over its own leads, and may not change it.
    expect((await run('sales2@demo.test', { report: id, ...ALL })).statusCode).toBe(200);
    expectProblem(
      await t.as('sales2@demo.test', 'PUT', `/api/v1/reports/saved/${id}`, { name: 'Mine now' }),
      403,
      'forbidden',
    );

    for (const [method, url, body] of [
      ['GET', `/api/v1/reports/saved/${id}`, undefined],
      ['PUT', `/api/v1/reports/saved/${id}`, { name: 'x' }],
      ['DELETE', `/api/v1/reports/saved/${id}`, undefined],
    ] as const) {
      expectProblem(await t.as('admin@other.test', method, url, body), 404, 'not_found');
    }
    expectProblem(await run('admin@other.test', { report: id }), 404, 'not_found');

    expect((await t.as('sales1@demo.test', 'DELETE', `/api/v1/reports/saved/${id}`)).statusCode).toBe(204);
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/reports/saved/${id}`), 404, 'not_found');
  });

  it('exports a report as CSV and XLSX', async () => {
    const csv = await t.as('admin@demo.test', 'POST', '/api/v1/reports/export', {
      report: 'pipeline.deals-by-stage',
      format: 'csv',
      ...ALL,
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(String(csv.headers['content-disposition'])).toMatch(/attachment; filename="pipeline\.deals-by-stage/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const ran = (await run('admin@demo.test', { report: 'pipeline.deals-by-stage', ...ALL })).json();
    expect(lines[0]).toBe('Stage,Leads,Value');
    expect(lines.length).toBe(ran.total + 1);
    const xlsx = await t.as('admin@demo.test', 'POST', '/api/v1/reports/export', {
      report: 'pipeline.deals-by-stage',
      format: 'xlsx',
    });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
