import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../companies/demo-seed.ts';

/**
 * Failed-login throttling (per account and per client address, on the server clock) and the per-caller
 * request rate limit with its RateLimit headers.
 */

const WRONG = 'not-the-password';

function loginFrom(t: TestApp, ip: string, email: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });
}

async function failTimes(t: TestApp, ip: string, email: string, times: number) {
  for (let i = 0; i < times; i++) {
    const response = await loginFrom(t, ip, email, WRONG);
    expect(response.statusCode, `failure ${i + 1} for ${email}`).toBe(401);
    expect(response.json().code).toBe('invalid_credentials');
  }
}

/** Asserts a 429 login_throttled and returns its Retry-After in seconds. */
function expectThrottled(response: LightMyRequestResponse): number {
  expect(response.statusCode, response.body).toBe(429);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(response.json().code).toBe('login_throttled');
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  return Number(retryAfter);
}

describe('login throttling with LOGIN_MAX_FAILURES=3', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ loginMaxFailures: 3, loginLockSeconds: 900 });
  });
  afterAll(() => t.close());

  it('locks the account after 3 failures: 429 login_throttled with Retry-After, even for the right password', async () => {
    await failTimes(t, '10.1.0.1', 'sales1@demo.test', 3);
    const retryAfter = expectThrottled(await loginFrom(t, '10.1.0.1', 'sales1@demo.test', DEMO_PASSWORD));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('records the refused attempts on a locked account in its sign-in history', async () => {
    await failTimes(t, '10.1.2.1', 'warrior5@demo.test', 3);
    expectThrottled(await loginFrom(t, '10.1.2.9', 'warrior5@demo.test', DEMO_PASSWORD));
    const me = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json();
    const events = await withTenant(t.dbs.app, me.company.id, (trx) =>
      trx
        .selectFrom('auth_events as e')
        .innerJoin('users as u', (join) =>
          join.onRef('u.company_id', '=', 'e.company_id').onRef('u.id', '=', 'e.user_id'),
        )
        .select(['e.outcome', 'e.ip', 'e.detail'])
        .where('u.email', '=', 'warrior5@demo.test')
        .orderBy('e.id')
        .execute(),
    );
    expect(events.map((e) => (e.detail as { reason?: string } | null)?.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'throttled',
    ]);
    expect(events.at(-1)).toMatchObject({ outcome: 'failure', ip: '10.1.2.9' });
  });

  it('lets the account in after 2 failures (the lock starts at the 3rd)', async () => {
    await failTimes(t, '10.1.1.1', 'sales4@demo.test', 2);
    expect((await loginFrom(t, '10.1.1.1', 'sales4@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('keeps the lock on the account from every address, and leaves other accounts alone', async () => {
    await failTimes(t, '10.2.0.1', 'sales2@demo.test', 3);
    expectThrottled(await loginFrom(t, '10.2.0.2', 'sales2@demo.test', DEMO_PASSWORD));
    expectThrottled(await loginFrom(t, '10.2.0.3', 'sales2@demo.test', WRONG));
    expect((await loginFrom(t, '10.2.0.1', 'sales3@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles an unknown email exactly like a real account', async () => {
    await failTimes(t, '10.3.0.1', 'nobody-at-all@demo.test', 3);
    expectThrottled(await loginFrom(t, '10.3.0.1', 'nobody-at-all@demo.test', DEMO_PASSWORD));
  });

  it('counts down Retry-After on the server clock, is not extended by attempts while locked, and lifts', async () => {
    await failTimes(t, '10.4.0.1', 'manager1@demo.test', 3);
    expect(expectThrottled(await loginFrom(t, '10.4.0.1', 'manager1@demo.test', DEMO_PASSWORD))).toBe(900);

    t.clock.advance(300_000);
    expect(expectThrottled(await loginFrom(t, '10.4.0.1', 'manager1@demo.test', WRONG))).toBe(600);
    expect(expectThrottled(await loginFrom(t, '10.4.0.1', 'manager1@demo.test', DEMO_PASSWORD))).toBe(600);

    t.clock.advance(601_000);
    const response = await loginFrom(t, '10.4.0.1', 'manager1@demo.test', DEMO_PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().user.email).toBe('manager1@demo.test');
  });

  it('forgets failures older than the 15-minute window', async () => {
    await failTimes(t, '10.5.0.1', 'manager2@demo.test', 2);
    t.clock.advance(16 * 60_000);
    await failTimes(t, '10.5.0.1', 'manager2@demo.test', 2);
    expect((await loginFrom(t, '10.5.0.1', 'manager2@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('gives a client address four times the allowance (12) over several accounts', async () => {
    const office = '10.6.0.1';
    const accounts = ['warrior1', 'warrior2', 'warrior3', 'warrior4', 'warrior5', 'warrior6'].map(
      (name) => `${name}@demo.test`,
    );
    // 11 failures from one address, never 3 on one account: the address is still let in.
    for (const email of accounts.slice(0, 5)) await failTimes(t, office, email, 2);
    await failTimes(t, office, 'warrior6@demo.test', 1);
    expect((await loginFrom(t, office, 'cosales@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);

    // The 12th failure locks the address, whatever account comes from it next.
    await failTimes(t, office, 'warrior6@demo.test', 1);
    expectThrottled(await loginFrom(t, office, 'success@demo.test', DEMO_PASSWORD));
    expectThrottled(await loginFrom(t, office, 'cosales@demo.test', DEMO_PASSWORD));
    // The accounts themselves are not locked: from elsewhere they get in.
    expect((await loginFrom(t, '10.6.0.2', 'success@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await loginFrom(t, '10.6.0.3', 'warrior1@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });
});

describe('login throttling with the default allowance of 5', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('uses 5 failures and a 900-second lock by default', () => {
    expect(t.config.loginMaxFailures).toBe(5);
    expect(t.config.loginLockSeconds).toBe(900);
  });

  it('still lets the account in after 4 failures', async () => {
    await failTimes(t, '10.7.0.1', 'sales1@demo.test', 4);
    expect((await loginFrom(t, '10.7.0.1', 'sales1@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('locks the account at the 5th failure', async () => {
    await failTimes(t, '10.7.1.1', 'sales2@demo.test', 5);
    expect(expectThrottled(await loginFrom(t, '10.7.1.1', 'sales2@demo.test', DEMO_PASSWORD))).toBe(900);
  });
});

describe('request rate limits', () => {
  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('announces the default policy on authenticated responses', async () => {
      const response = await t.as('admin@demo.test', 'GET', '/api/v1/auth/me');
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"default";q=600;w=60');
      const rateLimit = String(response.headers.ratelimit);
      const match = rateLimit.match(/^"default";r=(\d+);t=(\d+)$/);
      expect(match, rateLimit).not.toBeNull();
      expect(Number(match?.[1])).toBeLessThan(600);
      expect(Number(match?.[2])).toBeGreaterThan(0);
      expect(Number(match?.[2])).toBeLessThanOrEqual(60);
    });

    it('announces it to API key callers too', async () => {
      const created = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'limits' });
      expect(created.statusCode).toBe(201);
      const response = await t.as(created.json().key, 'GET', '/api/v1/auth/me');
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"default";q=600;w=60');
      expect(String(response.headers.ratelimit)).toMatch(/^"default";r=\d+;t=\d+$/);
    });
  });

  describe('with RATE_LIMIT_PER_MINUTE=3', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ rateLimitPerMinute: 3 });
    });
    afterAll(() => t.close());

    it('answers the 4th request in a minute with 429 rate_limited and Retry-After', async () => {
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await t.as('sales1@demo.test', 'GET', '/api/v1/auth/me');
        expect(response.statusCode).toBe(200);
        expect(response.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
        remaining.push(String(response.headers.ratelimit).replace(/;t=\d+$/, ''));
      }
      expect(remaining).toEqual(['"default";r=2', '"default";r=1', '"default";r=0']);

      const limited = await t.as('sales1@demo.test', 'GET', '/api/v1/auth/me');
      expect(limited.statusCode).toBe(429);
      expect(String(limited.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(limited.json().code).toBe('rate_limited');
      const retryAfter = String(limited.headers['retry-after']);
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    });

    it('counts each caller separately', async () => {
      expect((await t.as('sales2@demo.test', 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    });
  });
});
