import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Lead export: CSV, XLSX and JSON of a list view, streamed, with the list's visibility and field permissions. */

const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
let t: TestApp;
let sales1: string;
let demoCompanyId: string;

const csvRows = (body: string): string[][] => parse(body, { bom: true });

async function exportAs(who: string, query: string) {
  const response = await t.as(who, 'GET', `/api/v1/leads/export?${query}`);
  expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
  return response;
}

/** Every id the list shows for the query, page after page, in its order. */
async function listIds(who: string, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  do {
    const page = (await t.as(who, 'GET', `/api/v1/leads?limit=200&${query}${cursor}`)).json();
    ids.push(...page.data.map((l: { id: string }) => l.id));
    cursor = page.nextCursor ? `&cursor=${page.nextCursor}` : '';
  } while (cursor);
  return ids;
}

beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, SALES);
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const field = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', { label: 'Export grade', type: 'text' });
  expect(field.statusCode, field.body).toBe(201);
  const leads = [
    {
      name: 'Exportia Alpha',
      companyName: 'Alpha Mills',
      expectedValue: 1500,
      tags: ['exportia', 'hot'],
      notes: 'Met at the fair,\nwants "the big one"',
    },
    {
      name: "=cmd|' /C calc'!A0",
      companyName: '@SUM(1+1)*cmd|',
      notes: '+1+cmd',
      city: '-2+3',
      tags: ['exportia'],
      phones: ['98765 43210'],
    },
    { name: 'Exportia Gamma', companyName: 'Gamma, "Quoted" & Co', tags: ['exportia'], customFields: {} },
  ];
  for (const body of leads) {
    const response = await t.as(SALES, 'POST', '/api/v1/leads', body);
    expect(response.statusCode, response.body).toBe(201);
  }
  const gamma = (await t.as(SALES, 'GET', '/api/v1/leads?q=gamma&tags=exportia')).json().data[0];
  await t.as(SALES, 'PATCH', `/api/v1/leads/${gamma.id}`, {
    version: gamma.version,
    customFields: { export_grade: '=HYPERLINK("http://evil")' },
  });
  // Someone else's lead with the same tag: the salesperson's export must not hold it.
  const other = await t.as(ADMIN, 'POST', '/api/v1/leads', {
    name: 'Exportia Hidden',
    tags: ['exportia'],
    ownerId: await userId(t, 'sales3@demo.test'),
  });
  expect(other.statusCode, other.body).toBe(201);
});
afterAll(() => t.close());
// Exports are limited per minute and user: each test starts a fresh minute.
/** A new minute for the export limit: its windows are timed by the database's clock, so they are ended here. */
async function nextMinute(): Promise<void> {
  await sql`DELETE FROM rate_limits WHERE bucket = 'export'`.execute(t.dbs.owner);
}

beforeEach(nextMinute);

