import type { LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, JWT_SECRET, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../companies/demo-seed.ts';
import { roleMatrix } from '../users/roles.ts';

/**
 * Sign-in, tokens, refresh rotation, logout, sessions, password change and the auth event trail.
 * Every sign-in here is fresh (never the harness's cached tokens), so tests that end sessions or move
 * the clock cannot disturb one another.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; role: string; active: boolean };
}

// Each sign-in comes from its own address, so the per-address login limits never get in the way.
let addressCounter = 0;
const nextAddress = () => {
  addressCounter += 1;
  return `10.20.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

function login(email: string, password = DEMO_PASSWORD, options: { ip?: string; userAgent?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: options.ip ?? nextAddress(),
    headers: options.userAgent ? { 'user-agent': options.userAgent } : {},
  });
}

async function signIn(email: string, options: { password?: string; ip?: string; userAgent?: string } = {}) {
  const response = await login(email, options.password ?? DEMO_PASSWORD, options);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as LoginResult;
}

function refresh(refreshToken: string, ip = nextAddress()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken }, remoteAddress: ip });
}

function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function me(token: string) {
  return t.as(token, 'GET', '/api/v1/auth/me');
}

async function companyIdOf(token: string): Promise<string> {
  const response = await me(token);
  expect(response.statusCode).toBe(200);
  return response.json().company.id as string;
}

async function authEvents(companyId: string, userId: string) {
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

async function deactivate(userIdToDeactivate: string) {
  const admin = await signIn('admin@demo.test');
  const response = await t.as(admin.accessToken, 'POST', `/api/v1/users/${userIdToDeactivate}/deactivate`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().active).toBe(false);
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(response.json().code).toBe(code);
}

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

describe('access tokens', () => {
  it('answers a request without Authorization with 401 unauthenticated', async () => {
    expectProblem(await t.as(null, 'GET', '/api/v1/auth/me'), 401, 'unauthenticated');
    const basic = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: 'Basic YWRtaW5AZGVtby50ZXN0OmRlbW8tcGFzc3dvcmQ=' },
    });
    expectProblem(basic, 401, 'unauthenticated');
  });

  it('rejects a token that is not a JWT with 401 invalid_token', async () => {
    expectProblem(await me('not-a-token'), 401, 'invalid_token');
  });

  it('stops accepting an access token once it has expired (15 minutes)', async () => {
    const session = await signIn('sales2@demo.test');
    t.clock.advance(14 * 60_000);
    expect((await me(session.accessToken)).statusCode).toBe(200);
    t.clock.advance(2 * 60_000);
    expectProblem(await me(session.accessToken), 401, 'invalid_token');
    // The session itself lives on: its refresh token still yields a working token.
    const renewed = await refresh(session.refreshToken);
    expect(renewed.statusCode).toBe(200);
    expect((await me(renewed.json().accessToken)).statusCode).toBe(200);
  });

  it("refuses alg 'none' even with otherwise valid claims", async () => {
    const session = await signIn('manager1@demo.test');
    const claims = claimsOf(session.accessToken);
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expectProblem(await me(unsigned), 401, 'invalid_token');
    // The genuine token is fine: only the missing signature is the problem.
    expect((await me(session.accessToken)).statusCode).toBe(200);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const manager = await signIn('manager1@demo.test');
    const admin = await signIn('admin@demo.test');
    const [header, , signature] = manager.accessToken.split('.');
    const claims = { ...claimsOf(manager.accessToken), sub: admin.user.id, sid: claimsOf(admin.accessToken).sid };
    expectProblem(await me(`${header}.${b64url(claims)}.${signature}`), 401, 'invalid_token');
  });

  describe('with crafted claims', () => {
    let claims: { sub: string; cid: string; sid: string };
    beforeAll(async () => {
      const session = await signIn('manager1@demo.test');
      const c = claimsOf(session.accessToken);
      claims = { sub: String(c.sub), cid: String(c.cid), sid: String(c.sid) };
    });

    function craft(options: { secret?: string; issuer?: string; audience?: string }) {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      return new SignJWT({ cid: claims.cid, sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(options.issuer ?? 'iperform')
        .setAudience(options.audience ?? 'iperform-api')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
    }

    it('accepts a token built exactly like the server builds them (control for the cases below)', async () => {
      const response = await me(await craft({}));
      expect(response.statusCode).toBe(200);
      expect(response.json().user.email).toBe('manager1@demo.test');
    });

    it('refuses a token signed with a different key', async () => {
      const token = await craft({ secret: 'some-other-secret-that-is-also-long-enough-0123456789' });
      expectProblem(await me(token), 401, 'invalid_token');
    });

    it('refuses a token for another audience', async () => {
      expectProblem(await me(await craft({ audience: 'other' })), 401, 'invalid_token');
    });

    it('refuses a token from another issuer', async () => {
      expectProblem(await me(await craft({ issuer: 'someone-else' })), 401, 'invalid_token');
    });
  });
});

describe('POST /auth/refresh', () => {
  it('trades a refresh token for a new working pair; the old refresh token then fails', async () => {
    const first = await signIn('sales3@demo.test');
    const response = await refresh(first.refreshToken);
    expect(response.statusCode).toBe(200);
    const second = response.json() as LoginResult;
    expect(second.expiresIn).toBe(900);
    expect(second.user.email).toBe('sales3@demo.test');
    expect(second.refreshToken).toMatch(/^rt_/);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(claimsOf(second.accessToken).sid).toBe(claimsOf(first.accessToken).sid);
    expect((await me(second.accessToken)).statusCode).toBe(200);
    expect((await refresh(first.refreshToken)).statusCode).toBe(401);
  });

  it('answers a reused refresh token with token_reused and ends that whole session', async () => {
    const first = await signIn('sales4@demo.test');
    const elsewhere = await signIn('sales4@demo.test');
    const second = (await refresh(first.refreshToken)).json() as LoginResult;
    const newest = (await refresh(second.refreshToken)).json() as LoginResult;
    expect((await me(newest.accessToken)).statusCode).toBe(200);

    const reuse = await refresh(first.refreshToken);
    expectProblem(reuse, 401, 'token_reused');

    expectProblem(await me(newest.accessToken), 401, 'invalid_token');
    expectProblem(await me(second.accessToken), 401, 'invalid_token');
    expectProblem(await refresh(newest.refreshToken), 401, 'invalid_token');
    // Only that login's family ends: another sign-in of the same user carries on.
    expect((await me(elsewhere.accessToken)).statusCode).toBe(200);
    expect((await refresh(elsewhere.refreshToken)).statusCode).toBe(200);
  });

  it('rejects garbage, a tampered refresh token and an access token with 401 invalid_token', async () => {
    const session = await signIn('cosales@demo.test');
    const token = session.refreshToken;
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expectProblem(await refresh(`${token.slice(0, -1)}${last}`), 401, 'invalid_token');
    expectProblem(await refresh('rt_garbage'), 401, 'invalid_token');
    expectProblem(await refresh(session.accessToken), 401, 'invalid_token');
    // None of that spent the real token.
    expect((await refresh(token)).statusCode).toBe(200);
  });

  it('rejects unknown body fields with 400 validation_failed', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: 'rt_x', extra: 1 },
      remoteAddress: nextAddress(),
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().errors).toContainEqual({ path: 'extra', message: expect.any(String) });
  });
});

describe('POST /auth/logout', () => {
  it('answers 204, after which the access token and the refresh token both fail', async () => {
    const session = await signIn('success@demo.test');
    const out = await t.as(session.accessToken, 'POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expectProblem(await me(session.accessToken), 401, 'invalid_token');
    expectProblem(await refresh(session.refreshToken), 401, 'invalid_token');
  });

  it('needs a token', async () => {
    expectProblem(await t.as(null, 'POST', '/api/v1/auth/logout'), 401, 'unauthenticated');
  });
});

describe('sessions', () => {
  it('lists my sessions and marks the current one', async () => {
    const a = await signIn('partner@demo.test', { ip: '10.99.0.1', userAgent: 'Browser A' });
    const b = await signIn('partner@demo.test', { ip: '10.99.0.2', userAgent: 'Phone B' });
    const response = await t.as(a.accessToken, 'GET', '/api/v1/auth/sessions');
    expect(response.statusCode).toBe(200);
    const sessions = response.json().data as Record<string, unknown>[];
    const sidA = claimsOf(a.accessToken).sid;
    const sidB = claimsOf(b.accessToken).sid;
    const mine = sessions.find((s) => s.id === sidA);
    const other = sessions.find((s) => s.id === sidB);
    expect(mine).toMatchObject({ current: true, ip: '10.99.0.1', userAgent: 'Browser A' });
    expect(other).toMatchObject({ current: false, ip: '10.99.0.2', userAgent: 'Phone B' });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    for (const s of [mine, other]) {
      for (const field of ['createdAt', 'lastUsedAt', 'expiresAt'] as const) {
        expect(Number.isNaN(Date.parse(String(s?.[field])))).toBe(false);
      }
      expect(Date.parse(String(s?.expiresAt))).toBeGreaterThan(t.clock.now().getTime());
    }
  });

  it('ends one of my sessions: its tokens stop working, mine keep working', async () => {
    const keep = await signIn('guest@demo.test');
    const end = await signIn('guest@demo.test');
    const sid = String(claimsOf(end.accessToken).sid);
    const response = await t.as(keep.accessToken, 'DELETE', `/api/v1/auth/sessions/${sid}`);
    expect(response.statusCode).toBe(204);
    expectProblem(await me(end.accessToken), 401, 'invalid_token');
    expectProblem(await refresh(end.refreshToken), 401, 'invalid_token');
    expect((await me(keep.accessToken)).statusCode).toBe(200);
    const listed = (await t.as(keep.accessToken, 'GET', '/api/v1/auth/sessions')).json().data as { id: string }[];
    expect(listed.map((s) => s.id)).not.toContain(sid);
  });

  it("answers 404 for someone else's session and leaves it alive", async () => {
    const me1 = await signIn('warrior1@demo.test');
    const colleague = await signIn('warrior2@demo.test');
    const outsider = await signIn('admin@other.test');
    for (const victim of [colleague, outsider]) {
      const sid = String(claimsOf(victim.accessToken).sid);
      expectProblem(await t.as(me1.accessToken, 'DELETE', `/api/v1/auth/sessions/${sid}`), 404, 'not_found');
      expect((await me(victim.accessToken)).statusCode).toBe(200);
    }
    const unknown = '01900000-0000-7000-8000-000000000000';
    expectProblem(await t.as(me1.accessToken, 'DELETE', `/api/v1/auth/sessions/${unknown}`), 404, 'not_found');
  });
});

describe('POST /auth/password', () => {
  const NEW_PASSWORD = 'a much longer pass phrase 42';

  it('changes the password and ends my other sessions while the current one carries on', async () => {
    const current = await signIn('warrior3@demo.test');
    const other = await signIn('warrior3@demo.test');
    const response = await t.as(current.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode, response.body).toBe(204);

    expect((await me(current.accessToken)).statusCode).toBe(200);
    expectProblem(await me(other.accessToken), 401, 'invalid_token');
    expectProblem(await refresh(other.refreshToken), 401, 'invalid_token');
    expect((await refresh(current.refreshToken)).statusCode).toBe(200);

    expectProblem(await login('warrior3@demo.test', DEMO_PASSWORD), 401, 'invalid_credentials');
    expect((await login('warrior3@demo.test', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('rejects a wrong current password with 400 validation_failed on currentPassword', async () => {
    const session = await signIn('warrior4@demo.test');
    const response = await t.as(session.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: 'not-the-password',
      newPassword: NEW_PASSWORD,
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().errors).toContainEqual({ path: 'currentPassword', message: expect.any(String) });
    // Nothing changed.
    expect((await login('warrior4@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
    expectProblem(await login('warrior4@demo.test', NEW_PASSWORD), 401, 'invalid_credentials');
  });

  it.each([
    ['11 characters', 'abcdefghijk'],
    ['129 characters', 'x'.repeat(129)],
    ['a common password', 'password1234'],
    ['another common password', '123qweasdzxc'],
  ])('rejects a new password of %s with 422 weak_password on newPassword', async (_label, newPassword) => {
    const session = await signIn('warrior5@demo.test');
    const response = await t.as(session.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword,
    });
    expectProblem(response, 422, 'weak_password');
    expect(response.json().errors).toContainEqual({ path: 'newPassword', message: expect.any(String) });
    expectProblem(await login('warrior5@demo.test', newPassword), 401, 'invalid_credentials');
  });

  it('accepts new passwords of exactly 12 and exactly 128 characters', async () => {
    const session = await signIn('manager2@demo.test');
    const twelve = 'zq8-vmt4-kwp';
    const longest = 'Lr7-'.repeat(32);
    expect(twelve).toHaveLength(12);
    expect(longest).toHaveLength(128);
    const first = await t.as(session.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: twelve,
    });
    expect(first.statusCode, first.body).toBe(204);
    const second = await t.as(session.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: twelve,
      newPassword: longest,
    });
    expect(second.statusCode, second.body).toBe(204);
    expect((await login('manager2@demo.test', longest)).statusCode).toBe(200);
  });
});

describe('auth events', () => {
  it('records successful and failed logins with the session, address and user agent', async () => {
    const failed = await login('dev@demo.test', 'not-the-password', { ip: '10.77.0.1', userAgent: 'Evil Bot' });
    expect(failed.statusCode).toBe(401);
    const session = await signIn('dev@demo.test', { ip: '10.77.0.2', userAgent: 'Good Browser' });
    const companyId = await companyIdOf(session.accessToken);
    const rows = await authEvents(companyId, session.user.id);
    expect(rows).toContainEqual(
      expect.objectContaining({
        event: 'login',
        outcome: 'failure',
        ip: '10.77.0.1',
        user_agent: 'Evil Bot',
        company_id: companyId,
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        event: 'login',
        outcome: 'success',
        session_id: claimsOf(session.accessToken).sid,
        ip: '10.77.0.2',
        user_agent: 'Good Browser',
      }),
    );
  });

  it('records refresh, token reuse, logout, session revocation and password change', async () => {
    const first = await signIn('integration@demo.test');
    const sid = claimsOf(first.accessToken).sid;
    const companyId = await companyIdOf(first.accessToken);
    const second = (await refresh(first.refreshToken)).json() as LoginResult;
    expect((await refresh(first.refreshToken)).json().code).toBe('token_reused');

    const a = await signIn('integration@demo.test');
    const b = await signIn('integration@demo.test');
    const sidA = claimsOf(a.accessToken).sid;
    const sidB = claimsOf(b.accessToken).sid;
    expect((await t.as(a.accessToken, 'DELETE', `/api/v1/auth/sessions/${sidB}`)).statusCode).toBe(204);
    const changed = await t.as(a.accessToken, 'POST', '/api/v1/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'integration pass phrase 2024',
    });
    expect(changed.statusCode).toBe(204);
    expect((await t.as(a.accessToken, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);

    const rows = await authEvents(companyId, second.user.id);
    const has = (event: string, outcome: string, sessionId: unknown) =>
      expect(rows).toContainEqual(expect.objectContaining({ event, outcome, session_id: sessionId }));
    has('refresh', 'success', sid);
    has('token_reuse', 'failure', sid);
    has('session_revoked', 'success', sidB);
    has('password_change', 'success', sidA);
    has('logout', 'success', sidA);
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
