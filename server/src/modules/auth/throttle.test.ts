import type { LightMyRequestResponse } from 'fastify';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, JWT_SECRET, type TestApp } from '../../../test/harness.ts';
import { type App, buildApp } from '../../app.ts';
import { DEMO_PASSWORD } from '../../composition/demo-seed.ts';
import type { Config } from '../../config.ts';
import { withTenant } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';
import { afterRepliesSettled } from './after-reply.ts';

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
    // The refused attempt is recorded once the 429 has gone out.
    await afterRepliesSettled();
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

/**
 * A second process on the same database: an app of its own (its own pool, caches and limiter objects) whose
 * queries are recorded, so a test can see what a request asked the database.
 */
async function secondProcess(t: TestApp, overrides: Partial<Config> = {}) {
  const queries: string[] = [];
  const pool = new pg.Pool({ connectionString: t.url, max: 3 });
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('SET ROLE iperform_app'));
      },
    }),
    log: (event) => {
      if (event.level === 'query') queries.push(event.query.sql);
    },
  });
  const app: App = await buildApp({
    config: { ...t.config, ...overrides },
    db,
    jwtSecret: JWT_SECRET,
    clock: t.clock,
    logger: false,
    webRoot: null,
  });
  await app.ready();
  return {
    app,
    queries,
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}

describe('sign-in attempts in parallel', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('checks no more than 5 of 60 parallel wrong passwords on one account; the rest are 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => loginFrom(t, '10.8.0.1', 'sales1@demo.test', WRONG)),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(55);
    expectThrottled(await loginFrom(t, '10.8.0.2', 'sales1@demo.test', DEMO_PASSWORD));
  });

  it('checks no more than 20 of 50 parallel attempts from one address on 50 accounts', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => loginFrom(t, '10.8.1.1', `someone${i}@demo.test`, WRONG)),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(20);
    expect(codes.filter((c) => c === 429)).toHaveLength(30);
    expectThrottled(await loginFrom(t, '10.8.1.1', 'sales2@demo.test', DEMO_PASSWORD));
  });

  it('lets the right password through a parallel burst and gives the address its attempt back', async () => {
    const [right, ...wrong] = await Promise.all([
      loginFrom(t, '10.8.2.1', 'sales3@demo.test', DEMO_PASSWORD),
      ...Array.from({ length: 3 }, () => loginFrom(t, '10.8.2.1', 'sales4@demo.test', WRONG)),
    ]);
    expect(right?.statusCode).toBe(200);
    expect(wrong.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    const row = await t.dbs.app
      .selectFrom('login_throttle')
      .select(['failures', 'pending'])
      .where('key', '=', 'ip:10.8.2.1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failures: 3, pending: 0 });
  });

  it('lets 8 parallel sign-ins with the right password into one account (they wait for each other)', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => loginFrom(t, '10.8.3.1', 'manager1@demo.test', DEMO_PASSWORD)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
  });
});

describe('a throttled sign-in does not depend on the account', () => {
  let t: TestApp;
  let other: Awaited<ReturnType<typeof secondProcess>>;
  beforeAll(async () => {
    t = await createTestApp({ loginMaxFailures: 3 });
    other = await secondProcess(t);
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  /** The SQL a throttled attempt runs before its 429 is sent. */
  async function queriesOfThrottled(email: string): Promise<string[]> {
    other.queries.length = 0;
    const response = await other.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: DEMO_PASSWORD },
      remoteAddress: '10.9.0.1',
    });
    // The limiter's occasional sweep of ended windows is not part of the request.
    const before = other.queries.filter((q) => !q.startsWith('DELETE FROM rate_limits'));
    expectThrottled(response);
    await afterRepliesSettled();
    return before;
  }

  it('answers 429 without looking the account up, running the same queries for a real and an unknown account', async () => {
    // The address is locked after 12 failures (four times 3), on accounts that do not exist.
    for (let i = 0; i < 4; i++) await failTimes(t, '10.9.0.1', `ghost${i}@demo.test`, 3);
    const real = await queriesOfThrottled('admin@demo.test');
    const unknown = await queriesOfThrottled('ghost-never@demo.test');
    expect(real.length).toBeGreaterThan(0);
    expect(real).toEqual(unknown);
    for (const query of real) {
      expect(query).not.toMatch(/user_directory|"users"|\busers\b|auth_events/);
    }
  });
});

describe('failed authentication per address', () => {
  let t: TestApp;
  let other: Awaited<ReturnType<typeof secondProcess>>;
  beforeAll(async () => {
    t = await createTestApp({ authFailuresPerMinute: 5 });
    other = await secondProcess(t);
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const randomKey = () =>
    `ipk_${Buffer.alloc(32, Math.floor(Math.random() * 256)).toString('base64url')}_${'x'.repeat(43)}`;

  function meFrom(app: App, ip: string, token: string | null) {
    return app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      remoteAddress: ip,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  }

  it('answers 429 rate_limited once an address has spent its failed attempts, even with a valid credential', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await meFrom(t.app, '10.10.0.1', randomKey())).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await meFrom(t.app, '10.10.0.1', randomKey());
    expect(limited.json().code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    const valid = await t.token('sales1@demo.test');
    expect((await meFrom(t.app, '10.10.0.1', valid)).statusCode).toBe(429);
    expect((await meFrom(t.app, '10.10.0.2', valid)).statusCode).toBe(200);
  });

  it('counts requests without any credential as failures too', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await meFrom(t.app, '10.10.1.1', null)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('shares the count between processes on one database', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await meFrom(t.app, '10.10.2.1', randomKey())).statusCode);
    for (let i = 0; i < 3; i++) codes.push((await meFrom(other.app, '10.10.2.1', randomKey())).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await meFrom(t.app, '10.10.2.1', randomKey())).statusCode).toBe(429);
  });
});

describe('request rate limits shared by processes', () => {
  let t: TestApp;
  let other: Awaited<ReturnType<typeof secondProcess>>;
  beforeAll(async () => {
    t = await createTestApp({ rateLimitPerMinute: 3 });
    other = await secondProcess(t, { rateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  it('gives a caller one allowance across two processes, not one each', async () => {
    const token = await t.token('sales1@demo.test');
    const get = (app: App) =>
      app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    const codes = [
      (await get(t.app)).statusCode,
      (await get(other.app)).statusCode,
      (await get(t.app)).statusCode,
      (await get(other.app)).statusCode,
    ];
    expect(codes).toEqual([200, 200, 200, 429]);
  });
});
