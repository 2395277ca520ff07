import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../composition/demo-seed.ts';
import {
  authEvents,
  claimsOf,
  companyIdOf,
  expectProblem,
  type LoginResult,
  login,
  me,
  refresh,
  setupAuthApp,
  signIn,
  t,
} from './auth.fixtures.ts';

/** Sessions, password change and the auth event trail. Every sign-in is fresh. */

setupAuthApp();

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
