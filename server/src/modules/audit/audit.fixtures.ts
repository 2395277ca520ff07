import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Shared by audit.test.ts: its app and Demo Co's ids, and helpers to write, read and snapshot the audit log. */

export let t: TestApp;
let demoCompanyId: string;
export let otherCompanyId: string;
export const ids: Record<string, string> = {};
export const ADMIN = 'admin@demo.test';
export const OTHER = 'admin@other.test';
export const PASSWORD = 'correct-horse-battery-staple';

export interface Entry {
  id: string;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorName: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  requestId: string | null;
  ip: string | null;
}

/** A request with headers of our choosing (the harness's `as` sends none). */
export async function send(
  who: string | null,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const auth: Record<string, string> = who
    ? { authorization: `Bearer ${who.includes('@') ? await t.token(who) : who}` }
    : {};
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...auth, ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

export async function audit(query = '', who = ADMIN): Promise<Entry[]> {
  const response = await t.as(who, 'GET', `/api/v1/audit?limit=200${query ? `&${query}` : ''}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as Entry[];
}

export async function walk(query: string, limit: number): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 500; i++) {
    const url = `/api/v1/audit?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await t.as(ADMIN, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { data: Entry[]; nextCursor: string | null };
    all.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) return all;
    expect(body.data).toHaveLength(limit);
  }
  throw new Error('audit pagination did not end');
}

/** Demo Co's users, audit rows and company row, straight from the database. */
export async function state(companyId = demoCompanyId): Promise<string> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const users =
      await sql`SELECT id, email, name, role, manager_id, active, password_hash, updated_at FROM users ORDER BY id`.execute(
        trx,
      );
    const rows = await sql`SELECT id FROM audit_log ORDER BY id`.execute(trx);
    const company = await sql`SELECT * FROM companies`.execute(trx);
    const keys = await sql`SELECT id, revoked_at FROM api_keys ORDER BY id`.execute(trx);
    return JSON.stringify({ users: users.rows, audit: rows.rows, company: company.rows, keys: keys.rows });
  });
}

export async function rawAudit(companyId = demoCompanyId): Promise<unknown[]> {
  return withTenant(t.dbs.app, companyId, async (trx) => (await sql`SELECT * FROM audit_log`.execute(trx)).rows);
}

let counter = 0;
export function newUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `audited${counter}.${Date.now().toString(36)}@demo.test`,
    name: `Audited Person ${counter}`,
    role: 'GUEST',
    password: PASSWORD,
    ...overrides,
  };
}

/** A fresh copy of the demo-seeded database and an app on it for this test file, and the ids the tests use. */
export function setupAuditApp() {
  beforeAll(async () => {
    t = await createTestApp();
    for (const key of ['admin', 'manager1', 'sales1', 'warrior1', 'dev'])
      ids[key] = await userId(t, `${key}@demo.test`);
    ids.other = await userId(t, OTHER);
    demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
    otherCompanyId = (await t.as(OTHER, 'GET', '/api/v1/auth/me')).json().company.id;
  });
  afterAll(() => t.close());
}

export function d(key: string) {
  return `${key}@demo.test`;
}

export { expectProblem };
