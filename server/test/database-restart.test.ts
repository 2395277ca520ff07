import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { connect, type Databases, migrate } from '../src/db/client.ts';
import { type EmbeddedServer, startEmbedded } from '../src/db/embedded.ts';
import { createCompany } from '../src/modules/companies/companies.service.ts';
import { expectProblem, JWT_SECRET } from './harness.ts';

/**
 * The app on an embedded PostgreSQL of its own, as `serve` runs it: the test kills the postmaster (SIGKILL, as
 * the kernel's out-of-memory killer would) and watches the outage and the recovery through the API.
 */
const quiet = { info: () => {}, debug: () => {}, warn: () => {} };
const dir = mkdtempSync(join(tmpdir(), 'iperform-restart-'));
const email = 'owner@restart.test';
const password = 'a long and unguessable passphrase 42';

let server: EmbeddedServer;
let dbs: Databases;
let app: App;
let gaveUp: Error | null = null;
/** The supervisor waits on this before each restart: the test decides when PostgreSQL may come back. */
let gate: { open: () => void; promise: Promise<void> };

function newGate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = { open, promise };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (up to a minute) until `check` holds; returns its last answer. */
async function until<T>(probe: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 600 && !check(value); i++) {
    await sleep(100);
    value = await probe();
  }
  return value;
}

const login = () => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
const health = (url: string) => app.inject({ url });

function killPostmaster(): void {
  const pid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
}

function expectUnavailable(response: LightMyRequestResponse) {
  expectProblem(response, 503, 'database_unavailable');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+|ECONNREFUSED|Connection terminated/);
}

beforeAll(async () => {
  newGate();
  server = await startEmbedded(dir, quiet, {
    restartDelayMs: 50,
    maxRestarts: 3,
    beforeRestart: () => gate.promise,
    onGiveUp: (error) => {
      gaveUp = error;
    },
  });
  dbs = connect(server.url, 4);
  await migrate(dbs.owner);
  await createCompany(dbs.app, {
    name: 'Restart Co',
    slug: 'restart',
    adminEmail: email,
    adminPassword: password,
    adminName: 'Owner',
    timezone: 'UTC',
    currency: 'USD',
    locale: 'en-US',
    phoneCountry: 'US',
  });
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), jwtSecret: JWT_SECRET, sessionCacheSeconds: 0 };
  app = await buildApp({ config, db: dbs.app, jwtSecret: JWT_SECRET, logger: false, webRoot: null });
  await app.ready();
}, 180_000);

afterAll(async () => {
  gate.open();
  await app?.close();
  await dbs?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('when the embedded PostgreSQL dies', () => {
  it('answers 503 database_unavailable with Retry-After meanwhile, health says so, and it comes back by itself', async () => {
    const before = await login();
    expect(before.statusCode).toBe(200);
    const token = `Bearer ${before.json().accessToken}`;
    expect((await health('/healthz')).statusCode).toBe(200);

    killPostmaster();
    // Sign-in (public), an authenticated call and both health checks all see the outage.
    expectUnavailable(await until(login, (r) => r.statusCode !== 200));
    expect(
      await until(
        async () => server.state(),
        (state) => state === 'restarting',
      ),
    ).toBe('restarting');
    expectUnavailable(await app.inject({ url: '/api/v1/auth/me', headers: { authorization: token } }));
    expectUnavailable(await health('/healthz'));
    expectUnavailable(await health('/readyz'));

    gate.open();
    const healthy = await until(
      () => health('/healthz'),
      (r) => r.statusCode === 200,
    );
    expect(healthy.json()).toEqual({ status: 'ok' });
    expect(server.state()).toBe('up');
    expect((await health('/readyz')).statusCode).toBe(200);
    const signedIn = await login();
    expect(signedIn.statusCode).toBe(200);
    const me = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${signedIn.json().accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(email);
  }, 120_000);

  it('gives up after repeated failed restarts, says so, and can be told to stop', async () => {
    newGate();
    killPostmaster();
    await until(health.bind(null, '/healthz'), (r) => r.statusCode === 503);
    // Without its data directory PostgreSQL cannot start: every restart fails.
    renameSync(join(dir, 'pg'), join(dir, 'pg-away'));
    gate.open();
    await until(
      async () => server.state(),
      (state) => state === 'failed',
    );
    expect(server.state()).toBe('failed');
    expect(gaveUp?.message).toMatch(/could not be restarted after 3 attempts/);
    expectUnavailable(await health('/healthz'));
    renameSync(join(dir, 'pg-away'), join(dir, 'pg'));
  }, 120_000);
});
