import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
let doc: {
  paths: Record<
    string,
    Record<string, { security?: unknown[]; 'x-permission'?: string; responses: Record<string, unknown> }>
  >;
};
const methods = ['get', 'post', 'put', 'patch', 'delete'];
const sampleId = '01900000-0000-7000-8000-000000000000';
// Failed authentications are limited per address: each probe below comes from an address of its own.
let probes = 0;
const nextAddress = () => `10.250.${Math.floor(++probes / 250)}.${(probes % 250) + 1}`;

beforeAll(async () => {
  // The walks below send several hundred requests as one admin: no per-user limit in the way.
  t = await createTestApp({ rateLimitPerMinute: 1_000_000 });
  doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
});
afterAll(() => t.close());

function operations() {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists the foundation routes', () => {
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/audit',
      '/api/v1/roles',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('gives every API route a permission and a security requirement, and documents its problems', () => {
    const api = operations().filter((o) => o.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(15);
    for (const { path, method, op } of api) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op['x-permission'], where).toBeTruthy();
      if (op['x-permission'] === 'public') expect(op.security, where).toEqual([]);
      else expect(op.security, where).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op.responses), where).toContain('4XX');
    }
  });

  it('answers 401 problem+json on every non-public route when no credentials are sent', async () => {
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/api/v1/') || op['x-permission'] === 'public') continue;
      const url = path.replace(/\{[^}]+\}/g, sampleId);
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        payload: method === 'get' || method === 'delete' ? undefined : {},
        remoteAddress: nextAddress(),
      });
      expect(response.statusCode, `${method.toUpperCase()} ${path}`).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('unauthenticated');
    }
  });

  it('answers 401 with a garbage bearer token on every non-public route', async () => {
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/api/v1/') || op['x-permission'] === 'public') continue;
      const url = path.replace(/\{[^}]+\}/g, sampleId);
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: { authorization: 'Bearer not-a-token' },
        remoteAddress: nextAddress(),
      });
      expect(response.statusCode, `${method.toUpperCase()} ${path}`).toBe(401);
    }
  });

  it('serves an interactive reference at /api/docs', async () => {
    const response = await t.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});

/** The parts of the OpenAPI document the walks below read. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  patternProperties?: Record<string, Schema>;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  required?: string[];
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  description?: string;
}
interface Parameter {
  in: 'query' | 'path' | 'header';
  name: string;
  schema?: Schema;
  description?: string;
}
interface Operation {
  'x-permission'?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

function operationsWithInput() {
  const paths = doc.paths as unknown as Record<string, Record<string, Operation>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

function resolve(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  const components = (doc as unknown as { components?: { schemas?: Record<string, Schema> } }).components;
  for (let i = 0; current?.$ref && i < 10; i++) current = components?.schemas?.[current.$ref.split('/').at(-1) ?? ''];
  return current;
}

const typesOf = (schema: Schema) => (Array.isArray(schema.type) ? schema.type : [schema.type]);

/** Every place in a body schema that takes a string, as path segments (`0` for an array item, `k` for a map). */
function stringPaths(schema: Schema | undefined, path: string[] = [], depth = 0, found = new Map<string, string[]>()) {
  const s = resolve(schema);
  if (!s || depth > 6) return found;
  if (typesOf(s).includes('string')) found.set(path.join('.'), path);
  for (const [name, property] of Object.entries(s.properties ?? {}))
    stringPaths(property, [...path, name], depth + 1, found);
  if (s.items) stringPaths(s.items, [...path, '0'], depth + 1, found);
  if (typeof s.additionalProperties === 'object') stringPaths(s.additionalProperties, [...path, 'k'], depth + 1, found);
  for (const value of Object.values(s.patternProperties ?? {})) stringPaths(value, [...path, 'k'], depth + 1, found);
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])])
    stringPaths(branch, path, depth + 1, found);
  return found;
}

/** The route's URL with a valid value for each path parameter (a UUID, or a key), but `except`. */
function fill(path: string, op: Operation, except?: string): string {
  return path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    if (name === except) return whole;
    const schema = resolve(op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema);
    return (schema as { format?: string } | undefined)?.format === 'uuid' ? sampleId : 'sample_key';
  });
}

/** A body holding `value` at `path` and nothing else: `['tags', '0']` is `{tags: [value]}`. */
function bodyAt(path: string[], value: string): unknown {
  return path.reduceRight<unknown>((inner, segment) => (segment === '0' ? [inner] : { [segment]: inner }), value);
}

/** Text no field accepts: a NUL character (PostgreSQL cannot store it) and a UTF-16 surrogate without its pair. */
const malformed = ['before\u0000after', 'before\ud800after'];

