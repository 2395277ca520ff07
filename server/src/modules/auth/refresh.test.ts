import { describe, expect, it } from 'vitest';
import {
  claimsOf,
  expectProblem,
  type LoginResult,
  me,
  nextAddress,
  refresh,
  setupAuthApp,
  signIn,
  t,
} from './auth.fixtures.ts';

/** Refresh-token rotation and reuse detection, and logout. Every sign-in is fresh. */

setupAuthApp();

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