describe('GET /leads/export', () => {
  it('writes a CSV of the view: its filter, sort and columns, names for ids, formulas neutralised', async () => {
    const response = await exportAs(SALES, 'tags=exportia&sort=name&columns=name,companyName,ownerId,city,notes,tags');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = csvRows(response.body);
    expect(header).toEqual(['Name', 'Company', 'Owner', 'City', 'Notes', 'Tags']);
    expect(rows).toEqual([
      ["'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|", 'Rohan Gupta', "'-2+3", "'+1+cmd", 'exportia'],
      ['Exportia Alpha', 'Alpha Mills', 'Rohan Gupta', '', 'Met at the fair,\nwants "the big one"', 'exportia; hot'],
      ['Exportia Gamma', 'Gamma, "Quoted" & Co', 'Rohan Gupta', '', '', 'exportia'],
    ]);
  });

  it('holds every field the caller may see by default, custom fields included, phones left readable', async () => {
    const response = await exportAs(SALES, 'tags=exportia&sort=-name');
    const [header = [], ...rows] = csvRows(response.body);
    expect(header.slice(0, 6)).toEqual(['ID', 'Name', 'Company', 'Emails', 'Phones', 'Stage']);
    expect(header).toContain('Export grade');
    expect(header).toContain('Expected value');
    expect(header).not.toContain('Version');
    const at = (row: string[], label: string) => row[header.indexOf(label)] ?? '';
    const gamma = rows.find((r) => at(r, 'Name') === 'Exportia Gamma') as string[];
    expect(at(gamma, 'Export grade')).toBe('\'=HYPERLINK("http://evil")');
    expect(at(gamma, 'Stage')).toBe('New');
    const injected = rows.find((r) => at(r, 'Name').startsWith("'=")) as string[];
    expect(at(injected, 'Phones')).toBe('+919876543210');
    expect(rows.map((r) => at(r, 'Name'))).toEqual(['Exportia Gamma', 'Exportia Alpha', "'=cmd|' /C calc'!A0"]);
  });

  it('writes an XLSX workbook with typed cells and neutralised text', async () => {
    const response = await exportAs(
      SALES,
      'tags=exportia&sort=name&format=xlsx&columns=name,expectedValue,createdAt,city',
    );
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers['content-disposition']).toMatch(/filename="leads-.*\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Leads');
    if (!sheet) throw new Error('no sheet Leads');
    expect(sheet.rowCount).toBe(4);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Name', 'Expected value', 'Created at (Asia/Kolkata)', 'City']);
    expect(values(2)[0]).toBe("'=cmd|' /C calc'!A0");
    expect(values(2)[3]).toBe("'-2+3");
    expect(values(3)[0]).toBe('Exportia Alpha');
    expect(values(3)[1]).toBe(1500);
    expect(values(3)[2]).toBeInstanceOf(Date);
  });

  it('writes labels, not codes, and times on the company clock, saying which', async () => {
    const response = await exportAs(SALES, 'tags=exportia&sort=name&columns=name,source,stage,createdVia,createdAt');
    const [header, , alpha = []] = csvRows(response.body);
    expect(header).toEqual(['Name', 'Source', 'Stage', 'Created via', 'Created at (Asia/Kolkata)']);
    const lead = (await t.as(SALES, 'GET', '/api/v1/leads?q=exportia%20alpha')).json().data[0];
    const stages = (await t.as(SALES, 'GET', '/api/v1/pipeline/stages')).json().data as { key: string; name: string }[];
    expect(alpha[0]).toBe('Exportia Alpha');
    expect(alpha[1]).toBe('Manual');
    expect(alpha[2]).toBe(stages.find((s) => s.key === lead.stage)?.name);
    expect(alpha[3]).toBe('Manual');
    // India is 5:30 ahead of UTC all year.
    const local = new Date(new Date(lead.createdAt).getTime() + 330 * 60_000).toISOString();
    expect(alpha[4]).toBe(`${local.slice(0, 10)} ${local.slice(11, 19)}`);

    const xlsx = await exportAs(SALES, 'tags=exportia&sort=name&format=xlsx&columns=name,createdAt');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cell = workbook.getWorksheet('Leads')?.getRow(3).getCell(2).value as Date;
    expect(cell.toISOString().slice(0, 19)).toBe(local.slice(0, 19));
  });

  it('writes JSON leads as the API shows them, ids beside names, only the named columns when asked', async () => {
    const full = (await exportAs(SALES, 'tags=exportia&sort=name&format=json')).json();
    expect(full).toHaveLength(3);
    expect(full[1]).toMatchObject({ name: 'Exportia Alpha', ownerId: sales1, ownerName: 'Rohan Gupta', version: 1 });
    expect(full[1]).not.toHaveProperty('editable');
    const picked = await exportAs(
      SALES,
      'tags=exportia&sort=name&format=json&columns=name,ownerName,customFields.export_grade',
    );
    expect(picked.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(picked.json()[2]).toEqual({
      id: full[2].id,
      name: 'Exportia Gamma',
      ownerId: sales1,
      ownerName: 'Rohan Gupta',
      customFields: { export_grade: '=HYPERLINK("http://evil")' },
    });
    const none = await exportAs(SALES, 'q=nothing-matches-this-zzzz&format=json');
    expect(none.json()).toEqual([]);
  });

  it("holds exactly the list's leads for the caller, in its order, across many pages", async () => {
    await withTenant(t.dbs.app, demoCompanyId, (trx) =>
      sql`INSERT INTO leads (company_id, id, name, source, stage, owner_id, tags, created_via)
        SELECT ${demoCompanyId}, gen_random_uuid(), 'Bulk Export ' || i, 'import', 'new',
          CASE WHEN i % 3 = 0 THEN ${sales1}::uuid END, ARRAY['pages'], 'import'
        FROM generate_series(1, 4500) AS i`.execute(trx),
    );
    const adminCsv = csvRows((await exportAs(ADMIN, 'tags=pages&columns=id')).body)
      .slice(1)
      .map((r) => r[0]);
    expect(adminCsv).toHaveLength(4500);
    expect(new Set(adminCsv).size).toBe(4500);
    expect(adminCsv).toEqual(await listIds(ADMIN, 'tags=pages'));
    const salesCsv = csvRows((await exportAs(SALES, 'tags=pages&sort=name&columns=id,ownerName')).body).slice(1);
    expect(salesCsv).toHaveLength(1500);
    expect(new Set(salesCsv.map((r) => r[1]))).toEqual(new Set(['Rohan Gupta']));
    expect(salesCsv.map((r) => r[0])).toEqual(await listIds(SALES, 'tags=pages&sort=name'));
    const tagged = csvRows((await exportAs(SALES, 'tags=exportia&columns=name')).body)
      .slice(1)
      .flat();
    expect(tagged).not.toContain('Exportia Hidden');
  });

  it('leaves out the fields a role may not see, and refuses a column naming one', async () => {
    for (const field of ['expectedValue', 'partnerId', 'customFields.export_grade']) {
      const set = await t.as(ADMIN, 'PUT', '/api/v1/field-permissions', {
        role: 'SALESPERSON',
        field,
        access: 'hidden',
      });
      expect(set.statusCode, set.body).toBe(200);
    }
    try {
      const [header] = csvRows((await exportAs(SALES, 'tags=exportia')).body);
      expect(header).not.toContain('Expected value');
      expect(header).not.toContain('Partner');
      expect(header).not.toContain('Export grade');
      expect(header).toContain('Owner');
      const json = (await exportAs(SALES, 'tags=exportia&format=json')).json();
      expect(json[0]).not.toHaveProperty('expectedValue');
      expect(json[0]).not.toHaveProperty('partnerId');
      expect(json[0].customFields).not.toHaveProperty('export_grade');
      const refused = await t.as(SALES, 'GET', '/api/v1/leads/export?columns=name,expectedValue');
      expect(expectProblem(refused, 400, 'validation_failed', 'columns').detail).toMatch(/expectedValue is not shown/);
      const sorted = await t.as(SALES, 'GET', '/api/v1/leads/export?sort=expectedValue');
      expectProblem(sorted, 400, 'validation_failed', 'sort');
    } finally {
      for (const field of ['expectedValue', 'partnerId', 'customFields.export_grade']) {
        await t.as(ADMIN, 'PUT', '/api/v1/field-permissions', { role: 'SALESPERSON', field, access: null });
      }
    }
  });

  it('refuses bad input with a problem naming the parameter', async () => {
    const cases: [string, string][] = [
      ['format=pdf', 'format'],
      ['columns=name,shoeSize', 'columns'],
      ['stage=nowhere', 'stage'],
      ['sort=shoeSize', 'sort'],
      ['colour=red', 'colour'],
    ];
    for (const [query, path] of cases) {
      expectProblem(await t.as(ADMIN, 'GET', `/api/v1/leads/export?${query}`), 400, 'validation_failed', path);
    }
  });

  it('is refused to roles without leads:export (GUEST, WARRIOR) and to the signed-out', async () => {
    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/leads/export'), 403, 'forbidden');
    expectProblem(await t.as('warrior1@demo.test', 'GET', '/api/v1/leads/export?format=json'), 403, 'forbidden');
    expectProblem(await t.as(null, 'GET', '/api/v1/leads/export'), 401, 'unauthenticated');
  });

  it('audits every export: who, format, filter, columns and how many rows', async () => {
    await exportAs(SALES, 'tags=exportia&format=json&columns=name');
    const audit = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=lead_export&limit=1')).json().data[0];
    expect(audit).toMatchObject({ action: 'leads.exported', actorUserId: sales1 });
    expect(audit.changes).toMatchObject({
      format: { to: 'json' },
      filter: { to: { tags: 'exportia' } },
      columns: { to: ['name'] },
      rows: { to: 3 },
      completed: { to: true },
    });
  });

  it('allows a few exports a minute per user, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 10; i++) await exportAs('manager1@demo.test', 'tags=exportia&columns=id');
    const refused = await t.as('manager1@demo.test', 'GET', '/api/v1/leads/export?tags=exportia');
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await exportAs(SALES, 'tags=exportia&columns=id');
    await nextMinute();
    await exportAs('manager1@demo.test', 'tags=exportia&columns=id');
  });
});