describe('malformed text (NUL, unpaired surrogates) on every route', () => {
  const send = async (
    op: Operation,
    method: string,
    url: string,
    extra: { payload?: unknown; headers?: Record<string, string> },
  ) => {
    const headers: Record<string, string> = { ...extra.headers };
    if (op['x-permission'] !== 'public') headers.authorization = `Bearer ${await t.token('admin@demo.test')}`;
    return t.app.inject({
      method: method.toUpperCase() as 'POST',
      url,
      headers,
      remoteAddress: nextAddress(),
      ...(extra.payload === undefined ? {} : { payload: extra.payload as object }),
    });
  };
  const check = (
    failures: string[],
    where: string,
    response: { statusCode: number; headers: Record<string, unknown>; body: string },
    field: string,
  ) => {
    type Problem = { code?: string; errors?: { path: string }[] };
    // A batch (POST /leads/bulk) answers each item on its own: the bad item is its own 400 in the results.
    const item = batchItem(response);
    const body = item ?? (response.statusCode === 400 ? (JSON.parse(response.body) as Problem) : null);
    const paths = body?.errors?.map((e) => e.path) ?? [];
    const problem = item || String(response.headers['content-type']).startsWith('application/problem+json');
    if (
      (!item && response.statusCode !== 400) ||
      !problem ||
      body?.code !== 'validation_failed' ||
      !paths.includes(field)
    ) {
      failures.push(`${where} ${field}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    }
  };

  const batchItem = (response: { statusCode: number; body: string }) => {
    if (response.statusCode !== 200) return null;
    type ItemResult = { status: number; error?: { code?: string; errors?: { path: string }[] } };
    const result = (JSON.parse(response.body) as { results?: ItemResult[] }).results?.[0];
    return result?.status === 400 ? (result.error ?? null) : null;
  };

  it("answers 400 naming the field for each string field of every write route's body", async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const { path, method, op } of operationsWithInput()) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!path.startsWith('/api/v1/') || !schema) continue;
      const url = fill(path, op);
      for (const segments of stringPaths(schema).values()) {
        if (segments.length === 0) continue;
        const value = malformed[sent++ % malformed.length] as string;
        const response = await send(op, method, url, { payload: bodyAt(segments, value) });
        check(failures, `${method.toUpperCase()} ${path}`, response, segments.join('.'));
      }
    }
    expect(sent).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  });

  it('answers 400 naming the parameter for each string in a query string, a path or a header', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const { path, method, op } of operationsWithInput()) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const parameter of op.parameters ?? []) {
        const schema = resolve(parameter.schema);
        if (!schema || !(typesOf(schema).includes('string') || resolve(schema.items)?.type === 'string')) continue;
        sent++;
        let url = fill(path, op);
        const headers: Record<string, string> = {};
        if (parameter.in === 'query') url += `?${encodeURIComponent(parameter.name)}=a%00b`;
        else if (parameter.in === 'path') url = fill(path, op, parameter.name).replace(`{${parameter.name}}`, 'a%00b');
        else headers[parameter.name] = 'a\u0000b';
        const payload = method === 'get' || method === 'delete' || !op.requestBody ? undefined : {};
        const response = await send(op, method, url, { headers, payload });
        // Headers are named as they are written: Idempotency-Key.
        const field =
          parameter.in === 'header'
            ? parameter.name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
            : parameter.name;
        check(failures, `${method.toUpperCase()} ${path} (${parameter.in})`, response, field);
      }
    }
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});

describe('the limits the server enforces, as the document states them', () => {
  const operation = (path: string, method: string) => {
    const found = operationsWithInput().find((o) => o.path === path && o.method === method);
    if (!found) throw new Error(`no ${method} ${path}`);
    return found.op;
  };
  const jsonBody = (path: string, method: string) =>
    resolve(operation(path, method).requestBody?.content['application/json']?.schema) ?? {};

  it('gives the Idempotency-Key format', async () => {
    for (const path of ['/api/v1/leads', '/api/v1/leads/bulk']) {
      const header = operation(path, 'post').parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
      expect(header?.schema, path).toMatchObject({ minLength: 1, maxLength: 200, pattern: '^[!-~]{1,200}$' });
    }
    // The server holds to it: a key with a space is a 400 naming the header.
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { authorization: `Bearer ${await t.token('admin@demo.test')}`, 'idempotency-key': 'has a space' },
      payload: { name: 'Keyed' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('Idempotency-Key');
  });

  it('gives the cursor format on every list that takes one', () => {
    const cursors = operationsWithInput().flatMap(({ path, op }) =>
      (op.parameters ?? []).filter((p) => p.in === 'query' && p.name === 'cursor').map((p) => ({ path, p })),
    );
    expect(cursors.length).toBeGreaterThan(10);
    for (const { path, p } of cursors) {
      expect(p.schema, path).toMatchObject({ pattern: '^[A-Za-z0-9_-]*$', maxLength: expect.any(Number) });
      expect(p.description ?? p.schema?.description ?? '', path).toMatch(/nextCursor/);
    }
  });

  it('says a bulk action takes exactly one of ids and filter, and the server holds to it', async () => {
    const body = jsonBody('/api/v1/leads/bulk-actions', 'post');
    expect(body.oneOf).toEqual([{ required: ['ids'] }, { required: ['filter'] }]);
    for (const payload of [{ action: 'delete' }, { action: 'delete', ids: [sampleId], filter: { stage: 'new' } }]) {
      const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads/bulk-actions', payload);
      expect(response.statusCode).toBe(400);
      const paths = response.json().errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['ids', 'filter']));
    }
  });

  it('says an assignment preview takes a draft rule or a ruleId, never both', async () => {
    const body = jsonBody('/api/v1/assignment-rules/test', 'post');
    expect(body.not).toEqual({ required: ['rule', 'ruleId'] });
    expect(body.description).toMatch(/never both/);
  });
});
