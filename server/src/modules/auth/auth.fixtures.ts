import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { DEMO_PASSWORD } from '../../composition/demo-seed.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Shared by the auth test files (login, tokens, refresh, sessions), which cover sign-in, tokens, refresh rotation,
 * logout, sessions, password change and the auth event trail; each calls `setupAuthApp()` for an app on a database
 * of its own. Every sign-in here is fresh (never the harness's cached tokens), so tests that end sessions or move
 * the clock cannot disturb one another.
 */

export let t: TestApp;

/** A fresh copy of the demo-seeded database and an app on it for this test file. */
export function setupAuthApp() {
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
}

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; role: string; active: boolean };
}

// Each sign-in comes from its own address, so the per-address login limits never get in the way.
let addressCounter = 0;
export const nextAddress = () => {
  addressCounter += 1;
  return `10.20.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

export function login(email: string, password = DEMO_PASSWORD, options: { ip?: string; userAgent?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: options.ip ?? nextAddress(),
    headers: options.userAgent ? { 'user-agent': options.userAgent } : {},
  });
}

export async function signIn(email: string, options: { password?: string; ip?: string; userAgent?: string } = {}) {
  const response = await login(email, options.password ?? DEMO_PASSWORD, options);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as LoginResult;
}

export function refresh(refreshToken: string, ip = nextAddress()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken }, remoteAddress: ip });
}

export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function me(token: string) {
  return t.as(token, 'GET', '/api/v1/auth/me');
}

export async function companyIdOf(token: string): Promise<string> {
  const response = await me(token);
  expect(response.statusCode).toBe(200);
  return response.json().company.id as string;
}

export async function authEvents(companyId: string, userId: string) {
  return withTenant(t.dbs.app, companyId, (trx) =>
    trx
      .selectFrom('auth_events')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute(),
  );
}

export async function deactivate(userIdToDeactivate: string) {
  const admin = await signIn('admin@demo.test');
  const response = await t.as(admin.accessToken, 'POST', `/api/v1/users/${userIdToDeactivate}/deactivate`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().active).toBe(false);
}

export { expectProblem };
