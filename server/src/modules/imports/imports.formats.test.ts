import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Issue = { row: number; outcome: string; errors: { field: string; message: string }[] };

async function dryRun(id: string, body: Record<string, unknown> = {}) {
  const response = await t.as(admin, 'POST', `/api/v1/imports/${id}/dry-run`, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { create: number; fail: number; rows: Issue[] };
}

/** Three people with accents, written in each format: the same three leads must come out of every one. */
const people = [
  ['Zoë Fernandes', 'zoe@example.in', 'Café Lumière', 'Pune'],
  ['José Müller', 'jose@example.in', 'Straße & Söhne', 'Mumbai'],
  ['Ananya Iyer', 'ananya@example.in', 'Iyer, Rao and Co', 'Chennai'],
];
const header = ['Name', 'Email', 'Company', 'City'];

function delimited(delimiter: string): string {
  const quote = (v: string) => (v.includes(delimiter) || v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v);
  return [header, ...people].map((r) => r.map(quote).join(delimiter)).join('\r\n');
}

async function expectPeople(id: string) {
  const detail = (await t.as(admin, 'GET', `/api/v1/imports/${id}`)).json();
  expect(detail.headers).toEqual(header);
  expect(detail.sample).toEqual(people);
  expect(detail.suggestedMapping.columns).toEqual({
    Name: 'name',
    Email: 'email',
    Company: 'companyName',
    City: 'city',
  });
  const dry = await dryRun(id);
  expect(dry).toMatchObject({ create: 3, fail: 0, rows: [] });
}

describe('formats', () => {
  it.each([
    ['comma', ',', 'leads.csv'],
    ['semicolon', ';', 'leads.csv'],
    ['tab', '\t', 'leads.tsv'],
    ['pipe', '|', 'leads.txt'],
  ])('reads CSV with a %s delimiter, sniffed', async (_name, delimiter, file) => {
    const imp = await uploaded(t, admin, file, delimited(delimiter));
    expect(imp).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter, progress: { totalRows: 3 } });
    await expectPeople(imp.id);
  });

  it('reads UTF-16 LE and BE with a byte-order mark, UTF-8 with one, and Windows-1252 without', async () => {
    const text = delimited('\t');
    const cases: [Buffer, string][] = [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), 'utf-16le'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]), 'utf-16be'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      [iconv.encode(text, 'windows-1252'), 'windows-1252'],
    ];
    for (const [bytes, encoding] of cases) {
      const imp = await uploaded(t, admin, 'export.csv', bytes);
      expect(imp, encoding).toMatchObject({ encoding, delimiter: '\t' });
      await expectPeople(imp.id);
    }
  });

  it('reads the first worksheet of an XLSX workbook: dates, numbers, rich text and formulas as values', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Leads');
    sheet.addRow([...header, 'Close Date', 'Amount', 'Notes']);
    sheet.addRow([
      ...(people[0] as string[]),
      new Date(Date.UTC(2026, 11, 31)),
      125000.5,
      { richText: [{ text: 'Met at ' }, { text: 'expo' }] },
    ]);
    sheet.addRow([...(people[1] as string[]), null, { formula: '1000*2', result: 2000 }, null]);
    sheet.addRow([]);
    sheet.addRow([...(people[2] as string[])]);
    workbook.addWorksheet('Notes').addRow(['not', 'read']);
    const imp = await uploaded(t, admin, 'leads.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(imp).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, progress: { totalRows: 3 } });
    expect(imp.sample[0]).toEqual([...(people[0] as string[]), '2026-12-31', '125000.5', 'Met at expo']);
    const done = await runToEnd(t, admin, imp.id);
    expect(done.counts).toEqual({ created: 3, updated: 0, skipped: 0, failed: 0 });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['2', '3', '5']);
    const zoe = (await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json();
    expect(zoe).toMatchObject({
      name: 'Zoë Fernandes',
      companyName: 'Café Lumière',
      expectedCloseDate: '2026-12-31',
      expectedValue: 125000.5,
      notes: 'Met at expo',
    });
  });

  it('reads a JSON array (nested objects as dotted columns, lists joined) and an object holding one', async () => {
    const records = people.map(([name, email, company, city]) => ({
      name,
      contact: { email, phones: ['+91 98220 12345', '+91 98220 54321'] },
      company,
      address: { city },
    }));
    for (const content of [JSON.stringify(records), JSON.stringify({ leads: records })]) {
      const imp = await uploaded(t, admin, 'leads.json', content);
      expect(imp).toMatchObject({
        format: 'json',
        headers: ['name', 'contact.email', 'contact.phones', 'company', 'address.city'],
      });
      expect(imp.sample[0]).toEqual([
        'Zoë Fernandes',
        'zoe@example.in',
        '+91 98220 12345; +91 98220 54321',
        'Café Lumière',
        'Pune',
      ]);
      const mapping = {
        columns: {
          name: 'name',
          'contact.email': 'email',
          'contact.phones': 'phone',
          company: 'companyName',
          'address.city': 'city',
        },
      };
      // The same phones on every record: the second and third rows repeat the first.
      const dry = await dryRun(imp.id, { mapping, onDuplicate: 'create' });
      expect(dry).toMatchObject({ create: 3, fail: 0 });
    }
  });

  it('reads NDJSON line by line: a bad line is that row failing, the others import', async () => {
    const lines = people.map(([name, email]) => JSON.stringify({ name, email }));
    const content = [lines[0], '{"name": "Broken', '', lines[1], '[1, 2]', lines[2]].join('\n');
    const imp = await uploaded(t, admin, 'leads.ndjson', content);
    expect(imp).toMatchObject({
      format: 'ndjson',
      headers: ['name', 'email'],
      parseFailures: 2,
      progress: { totalRows: 5 },
    });
    // The XLSX test created these three people already: create them again rather than block them.
    const dry = await dryRun(imp.id, { onDuplicate: 'create' });
    expect(dry.create).toBe(3);
    const failed = dry.rows.filter((r) => r.outcome === 'fail');
    expect(failed.map((r) => [r.row, r.outcome, r.errors[0]?.message])).toEqual([
      [2, 'fail', expect.stringMatching(/^The row is not valid JSON/)],
      [5, 'fail', 'The row is not a JSON object'],
    ]);
  });

  it('reads XML records: the repeated element, attributes as fields', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <export><leads>${people
        .map(
          ([n, e, c, city]) =>
            `<lead source="referral"><name>${n}</name><email>${e}</email><company>${c?.replace('&', '&amp;')}</company><city>${city}</city></lead>`,
        )
        .join('')}</leads></export>`;
    const imp = await uploaded(t, admin, 'leads.xml', xml);
    expect(imp).toMatchObject({ format: 'xml', headers: ['name', 'email', 'company', 'city', 'source'] });
    expect(imp.suggestedMapping.columns).toMatchObject({ name: 'name', source: 'source' });
    const done = await runToEnd(t, admin, imp.id, { mapping: imp.suggestedMapping, onDuplicate: 'create' });
    expect(done.counts.created).toBe(3);
    const rows = await resultRows(t, admin, imp.id);
    const jose = (await t.as(admin, 'GET', `/api/v1/leads/${rows[2]?.[2]}`)).json();
    expect(jose).toMatchObject({ name: 'José Müller', companyName: 'Straße & Söhne', source: 'referral' });
  });

  it('detects the format from the content when the name says nothing', async () => {
    expect((await uploaded(t, admin, 'export', JSON.stringify([{ name: 'A' }]))).format).toBe('json');
    expect((await uploaded(t, admin, 'export', '{"name":"A"}\n{"name":"B"}\n')).format).toBe('ndjson');
    expect((await uploaded(t, admin, 'export', '<leads><lead><name>A</name></lead></leads>')).format).toBe('xml');
    expect((await uploaded(t, admin, 'export', 'name;city\nA;B\n')).delimiter).toBe(';');
  });
});
