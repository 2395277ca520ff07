import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { drain, resultRows, runToEnd, upload, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const importCount = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM imports`.execute(t.dbs.owner)).rows[0]?.n ?? 0;

describe('broken files', () => {
  it('refuses a file that is not what it claims, not in its encoding, or without a header, and keeps nothing', async () => {
    const before = await importCount();
    const cases: [string, Buffer | string, Record<string, string>, string, RegExp][] = [
      [
        'leads.csv',
        iconv.encode('Name,City\nJosé,Zürich\n', 'windows-1252'),
        { encoding: 'utf-8' },
        'encoding',
        /not valid UTF-8 \(first bad byte at offset 13\)/,
      ],
      ['leads.xlsx', 'Name,City\nA,B\n', {}, 'file', /not an XLSX workbook/],
      ['leads.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), {}, 'file', /ZIP archive/],
      ['leads.json', '[{"name": "A"},', {}, 'file', /not valid JSON/],
      ['leads.json', '{"a": 1, "b": 2}', {}, 'file', /array of records/],
      ['leads.xml', '<leads><lead><name>A</lead></leads>', {}, 'file', /not well-formed XML \(line 1/],
      [
        'leads.csv',
        'asha@example.in,098220 12345\nbilal@example.in,098220 54321\n',
        {},
        'file',
        /first row is not a header/,
      ],
      ['leads.csv', '', {}, 'file', /empty/],
      ['leads.csv', 'Name,Email\n', {}, 'file', /header but no rows/],
      ['leads.csv', 'Name,Notes\nAsha,"an open quote\nBilal,x\n', {}, 'file', /not valid CSV: Quote Not Closed/],
    ];
    for (const [name, content, fields, path, message] of cases) {
      const response = await upload(t, admin, { name, content }, fields);
      const problem = expectProblem(response, 422, 'unprocessable', path);
      expect(problem.detail, name).toMatch(message);
    }
    expect(await importCount()).toBe(before);
  });

  it('checks the options: an unknown format or encoding is a 400 naming it; JSON is not an upload', async () => {
    expectProblem(
      await upload(t, admin, { name: 'a.csv', content: 'Name\nA\n' }, { format: 'pdf' }),
      400,
      'validation_failed',
      'format',
    );
    expectProblem(
      await upload(t, admin, { name: 'a.csv', content: 'Name\nA\n' }, { encoding: 'ebcdic' }),
      400,
      'validation_failed',
      'encoding',
    );
    expectProblem(
      await upload(t, admin, { name: 'a.csv', content: 'Name\nA\n' }, { delimiter: ';;' }),
      400,
      'validation_failed',
      'delimiter',
    );
    expectProblem(await t.as(admin, 'POST', '/api/v1/imports', { name: 'A' }), 415, 'unsupported_media_type');
    const none = await upload(
      t,
      admin,
      { name: 'a.csv', content: 'Name\nA\n' },
      { mappingId: '01900000-0000-7000-8000-000000000000' },
    );
    expectProblem(none, 400, 'validation_failed', 'mappingId');
  });

  it('reports ragged rows one by one and imports the rest', async () => {
    const csv = [
      'Name,Email,City',
      'Asha,asha@example.in,Pune',
      'Bilal,bilal@example.in',
      'Chitra,chitra@example.in,Pune,extra',
      'Deepa,deepa@example.in,Kochi,,',
    ].join('\n');
    const imp = await uploaded(t, admin, 'ragged.csv', csv);
    expect(imp).toMatchObject({ progress: { totalRows: 4 }, parseFailures: 2 });
    const done = await runToEnd(t, admin, imp.id);
    expect(done.counts).toEqual({ created: 2, updated: 0, skipped: 0, failed: 2 });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[3]])).toEqual([
      ['2', 'created', ''],
      ['3', 'failed', 'The row has 2 values where the header has 3 columns'],
      ['4', 'failed', 'The row has 4 values where the header has 3 columns'],
      ['5', 'created', ''],
    ]);
  });

  it('writes formulas in the result file as text, and keeps the value itself in the lead', async () => {
    const csv = 'Name,Notes,Phone\n"=HYPERLINK(""http://evil.example"")",=cmd|\' /C calc\'!A0,+919822099999\n';
    const imp = await uploaded(t, admin, 'formula.csv', csv);
    await runToEnd(t, admin, imp.id);
    const rows = await resultRows(t, admin, imp.id);
    expect(rows[0]).toEqual(['Row', 'Outcome', 'Lead ID', 'Reason', 'Name', 'Notes', 'Phone']);
    expect(rows[1]?.slice(4)).toEqual(['\'=HYPERLINK("http://evil.example")', "'=cmd|' /C calc'!A0", '+919822099999']);
    const lead = (await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json();
    expect(lead).toMatchObject({ name: '=HYPERLINK("http://evil.example")', notes: "=cmd|' /C calc'!A0" });
  });

  it('fails every row with its reason when no column maps to the name', async () => {
    const imp = await uploaded(t, admin, 'no-name.csv', 'Email,City\nasha@example.in,Pune\nbilal@example.in,Mumbai\n');
    expect(imp.suggestedMapping.columns).toEqual({ Email: 'email', City: 'city' });
    const dry = (await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {})).json();
    expect(dry).toMatchObject({ create: 0, fail: 2 });
    expect(dry.rows[0].errors).toEqual([
      { field: 'name', column: null, message: 'is required: no column maps to name (or firstName and lastName)' },
    ]);
    const done = await runToEnd(t, admin, imp.id);
    expect(done.counts).toMatchObject({ created: 0, failed: 2 });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows[1]?.[3]).toBe('name: is required: no column maps to name (or firstName and lastName)');
  });

  it('fails a row on each bad value with the column that held it, and writes the rest of the file', async () => {
    const csv = [
      'Name,Phone,Amount,Close Date,Status,Lead Source,Owner',
      'Good Row,+91 98220 12345,"1,200",05/03/2027,New,Referral,',
      'Bad Phone,12,,,New,,',
      'Bad Amount,,lots,,New,,',
      'Bad Date,,,31/02/2027,New,,',
      'Bad Status,,,,Sleeping,,',
      'Bad Source,,,,New,Carrier pigeon,',
      'Bad Owner,,,,New,,Nobody Known',
    ].join('\n');
    const imp = await uploaded(t, admin, 'values.csv', csv);
    const dry = (
      await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {
        mapping: {
          columns: {
            Name: 'name',
            Phone: 'phone',
            Amount: 'expectedValue',
            'Close Date': 'expectedCloseDate',
            Status: 'stage',
            'Lead Source': 'source',
            Owner: 'owner',
          },
        },
      })
    ).json();
    expect(dry).toMatchObject({ create: 1, fail: 6 });
    expect(dry.rows.map((r: { row: number; errors: unknown[] }) => [r.row, r.errors])).toEqual([
      [3, [{ field: 'phones', column: 'Phone', message: 'is not a valid phone number (12)' }]],
      [4, [{ field: 'expectedValue', column: 'Amount', message: '"lots" is not a number' }]],
      [
        5,
        [
          {
            field: 'expectedCloseDate',
            column: 'Close Date',
            message: '"31/02/2027" is not a date (dd/mm/yyyy or YYYY-MM-DD)',
          },
        ],
      ],
      [6, [{ field: 'stage', column: 'Status', message: '"Sleeping" is not a stage: map it in values.stage' }]],
      [
        7,
        [
          {
            field: 'source',
            column: 'Lead Source',
            message: '"Carrier pigeon" is not a lead source: map it in values.source',
          },
        ],
      ],
      [
        8,
        [
          {
            field: 'ownerId',
            column: 'Owner',
            message: 'no active user is called "Nobody Known": map it in values.owner',
          },
        ],
      ],
    ]);
  });

  it('takes a 10 MB file past the 1 MiB body limit, and refuses one over 50 MB with 413', async () => {
    const notes = 'x'.repeat(1000);
    const lines = ['Name,Email,Notes'];
    for (let i = 0; i < 10_000; i++) lines.push(`Person ${i},person${i}@example.in,${notes}`);
    const big = lines.join('\n');
    expect(big.length).toBeGreaterThan(10_000_000);
    const imp = await uploaded(t, admin, 'big.csv', big);
    expect(imp).toMatchObject({ progress: { totalRows: 10_000 }, fileSize: big.length });
    const done = await runToEnd(t, admin, imp.id);
    expect(done.counts).toEqual({ created: 10_000, updated: 0, skipped: 0, failed: 0 });
    expect(done.progress).toEqual({ rowsDone: 10_000, totalRows: 10_000 });

    const huge = Buffer.alloc(51 * 1024 * 1024, 'a');
    expectProblem(await upload(t, admin, { name: 'huge.csv', content: huge }), 413, 'payload_too_large', 'file');
    await drain(t);
  }, 120_000);
});

describe('uploads nobody runs', () => {
  it('are dropped with their rows by the daily job a week later; imports that ran stay', async () => {
    const idle = await uploaded(t, admin, 'idle.csv', 'Name\nIdle Person\n');
    const ran = await uploaded(t, admin, 'ran.csv', 'Name\nRan Person\n');
    await runToEnd(t, admin, ran.id);
    t.clock.advance(8 * 86_400_000);
    await drain(t);
    expectProblem(await t.as(admin, 'GET', `/api/v1/imports/${idle.id}`), 404, 'not_found');
    const rows = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM import_chunks WHERE import_id = ${idle.id}`.execute(t.dbs.owner);
    expect(rows.rows[0]?.n).toBe(0);
    expect((await t.as(admin, 'GET', `/api/v1/imports/${ran.id}`)).json().status).toBe('done');
  });
});
