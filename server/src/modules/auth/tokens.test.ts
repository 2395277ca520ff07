import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JWT_SECRET } from '../../../test/harness.ts';
import { b64url, claimsOf, expectProblem, me, refresh, setupAuthApp, signIn, t } from './auth.fixtures.ts';

/** Access tokens: missing, malformed, expired, unsigned, altered or crafted. Every sign-in is fresh. */

setupAuthApp();

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
