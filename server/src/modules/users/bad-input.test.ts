import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { routes } from './bad-input.cases.ts';
import { ADMIN, type Case, generatedCases, ids, PASSWORD, type Route } from './bad-input.fixtures.ts';

/**
 * Malformed input to every write route of users, company, API keys and auth: each answer is a 400 (or a 422
 * where the rule is semantic) in application/problem+json with a code and the offending field's path, no stack
 * trace, and the database is exactly as it was.
 */

let t: TestApp;
let demoCompanyId: string;

const STACK = /\bat .*\.(ts|js):\d+|\.ts:\d+:\d+|node_modules|\/work\//;

/**
 * Every row a write of these routes could touch, straight from the database. `withThrottle: false` leaves out
 * the sign-in throttle counters, which a wrong password guess is meant to move.
 */
async function snapshot(withThrottle = true): Promise<string> {
  const tenant = await withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const q = async (text: string) => (await sql.raw(text).execute(trx)).rows;
    return {
      users: await q(
        'SELECT id, email, name, role, manager_id, active, deactivated_at, password_hash, password_changed_at, updated_at FROM users ORDER BY id',
      ),
      audit: await q('SELECT id FROM audit_log ORDER BY id'),
      company: await q('SELECT * FROM companies'),
      keys: await q('SELECT id, name, revoked_at FROM api_keys ORDER BY id'),
      sessions: await q('SELECT id, revoked_at, last_used_at FROM auth_sessions ORDER BY id'),
      refresh: await q('SELECT id, used_at FROM refresh_tokens ORDER BY id'),
      events: await q('SELECT id FROM auth_events ORDER BY id'),
    };
  });
  const directory = (await sql`SELECT email, user_id FROM user_directory ORDER BY email`.execute(t.dbs.app)).rows;
  const throttle = withThrottle ? (await sql`SELECT * FROM login_throttle ORDER BY key`.execute(t.dbs.app)).rows : null;
  return JSON.stringify({ ...tenant, directory, throttle });
}

/**
 * Public routes allow 60 requests a minute per client address; each public route's cases come from an address
 * of their own (TEST-NET-3) so the table stays clear of that limit.
 */
const addressOf = (label: string) => `203.0.113.${routes.findIndex((r) => r.label === label) + 10}`;

async function send(route: Route, c: Case): Promise<LightMyRequestResponse> {
  const who = route.who();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) headers.authorization = `Bearer ${await t.token(who)}`;
  return t.app.inject({
    method: route.method,
    url: route.url(),
    headers,
    remoteAddress: addressOf(route.label),
    payload: c.raw !== undefined ? c.raw : JSON.stringify(c.body),
  });
}

function expectCleanProblem(response: LightMyRequestResponse, status: number, code: string, label: string) {
  expect(response.statusCode, `${label}: ${response.body}`).toBe(status);
  expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body, label).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(body.requestId, label).toBe(response.headers['x-request-id']);
  expect(response.body, label).not.toMatch(STACK);
  expect(body).not.toHaveProperty('stack');
  return body as { errors?: { path: string; message: string }[] };
}

beforeAll(async () => {
  t = await createTestApp();
  for (const key of ['admin', 'manager1', 'sales1', 'warrior1']) ids[key] = await userId(t, `${key}@demo.test`);
  ids.other = await userId(t, 'admin@other.test');
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  // Sign in up front: a sign-in is itself a write, and must not fall inside a before/after comparison.
  for (const who of [ADMIN, 'dev@demo.test', 'warrior2@demo.test']) await t.token(who);
});
afterAll(() => t.close());

describe('every write route refuses malformed input and changes nothing', () => {
  for (const route of routes) {
    describe(route.label, () => {
      // Cases are built lazily (ids are known only after beforeAll): one test per route runs them all.
      it('answers each malformed body with a problem naming the field, and the database is unchanged', async () => {
        const cases = generatedCases(route);
        expect(cases.length).toBeGreaterThan(10);
        const failures: string[] = [];
        for (const c of cases) {
          const label = `${route.label} — ${c.name}`;
          const before = await snapshot(!c.guess);
          const response = await send(route, c);
          try {
            const body = expectCleanProblem(response, c.status, c.code, label);
            if (c.paths) {
              const paths = (body.errors ?? []).map((e) => e.path);
              for (const path of c.paths) expect(paths, `${label}: ${response.body}`).toContain(path);
              for (const e of body.errors ?? []) expect(e.message.length, label).toBeGreaterThan(0);
            }
            expect(await snapshot(!c.guess), `${label}: the database changed`).toBe(before);
          } catch (error) {
            failures.push((error as Error).message.split('\n')[0] as string);
          }
        }
        expect(failures).toEqual([]);
      });
    });
  }

  it('the valid bodies really are valid (so each case fails for the one thing it breaks)', async () => {
    // Sent to the routes where that changes nothing lasting, or nothing at all.
    const company = await t.as(ADMIN, 'PATCH', '/api/v1/company', routes[3]?.valid());
    expect(company.statusCode, company.body).toBe(200);
    const patch = await t.as(ADMIN, 'PATCH', `/api/v1/users/${ids.warrior1}`, routes[1]?.valid());
    expect(patch.statusCode, patch.body).toBe(200);
    const created = await t.as(ADMIN, 'POST', '/api/v1/users', routes[0]?.valid());
    expect(created.statusCode, created.body).toBe(201);
    const key = await t.as('dev@demo.test', 'POST', '/api/v1/api-keys', routes[4]?.valid());
    expect(key.statusCode, key.body).toBe(201);
    const login = await t.login('warrior3@demo.test');
    expect(login.statusCode, login.body).toBe(200);
  });
});

