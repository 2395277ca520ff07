import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { demoLogins } from '../../composition/demo-seed.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Shared by the users test files (users.*.test.ts): each calls `setupUsersApp()` for an app on a database of its
 * own, then uses these helpers.
 */

export let t: TestApp;
const ids: Record<string, string> = {};
export let demoCompanyId: string;
export let otherAdminId: string;
export const PASSWORD = 'correct-horse-battery-staple';
export const ADMIN = 'admin@demo.test';
export const OTHER = 'admin@other.test';
export const d = (key: string) => `${key}@demo.test`;
export const id = (key: string) => {
  const value = ids[key];
  if (!value) throw new Error(`no id for ${key}`);
  return value;
};

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  managerId: string | null;
  managerName: string | null;
  partnerId: string | null;
  partnerName: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

let counter = 0;
export function newUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `person${counter}.${Date.now().toString(36)}@demo.test`,
    name: `Test Person ${counter}`,
    role: 'GUEST',
    password: PASSWORD,
    ...overrides,
  };
}

export async function create(who: string, overrides: Record<string, unknown> = {}): Promise<User> {
  const response = await t.as(who, 'POST', '/api/v1/users', newUser(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as User;
}

export async function get(userIdValue: string): Promise<User> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/users/${userIdValue}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as User;
}

/** Everything about Demo Co's users that a write could change, straight from the database. */
export async function usersState(): Promise<string> {
  return withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const rows = await sql`SELECT id, email, name, role, manager_id, partner_id, active, deactivated_at, password_hash,
      updated_at FROM users ORDER BY id`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ rows: rows.rows, audit: audit.rows });
  });
}

export async function listAll(who: string, query = '', limit = 200): Promise<User[]> {
  const all: User[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = query ? '&' : '';
    const url = `/api/v1/users?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await t.as(who, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { data: User[]; nextCursor: string | null };
    expect(body.data.length).toBeLessThanOrEqual(limit);
    all.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) return all;
    expect(body.data.length).toBe(limit);
  }
  throw new Error('pagination did not end');
}

export const byName = (a: User, b: User) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** A fresh copy of the demo-seeded database and an app on it for this test file, and the demo users' ids. */
export function setupUsersApp() {
  beforeAll(async () => {
    t = await createTestApp();
    for (const key of demoLogins.filter((e) => e.endsWith('@demo.test')).map((e) => e.split('@')[0] ?? '')) {
      ids[key] = await userId(t, d(key));
    }
    otherAdminId = await userId(t, OTHER);
    demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  });
  afterAll(() => t.close());
}

export { expectProblem };
