import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The extractor against the real MariaDB of the machine (127.0.0.1:3306, root, no password: a scratch database
 * per run of this file) and the test's own PostgreSQL as a second kind of source.
 */
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const SALES = 'sales1@demo.test';
const SCRATCH = `iperform_x_${process.pid}`;

async function mariadbAnswers(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', connectTimeout: 2000 });
    await c.end();
    return true;
  } catch {
    return false;
  }
}
const hasMaria = await mariadbAnswers();
if (!hasMaria)
  console.log(
    'extractor: MariaDB is not answering on 127.0.0.1:3306 (apt-get install mariadb-server && service mariadb start): its tests are skipped',
  );

let t: TestApp;
let companyId: string;
let maria: mysql.Connection | null = null;

const mapping = [
  { target: 'name', from: 'full_name', transform: 'trim' },
  { target: 'emails', from: 'email', transform: 'lower' },
  { target: 'city', expression: "$uppercase(city) & ''" },
];
const body = (extra: Record<string, unknown> = {}) => ({
  name: 'ERP customers',
  kind: 'mysql',
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  database: SCRATCH,
  query: 'SELECT id, full_name, email, city FROM customers',
  cursorColumn: 'id',
  mapping,
  ...extra,
});

async function runToEnd(sourceId: string) {
  const started = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${sourceId}/runs`);
  expect(started.statusCode, started.body).toBe(202);
  await t.runJobs();
  const run = await t.as(ADMIN, 'GET', `/api/v1/extractor/runs/${started.json().id}`);
  expect(run.statusCode, run.body).toBe(200);
  return run.json();
}

const source = async (id: string) => (await t.as(ADMIN, 'GET', `/api/v1/extractor/sources/${id}`)).json();
const countSources = () =>
  withTenant(t.dbs.app, companyId, async (trx) =>
    Number(
      (
        await trx
          .selectFrom('extractor_sources')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

beforeAll(async () => {
  // The sources are on this machine: the operator's setting lets the extractor reach loopback addresses.
  t = await createTestApp({ rateLimitPerMinute: 100_000, webhooksAllowPrivate: true });
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  if (hasMaria) {
    maria = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', multipleStatements: true });
    await maria.query(`DROP DATABASE IF EXISTS ${SCRATCH}; CREATE DATABASE ${SCRATCH}; USE ${SCRATCH};
      CREATE TABLE customers (id INT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100), city VARCHAR(50));
      INSERT INTO customers VALUES (1, '  Asha Rao ', 'ASHA@EXAMPLE.COM', 'pune'), (2, 'Vikram Shah', 'vikram@example.com', 'mumbai'),
        (3, '', 'nobody@example.com', 'delhi');`);
  }
});

afterAll(async () => {
  if (maria) {
    await maria.query(`DROP DATABASE IF EXISTS ${SCRATCH}`);
    await maria.end();
  }
  await t.close();
});

describe.skipIf(!hasMaria)('extractor with MariaDB', () => {
  let id: string;

  it('saves a source without ever answering its password, and previews 50 rows mapped, saving nothing', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', body({ password: '' }));
    expect(created.statusCode, created.body).toBe(201);
    id = created.json().id;
    expect(created.body).not.toContain('password"');
    expect(created.json()).toMatchObject({ kind: 'mysql', cursorValue: null, leadSource: 'erp', onDuplicate: 'skip' });
    const preview = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().columns).toEqual(['id', 'full_name', 'email', 'city']);
    expect(preview.json().rows[0].lead).toEqual({ name: 'Asha Rao', emails: ['asha@example.com'], city: 'PUNE' });
    expect((await source(id)).cursorValue).toBeNull();
  });

  it('runs: rows become leads (a bad row goes to the errors), the cursor moves; a second run reads only new rows', async () => {
    const run = await runToEnd(id);
    expect(run, JSON.stringify(run)).toMatchObject({
      status: 'succeeded',
      rowsRead: 3,
      created: 2,
      failed: 1,
      progress: 1,
      cursorTo: '3',
    });
    expect(run.rowErrors[0].reason).toMatch(/name/);
    const rowError = run.rowErrors[0].id;
    expectProblem(await t.as(OTHER, 'POST', `/api/v1/extractor/row-errors/${rowError}/retry`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'POST', `/api/v1/extractor/row-errors/${rowError}/skip`), 404, 'not_found');
    expectProblem(await t.as(SALES, 'POST', `/api/v1/extractor/row-errors/${rowError}/skip`), 403, 'forbidden');
    // Retried as it is: refused again, and still open.
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/extractor/row-errors/${rowError}/retry`), 422, 'unprocessable');
    const fixed = [
      { target: 'name', expression: "$trim(full_name) != '' ? $trim(full_name) : email" },
      ...mapping.slice(1),
    ];
    expect((await t.as(ADMIN, 'PATCH', `/api/v1/extractor/sources/${id}`, { mapping: fixed })).statusCode).toBe(200);
    const retried = await t.as(ADMIN, 'POST', `/api/v1/extractor/row-errors/${rowError}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'retried', leadId: expect.any(String) });
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/extractor/row-errors/${rowError}/skip`), 409, 'conflict');
    expect((await source(id)).cursorValue).toBe('3');
    const leads = await t.as(ADMIN, 'GET', '/api/v1/leads?q=Asha%20Rao');
    expect(leads.json().data[0]).toMatchObject({ name: 'Asha Rao', source: 'erp' });

    await maria?.query(`INSERT INTO ${SCRATCH}.customers VALUES (4, 'Meera Iyer', 'meera@example.com', 'goa')`);
    const again = await runToEnd(id);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 1, created: 1, cursorFrom: '3', cursorTo: '4' });
    const runs = await t.as('integration@demo.test', 'GET', `/api/v1/extractor/sources/${id}/runs`);
    expect(runs.statusCode, runs.body).toBe(200);
    expect(runs.json().data).toHaveLength(2);
    expectProblem(
      await t.as('integration@demo.test', 'POST', `/api/v1/extractor/sources/${id}/runs`),
      403,
      'forbidden',
    );
  });

  it('fails a run with the database message when the query fails, and the cursor stays', async () => {
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/extractor/sources/${id}`, {
      query: 'SELECT id, full_name, email, city FROM no_such_table',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const run = await runToEnd(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/no_such_table/);
    expect((await source(id)).cursorValue).toBe('4');
  });

  it('fails a run when the database does not answer', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', body({ name: 'Down', port: 1 }));
    const run = await runToEnd(created.json().id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/ECONNREFUSED|connect/i);
    expect((await source(created.json().id)).cursorValue).toBeNull();
  });

  it('runs by itself on its cron schedule, read on the company clock (Asia/Kolkata)', async () => {
    t.clock.set(new Date('2030-05-01T00:00:00Z'));
    const created = await t.as(
      ADMIN,
      'POST',
      '/api/v1/extractor/sources',
      body({ name: 'Nightly', schedule: '30 5 * * *' }),
    );
    expect(created.statusCode, created.body).toBe(201);
    // 05:30 in Kolkata is 00:00 UTC: strictly after now, so the next day.
    expect(created.json().nextRunAt).toBe('2030-05-02T00:00:00.000Z');
    t.clock.set(new Date('2030-05-02T00:00:01Z'));
    await t.runJobs();
    await t.runJobs();
    const runs = (await t.as(ADMIN, 'GET', `/api/v1/extractor/sources/${created.json().id}/runs`)).json().data;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', rowsRead: 4 });
    expect((await source(created.json().id)).nextRunAt).toBe('2030-05-03T00:00:00.000Z');
  });
});

describe('extractor with PostgreSQL as the source', () => {
  it('reads a table of another schema through pg, after the cursor', async () => {
    const url = new URL(t.url);
    const owner = new pg.Client({ connectionString: t.url });
    await owner.connect();
    await owner.query(`CREATE SCHEMA erp_x; CREATE TABLE erp_x.people (id int PRIMARY KEY, name text, mail text);
      INSERT INTO erp_x.people VALUES (1, 'Pg Person One', 'one@example.com'), (2, 'Pg Person Two', 'two@example.com')`);
    await owner.end();
    const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
      name: 'Postgres ERP',
      kind: 'postgres',
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      query: 'SELECT id, name, mail FROM erp_x.people',
      cursorColumn: 'id',
      mapping: [
        { target: 'name', from: 'name' },
        { target: 'emails', from: 'mail' },
      ],
      batchSize: 1,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().hasPassword).toBe(url.password !== '');
    const run = await runToEnd(created.json().id);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', rowsRead: 2, created: 2, cursorTo: '2' });
  });
});

describe('extractor access and input', () => {
  it('refuses bad input naming the field, storing nothing', async () => {
    const before = await countSources();
    for (const [patch, path] of [
      [{ query: 'DELETE FROM customers' }, 'query'],
      [{ query: 'SELECT 1; DROP TABLE customers' }, 'query'],
      [{ mapping: [{ target: 'nonsense', from: 'x' }] }, 'mapping.0.target'],
      [{ mapping: [{ target: 'customFields.nope', from: 'x' }] }, 'mapping.0.target'],
      [{ mapping: [{ target: 'score', from: 'x' }] }, 'mapping.0.target'],
      [{ mapping: [{ target: 'createdBy', from: 'x' }] }, 'mapping.0.target'],
      [{ port: 0 }, 'port'],
      [{ schedule: '61 * * * *' }, 'schedule'],
    ] as const) {
      expectProblem(
        await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', body(patch)),
        400,
        'validation_failed',
        path,
      );
    }
    expect(await countSources()).toBe(before);
  });

  it('answers 403 to a salesperson and 404 to another company on every id route', async () => {
    expectProblem(await t.as(SALES, 'GET', '/api/v1/extractor/sources'), 403, 'forbidden');
    expectProblem(await t.as(SALES, 'POST', '/api/v1/extractor/sources', body()), 403, 'forbidden');
    const id = (await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', body({ name: 'Mine', port: 1 }))).json().id;
    const runId = (await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${id}/runs`)).json().id;
    for (const [method, url, payload] of [
      ['GET', `/api/v1/extractor/sources/${id}`],
      ['PATCH', `/api/v1/extractor/sources/${id}`, { name: 'Theirs' }],
      ['POST', `/api/v1/extractor/sources/${id}/preview`],
      ['POST', `/api/v1/extractor/sources/${id}/runs`],
      ['GET', `/api/v1/extractor/sources/${id}/runs`],
      ['GET', `/api/v1/extractor/runs/${runId}`],
      ['POST', `/api/v1/extractor/runs/${runId}/cancel`],
      ['DELETE', `/api/v1/extractor/sources/${id}`],
    ] as const) {
      expectProblem(await t.as(OTHER, method, url, payload), 404, 'not_found');
    }
    const cancelled = await t.as(ADMIN, 'POST', `/api/v1/extractor/runs/${runId}/cancel`);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await source(id)).name).toBe('Mine');
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/extractor/sources/${id}`)).statusCode).toBe(204);
  });
});
