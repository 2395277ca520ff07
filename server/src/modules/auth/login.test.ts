import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../composition/demo-seed.ts';
import { roleMatrix } from '../users/roles.ts';
import {
  claimsOf,
  deactivate,
  expectProblem,
  type LoginResult,
  login,
  me,
  nextAddress,
  refresh,
  setupAuthApp,
  signIn,
  t,
} from './auth.fixtures.ts';

/** Sign-in, /auth/me, and the request-id conventions every answer follows. Every sign-in is fresh. */

setupAuthApp();

describe('POST /auth/login', () => {
  it('returns an access token, a one-time refresh token, expiresIn 900 and the user', async () => {
    const response = await login('admin@demo.test');
    expect(response.statusCode).toBe(200);
    const body = response.json() as LoginResult;
    expect(body.expiresIn).toBe(900);
    expect(body.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]+$/);
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(body.user).toMatchObject({ email: 'admin@demo.test', role: 'ADMIN', active: true });
    // Nothing about the password travels back.
    expect(response.body.toLowerCase()).not.toContain('password');
    expect(response.body.toLowerCase()).not.toContain('hash');

    const header = JSON.parse(Buffer.from(body.accessToken.split('.')[0] ?? '', 'base64url').toString());
    expect(header.alg).toBe('HS256');
    const claims = claimsOf(body.accessToken);
    const company = (await me(body.accessToken)).json().company;
    expect(claims).toMatchObject({ sub: body.user.id, cid: company.id, iss: 'iperform', aud: 'iperform-api' });
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it('answers a wrong password and an unknown email with the same 401 invalid_credentials', async () => {
    const wrongPassword = await login('manager1@demo.test', 'not-the-password');
    const unknownEmail = await login('nobody-here@demo.test', DEMO_PASSWORD);
    expectProblem(wrongPassword, 401, 'invalid_credentials');
    expectProblem(unknownEmail, 401, 'invalid_credentials');
    const a = wrongPassword.json();
    const b = unknownEmail.json();
    expect(a.title).toBe(b.title);
    expect(a.detail).toBe(b.detail);
    expect(a.type).toBe(b.type);
    expect(a.status).toBe(b.status);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  });

  it('refuses a deactivated user with invalid_credentials, even with the right password', async () => {
    const warrior = await signIn('warrior6@demo.test');
    await deactivate(warrior.user.id);
    const refused = await login('warrior6@demo.test');
    expectProblem(refused, 401, 'invalid_credentials');
    const wrongPassword = await login('warrior5@demo.test', 'not-the-password');
    expect(refused.json().title).toBe(wrongPassword.json().title);
    expect(refused.json().detail).toBe(wrongPassword.json().detail);
    // What the user held before is dead too.
    expectProblem(await me(warrior.accessToken), 401, 'invalid_token');
    expect((await refresh(warrior.refreshToken)).statusCode).toBe(401);
  });

  it('rejects unknown body fields with 400 validation_failed naming the field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@demo.test', password: DEMO_PASSWORD, rememberMe: true },
      remoteAddress: nextAddress(),
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().errors).toContainEqual({ path: 'rememberMe', message: expect.any(String) });
  });

  it('rejects a body without a password with 400 validation_failed on password', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@demo.test' },
      remoteAddress: nextAddress(),
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().errors).toContainEqual({ path: 'password', message: expect.any(String) });
  });
});

describe('GET /auth/me', () => {
  it('describes the user, the company, its permissions and how it authenticated', async () => {
    const admin = await signIn('admin@demo.test');
    const response = await me(admin.accessToken);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ id: admin.user.id, email: 'admin@demo.test', role: 'ADMIN' });
    expect(body.company).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Demo Co',
      slug: 'demo',
      timezone: 'Asia/Kolkata',
      currency: 'INR',
      locale: 'en-IN',
      phoneCountry: 'IN',
    });
    expect([...body.permissions].sort()).toEqual([...roleMatrix.ADMIN.permissions].sort());
    expect(body.authenticatedWith).toBe('session');
  });

  it("lists only the caller's own role's permissions", async () => {
    const sales = await signIn('sales1@demo.test');
    const body = (await me(sales.accessToken)).json();
    expect(body.user.role).toBe('SALESPERSON');
    expect([...body.permissions].sort()).toEqual([...roleMatrix.SALESPERSON.permissions].sort());
    expect(body.permissions).not.toContain('users:manage');
    expect(body.permissions).not.toContain('api-keys:manage');
  });

  it('shows Other Co its own company, not Demo Co', async () => {
    const other = await signIn('admin@other.test');
    const body = (await me(other.accessToken)).json();
    expect(body.company).toMatchObject({ name: 'Other Co', slug: 'other', currency: 'USD' });
  });
});

describe('API conventions', () => {
  it('puts X-Request-Id on every response, and the same id in problem bodies', async () => {
    const responses = [
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await login('admin@demo.test'),
      await login('admin@demo.test', 'not-the-password'),
      await t.as(null, 'GET', '/api/v1/auth/me'),
      await t.as(null, 'GET', '/api/v1/no-such-route'),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": ',
        remoteAddress: nextAddress(),
      }),
    ];
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toEqual(expect.stringMatching(/^\S+$/));
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of responses.filter((r) => r.statusCode >= 400)) {
      expect(r.json().requestId).toBe(r.headers['x-request-id']);
    }
  });

  it('echoes a well-formed incoming X-Request-Id', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-123.abc' },
    });
    expect(response.headers['x-request-id']).toBe('trace-123.abc');
  });
});
