import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { fetchUrl, readAll } from './extractor.fetch.ts';

/**
 * HTTP JSON API sources against a small API started here: its records are served by page number, by offset,
 * by cursor and by Link header, behind a bearer token, a basic password or a header key. The operator setting
 * lets the extractor reach this loopback server (extractor.ssrf.test.ts covers the refusal).
 */
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const SALES = 'sales1@demo.test';

interface Person {
  id: number;
  name: string;
  email: string;
  updated: string;
}
const people: Person[] = [];
const addPerson = (id: number) =>
  people.push({
    id,
    name: `Api Person ${id}`,
    email: `api${id}@api.example`,
    updated: `2030-01-${String(id).padStart(2, '0')}T10:00:00Z`,
  });
for (let id = 1; id <= 5; id++) addPerson(id);

const seen: { path: string; query: URLSearchParams; headers: IncomingHttpHeaders }[] = [];
let failPage: number | null = null;
let server: Server;
let base: string;

function api(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
  const json = (body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const since = Number(url.searchParams.get('since_id') ?? 0);
  const list = people.filter((p) => p.id > since);
  const size = Number(url.searchParams.get('per_page') ?? url.searchParams.get('limit') ?? 2);
  switch (url.pathname) {
    case '/page': {
      if (req.headers.authorization !== 'Bearer tok-123') return void res.writeHead(401).end('no');
      const page = Number(url.searchParams.get('page') ?? 1);
      if (failPage === page) return void res.writeHead(500).end('the API broke');
      return json({ data: { items: list.slice((page - 1) * size, page * size) } });
    }
    case '/offset': {
      if (req.headers.authorization !== `Basic ${Buffer.from('erp:s3cret').toString('base64')}`) {
        return void res.writeHead(401).end('no');
      }
      const offset = Number(url.searchParams.get('offset') ?? 0);
      return json(list.slice(offset, offset + size));
    }
    case '/cursor': {
      if (req.headers['x-api-key'] !== 'key-9') return void res.writeHead(401).end('no');
      const after = Number(url.searchParams.get('after') ?? 0);
      const page = list.filter((p) => p.id > after).slice(0, 2);
      const last = page.at(-1);
      return json({ results: page, meta: { next: page.length === 2 && last ? String(last.id) : null } });
    }
    case '/link': {
      const page = Number(url.searchParams.get('p') ?? 1);
      const items = list.slice((page - 1) * 2, page * 2);
      const more = page * 2 < list.length;
      return json(
        { items },
        more ? { link: `<${base}/link?p=${page + 1}>; rel="next", <${base}/link?p=1>; rel="first"` } : {},
      );
    }
    case '/broken':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"data": [ {"id": 1,');
    case '/not-a-list':
      return json({ data: { items: 'none' } });
    case '/hop': {
      const n = Number(url.searchParams.get('n') ?? 0);
      res.writeHead(302, { location: `/hop?n=${n + 1}` });
      return void res.end();
    }
    case '/elsewhere': {
      // The same server by another name is another origin: credentials do not follow.
      res.writeHead(302, { location: `${base.replace('127.0.0.1', 'localhost')}/echo` });
      return void res.end();
    }
    case '/echo':
      return json([{ id: 1, name: 'Echo', authorization: req.headers.authorization ?? null }]);
    default:
      res.writeHead(404).end();
  }
}

let t: TestApp;
let companyId: string;

beforeAll(async () => {
  server = createServer(api);
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

const mapping = [
  { target: 'name', from: 'name' },
  { target: 'emails', from: 'email' },
];

async function create(body: Record<string, unknown>) {
  const response = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
    kind: 'http',
    mapping,
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function runToEnd(sourceId: string) {
  const started = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${sourceId}/runs`);
  expect(started.statusCode, started.body).toBe(202);
  await t.runJobs();
  return (await t.as(ADMIN, 'GET', `/api/v1/extractor/runs/${started.json().id}`)).json();
}

const source = async (id: string) => (await t.as(ADMIN, 'GET', `/api/v1/extractor/sources/${id}`)).json();

/** Leads of the API's people, counted in the database: each e-mail once. */
const apiLeads = () =>
  withTenant(t.dbs.app, companyId, async (trx) => {
    const rows = await trx
      .selectFrom('leads')
      .select(sql<string>`unnest(emails)`.as('email'))
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.email).filter((e) => e.endsWith('@api.example'));
  });

describe('an HTTP JSON API source', () => {
  it('reads every page by page number with a bearer token; a second run asks only after the cursor', async () => {
    seen.length = 0;
    const created = await create({
      name: 'Pages',
      url: `${base}/page`,
      auth: { kind: 'bearer', token: 'tok-123' },
      recordsPath: 'data.items',
      pagination: { kind: 'page', param: 'page', sizeParam: 'per_page', size: 2 },
      cursorColumn: 'id',
      cursorParam: 'since_id',
    });
    expect(created).toMatchObject({ kind: 'http', auth: { kind: 'bearer', hasSecret: true }, hasPassword: true });
    expect(JSON.stringify(created)).not.toContain('tok-123');
    const run = await runToEnd(created.id);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', rowsRead: 5, created: 5, cursorTo: '5' });
    expect((await apiLeads()).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `api${i}@api.example`).sort());
    // Pages 1, 2 and 3 (the last one short), each with the token and the page size.
    expect(seen.map((s) => s.query.get('page'))).toEqual(['1', '2', '3']);
    expect(seen.every((s) => s.headers.authorization === 'Bearer tok-123' && s.query.get('per_page') === '2')).toBe(
      true,
    );
    expect(seen[0]?.query.get('since_id')).toBeNull();

    addPerson(6);
    seen.length = 0;
    const again = await runToEnd(created.id);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 1, created: 1, cursorFrom: '5', cursorTo: '6' });
    expect(seen[0]?.query.get('since_id')).toBe('5');
    expect((await apiLeads()).filter((e) => e === 'api6@api.example')).toHaveLength(1);

    // The audit log keeps the source but never the token.
    const audit = await withTenant(t.dbs.app, companyId, (trx) =>
      trx.selectFrom('audit_log').selectAll().where('entity_id', '=', created.id).execute(),
    );
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain('tok-123');
  });

  it('fails a run on a 500 or a body that is not JSON with a clear message; the cursor does not move', async () => {
    addPerson(7);
    addPerson(8);
    addPerson(9);
    const created = await create({
      name: 'Flaky',
      url: `${base}/page`,
      auth: { kind: 'bearer', token: 'tok-123' },
      recordsPath: 'data.items',
      pagination: { kind: 'page', sizeParam: 'per_page', size: 2 },
      cursorColumn: 'id',
    });
    failPage = 3;
    const failed = await runToEnd(created.id);
    failPage = null;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/answered 500: the API broke/);
    expect(failed.error).not.toContain('tok-123');
    expect((await source(created.id)).cursorValue).toBeNull();
    // Run again: everything is read from the start; the records that are leads already are skipped.
    const again = await runToEnd(created.id);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 9, created: 3, skipped: 6, cursorTo: '9' });

    const broken = await create({ name: 'Broken', url: `${base}/broken`, recordsPath: 'data', cursorColumn: 'id' });
    const run = await runToEnd(broken.id);
    expect(run).toMatchObject({ status: 'failed', rowsRead: 0 });
    expect(run.error).toMatch(/did not answer JSON/);
    expect((await source(broken.id)).cursorValue).toBeNull();

    const notList = await create({ name: 'Not a list', url: `${base}/not-a-list`, recordsPath: 'data.items' });
    expect((await runToEnd(notList.id)).error).toMatch(/no list of records at "data.items"/);
  });

  it('pages by offset with basic authentication, the records being the body itself', async () => {
    seen.length = 0;
    const created = await create({
      name: 'Offsets',
      url: `${base}/offset`,
      auth: { kind: 'basic', user: 'erp', password: 's3cret' },
      recordsPath: '$',
      pagination: { kind: 'offset', param: 'offset', sizeParam: 'limit', size: 4 },
      cursorColumn: 'id',
      onDuplicate: 'skip',
    });
    expect(created.auth).toMatchObject({ kind: 'basic', user: 'erp', hasSecret: true });
    const run = await runToEnd(created.id);
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 9, created: 0, skipped: 9, cursorTo: '9' });
    expect(seen.map((s) => s.query.get('offset'))).toEqual(['0', '4', '8']);
  });

  it('follows a next cursor in the body with a header key, filtering by the cursor itself when the API cannot', async () => {
    const created = await create({
      name: 'Cursor',
      url: `${base}/cursor`,
      auth: { kind: 'header', name: 'X-Api-Key', value: 'key-9' },
      recordsPath: 'results',
      pagination: { kind: 'cursor', param: 'after', nextPath: 'meta.next' },
      cursorColumn: 'updated',
      mapping: [
        { target: 'name', from: 'name' },
        { target: 'emails', from: 'email' },
        { target: 'city', constant: 'Cursor City' },
      ],
      onDuplicate: 'merge',
    });
    const run = await runToEnd(created.id);
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 9, updated: 9, cursorTo: '2030-01-09T10:00:00Z' });
    addPerson(10);
    const again = await runToEnd(created.id);
    // The API sends everything again; only the record newer than the cursor is read.
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 1, created: 1, cursorTo: '2030-01-10T10:00:00Z' });
    // Changing the header name without its value keeps the stored value.
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/extractor/sources/${created.id}`, {
      auth: { kind: 'header', name: 'x-api-key' },
      resetCursor: true,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().auth).toEqual({ kind: 'header', user: null, name: 'x-api-key', hasSecret: true });
    expect((await runToEnd(created.id)).status).toBe('succeeded');
  });

  it('follows Link rel="next" headers', async () => {
    const created = await create({
      name: 'Links',
      url: `${base}/link`,
      recordsPath: 'items',
      pagination: { kind: 'link' },
      cursorColumn: 'id',
    });
    const run = await runToEnd(created.id);
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 10, skipped: 10, cursorTo: '10' });
  });

  it('previews the first 50 records mapped, saving nothing', async () => {
    const created = await create({
      name: 'Preview',
      url: `${base}/page`,
      auth: { kind: 'bearer', token: 'tok-123' },
      recordsPath: 'data.items',
      pagination: { kind: 'page', sizeParam: 'per_page', size: 3 },
      cursorColumn: 'id',
      mapping: [
        { target: 'name', from: 'name', transform: 'upper' },
        { target: 'emails', from: 'email' },
      ],
    });
    const before = (await apiLeads()).length;
    const preview = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${created.id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().columns).toEqual(['id', 'name', 'email', 'updated']);
    expect(preview.json().rows).toHaveLength(10);
    expect(preview.json().rows[0].lead).toEqual({ name: 'API PERSON 1', emails: ['api1@api.example'] });
    expect((await apiLeads()).length).toBe(before);
    expect((await source(created.id)).cursorValue).toBeNull();
    expect((await t.as(ADMIN, 'GET', `/api/v1/extractor/sources/${created.id}/runs`)).json().data).toHaveLength(0);
  });

  it('follows at most 5 redirects, and carries no credentials to another origin', async () => {
    await expect(fetchUrl(`${base}/hop`, { headers: {}, allowPrivate: true })).rejects.toThrow(/more than 5 redirects/);
    const answer = await fetchUrl(`${base}/elsewhere`, {
      headers: { authorization: 'Bearer secret' },
      allowPrivate: true,
    });
    expect(JSON.parse((await readAll(answer.body, 10_000)).toString())[0].authorization).toBeNull();
  });
});

describe('HTTP source input and access', () => {
  it('refuses bad input naming the field', async () => {
    const good = { name: 'X', kind: 'http', url: `${base}/page`, recordsPath: 'data', mapping };
    for (const [patch, path] of [
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'http://user:pw@example.com/x' }, 'url'],
      [{ url: undefined }, 'url'],
      [{ recordsPath: undefined }, 'recordsPath'],
      [{ pagination: { kind: 'pages' } }, 'pagination.kind'],
      [{ pagination: { kind: 'cursor' } }, 'pagination.nextPath'],
      [{ auth: { kind: 'bearer' } }, 'auth.token'],
      [{ auth: { kind: 'header', value: 'v' } }, 'auth.name'],
      [{ auth: { kind: 'oauth' } }, 'auth.kind'],
      [{ mapping: [{ target: 'nonsense', from: 'x' }] }, 'mapping.0.target'],
    ] as const) {
      expectProblem(
        await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', { ...good, ...patch }),
        400,
        'validation_failed',
        path,
      );
    }
  });

  it('answers 404 to another company and 403 to a salesperson', async () => {
    const created = await create({ name: 'Mine', url: `${base}/link`, recordsPath: 'items' });
    for (const [method, url, payload] of [
      ['GET', `/api/v1/extractor/sources/${created.id}`],
      ['PATCH', `/api/v1/extractor/sources/${created.id}`, { url: `${base}/page` }],
      ['POST', `/api/v1/extractor/sources/${created.id}/preview`],
      ['POST', `/api/v1/extractor/sources/${created.id}/runs`],
      ['DELETE', `/api/v1/extractor/sources/${created.id}`],
    ] as const) {
      expectProblem(await t.as(OTHER, method, url, payload), 404, 'not_found');
      expectProblem(await t.as(SALES, method, url, payload), 403, 'forbidden');
    }
    expect((await source(created.id)).url).toBe(`${base}/link`);
  });
});
