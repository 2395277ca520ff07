import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * CSV and XLSX files at a URL, served by a small server started here behind a basic password: the header row
 * names the columns, a cursor column keeps later runs to the newer rows, and a bad row goes to the row errors.
 */
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const AUTH = `Basic ${Buffer.from('files:pw-77').toString('base64')}`;

const csvLines = [
  'Row Id;Full Name;E-mail;City',
  '1;Csv Person One;one@file.example;Pune',
  '2;"Csv Person; Two";two@file.example;Goa',
  '',
  '3;Csv Bad;not-an-email;Delhi',
];
let xlsx: Buffer;
let server: Server;
let base: string;
const authSeen: (string | undefined)[] = [];

async function workbook(rows: (string | number | Date)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Leads');
  for (const row of rows) sheet.addRow(row);
  book.addWorksheet('Notes').addRow(['not read']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

let t: TestApp;
let companyId: string;

beforeAll(async () => {
  xlsx = await workbook([
    ['Id', 'Name', 'Email', 'Changed'],
    [10, 'Xlsx Person Ten', 'ten@file.example', new Date('2030-02-01T08:00:00Z')],
    [11, 'Xlsx Person Eleven', 'eleven@file.example', new Date('2030-02-02T08:00:00Z')],
  ]);
  server = createServer((req, res) => {
    authSeen.push(req.headers.authorization);
    if (req.headers.authorization !== AUTH) return void res.writeHead(401).end();
    if (req.url === '/leads.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      return void res.end(`\uFEFF${csvLines.join('\r\n')}\r\n`);
    }
    if (req.url === '/leads.xlsx') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(xlsx);
    }
    res.writeHead(404).end('no such file');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({ rateLimitPerMinute: 100_000, webhooksAllowPrivate: true });
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});

afterAll(async () => {
  await t?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function runToEnd(sourceId: string) {
  const started = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${sourceId}/runs`);
  expect(started.statusCode, started.body).toBe(202);
  await t.runJobs();
  return (await t.as(ADMIN, 'GET', `/api/v1/extractor/runs/${started.json().id}`)).json();
}

const fileLeads = () =>
  withTenant(t.dbs.app, companyId, async (trx) => {
    const rows = await trx
      .selectFrom('leads')
      .select(['name', 'city', 'source', sql<string>`unnest(emails)`.as('email')])
      .where('deleted_at', 'is', null)
      .execute();
    return rows.filter((r) => r.email.endsWith('@file.example'));
  });

const auth = { kind: 'basic', user: 'files', password: 'pw-77' };

describe('a CSV file at a URL', () => {
  let id: string;

  it('reads the rows by the header, a bad row to the errors; a second run reads only the newer rows', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
      name: 'Nightly CSV',
      kind: 'file',
      url: `${base}/leads.csv`,
      format: 'csv',
      delimiter: ';',
      auth,
      cursorColumn: 'Row Id',
      leadSource: 'import',
      mapping: [
        { target: 'name', from: 'Full Name' },
        { target: 'emails', from: 'E-mail' },
        { target: 'city', from: 'City', transform: 'upper' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'file', format: 'csv', delimiter: ';', hasPassword: true });
    expect(created.body).not.toContain('pw-77');
    id = created.json().id;

    const preview = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().columns).toEqual(['Row Id', 'Full Name', 'E-mail', 'City']);
    expect(preview.json().rows.map((r: { lead: { name?: string } | null }) => r.lead?.name)).toEqual([
      'Csv Person One',
      'Csv Person; Two',
      'Csv Bad',
    ]);
    expect(await fileLeads()).toHaveLength(0);

    const run = await runToEnd(id);
    expect(run, JSON.stringify(run)).toMatchObject({
      status: 'succeeded',
      rowsRead: 3,
      created: 2,
      failed: 1,
      cursorTo: '3',
    });
    expect(run.rowErrors[0]).toMatchObject({ cursorValue: '3', status: 'open' });
    expect(run.rowErrors[0].reason).toMatch(/email/i);
    expect((await fileLeads()).map((l) => [l.name, l.city, l.source]).sort()).toEqual([
      ['Csv Person One', 'PUNE', 'import'],
      ['Csv Person; Two', 'GOA', 'import'],
    ]);
    expect(authSeen.every((a) => a === AUTH)).toBe(true);

    csvLines.push('4;Csv Person Four;four@file.example;Agra', '2;Csv Person Two Again;two-again@file.example;Goa');
    const again = await runToEnd(id);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 1, created: 1, cursorFrom: '3', cursorTo: '4' });
    expect((await fileLeads()).map((l) => l.email)).not.toContain('two-again@file.example');
  });

  it('fails a run when the file is not there, naming the status; the cursor stays', async () => {
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/extractor/sources/${id}`, { url: `${base}/gone.csv` });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().auth).toMatchObject({ kind: 'basic', user: 'files', hasSecret: true });
    const run = await runToEnd(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/gone\.csv answered 404/);
    expect((await t.as(ADMIN, 'GET', `/api/v1/extractor/sources/${id}`)).json().cursorValue).toBe('4');
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/extractor/sources/${id}`), 404, 'not_found');
  });
});

describe('an XLSX file at a URL', () => {
  it('reads the first worksheet, dates as ISO text, by a date cursor', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
      name: 'Workbook',
      kind: 'file',
      url: `${base}/leads.xlsx`,
      auth,
      cursorColumn: 'Changed',
      mapping: [
        { target: 'name', from: 'Name' },
        { target: 'emails', from: 'Email' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().format).toBe('xlsx');
    const run = await runToEnd(created.json().id);
    expect(run, JSON.stringify(run)).toMatchObject({
      status: 'succeeded',
      rowsRead: 2,
      created: 2,
      cursorTo: '2030-02-02T08:00:00.000Z',
    });
    xlsx = await workbook([
      ['Id', 'Name', 'Email', 'Changed'],
      [10, 'Xlsx Person Ten', 'ten@file.example', new Date('2030-02-01T08:00:00Z')],
      [12, 'Xlsx Person Twelve', 'twelve@file.example', new Date('2030-02-03T08:00:00Z')],
      [11, 'Xlsx Person Eleven', 'eleven@file.example', new Date('2030-02-02T08:00:00Z')],
    ]);
    const again = await runToEnd(created.json().id);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 1, created: 1, cursorTo: '2030-02-03T08:00:00.000Z' });
    const emails = (await fileLeads()).map((l) => l.email);
    for (const email of ['ten@file.example', 'eleven@file.example', 'twelve@file.example']) {
      expect(emails.filter((e) => e === email)).toHaveLength(1);
    }
  });

  it('fails a run on a file that is not a workbook', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
      name: 'Not a workbook',
      kind: 'file',
      url: `${base}/leads.csv`,
      format: 'xlsx',
      auth,
      mapping: [{ target: 'name', from: 'Name' }],
    });
    const run = await runToEnd(created.json().id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/not a readable XLSX workbook/);
  });
});