describe('transport-level problems', () => {
  it('refuses a body over 1 MiB with 413 payload_too_large, changing nothing', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({
      email: 'huge@demo.test',
      name: 'x'.repeat(1024 * 1024 + 10),
      role: 'GUEST',
      password: PASSWORD,
    });
    for (const [who, method, url] of [
      [ADMIN, 'POST', '/api/v1/users'],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.warrior1}`],
      [ADMIN, 'PATCH', '/api/v1/company'],
      [null, 'POST', '/api/v1/auth/login'],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        headers: {
          'content-type': 'application/json',
          ...(who ? { authorization: `Bearer ${await t.token(who)}` } : {}),
        },
        payload: huge,
      });
      expectCleanProblem(response, 413, 'payload_too_large', `${method} ${url}`);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses a body that is not JSON with 415 unsupported_media_type, changing nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const contentType of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      for (const [who, method, url, body] of [
        [
          ADMIN,
          'POST',
          '/api/v1/users',
          { email: 'plain@demo.test', name: 'Plain', role: 'GUEST', password: PASSWORD },
        ],
        [ADMIN, 'PATCH', '/api/v1/company', { name: 'Plain Co' }],
        [null, 'POST', '/api/v1/auth/login', { email: 'warrior3@demo.test', password: 'demo-password' }],
      ] as const) {
        const response = await t.app.inject({
          method,
          url,
          headers: {
            'content-type': contentType,
            ...(who ? { authorization: `Bearer ${await t.token(who)}` } : {}),
          },
          payload: JSON.stringify(body),
        });
        try {
          expectCleanProblem(response, 415, 'unsupported_media_type', `${contentType} ${method} ${url}`);
        } catch (error) {
          failures.push((error as Error).message.split('\n')[0] as string);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('answers an unknown route with 404 route_not_found, signed in or not', async () => {
    for (const [who, method, url] of [
      [null, 'GET', '/api/v1/nothing-here'],
      [ADMIN, 'GET', '/api/v1/nothing-here'],
      [ADMIN, 'POST', '/api/v1/users/bulk/import'],
      [ADMIN, 'DELETE', `/api/v1/users/${ids.warrior1}`],
      [ADMIN, 'DELETE', '/api/v1/company'],
      [ADMIN, 'PUT', '/api/v1/company'],
      [null, 'GET', '/api/v2/users'],
    ] as const) {
      const response = await t.as(who, method, url);
      const body = expectCleanProblem(response, 404, 'route_not_found', `${method} ${url}`) as { detail?: string };
      expect(body.detail ?? '').not.toMatch(/<script/i);
    }
  });

  const junkUrls = [
    '/api/v1/users/%E0%A4%A',
    '/api/v1/users/..%2F..%2Fetc%2Fpasswd',
    `/api/v1/users/${'9'.repeat(5000)}`,
    '/api/v1/users?limit=1e400',
    '/api/v1/users?q[$ne]=x',
    '/api/v1/audit?from=%00',
  ];

  it('never leaks a stack trace, even for a path full of junk', async () => {
    for (const url of junkUrls) {
      const response = await t.as(ADMIN, 'GET', url);
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
      expect(response.body, url).not.toMatch(STACK);
      expect(response.body, url).not.toMatch(/"stack"/);
    }
  });

  it('answers a path full of junk as application/problem+json like every other error', async () => {
    const failures: string[] = [];
    for (const url of junkUrls) {
      const response = await t.as(ADMIN, 'GET', url);
      const label = `GET ${url.slice(0, 40)} -> ${response.statusCode} ${response.headers['content-type']}: ${response.body.slice(0, 120)}`;
      try {
        expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        expect(response.json(), label).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0] as string);
      }
    }
    expect(failures).toEqual([]);
  });
});
