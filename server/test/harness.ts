import type { LightMyRequestResponse } from 'fastify';
import { expect, inject } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/composition/demo-seed.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { connect, type Databases } from '../src/db/client.ts';
import { type RunResult, runDueJobs } from '../src/jobs/runner.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { adminQuery, withDatabase } from './template.ts';

export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: App;
  dbs: Databases;
  url: string;
  clock: ManualClock;
  config: Config;
  /** Signs in (demo password by default) and returns the access token. Cached per email. */
  token(email: string): Promise<string>;
  login(email: string, password?: string): Promise<LightMyRequestResponse>;
  /** A request as the given user (email) or with the given bearer token. */
  as(who: string | null, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** Runs the jobs due by the test clock, as the worker of `serve` would. */
  runJobs(): Promise<RunResult>;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh copy of the migrated, demo-seeded database and an app on it, for one test file. */
export async function createTestApp(
  overrides: Partial<Config> = {},
  options: { webRoot?: string | null } = {},
): Promise<TestApp> {
  const { serverUrl, template } = inject('testDb');
  const database = `iperform_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${database} TEMPLATE ${template}`);
  const url = withDatabase(serverUrl, database);
  const dbs = connect(url, 5);
  const clock = new ManualClock();
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), jwtSecret: JWT_SECRET, ...overrides };
  const app = await buildApp({
    config,
    db: dbs.app,
    jwtSecret: JWT_SECRET,
    clock,
    logger: false,
    webRoot: options.webRoot ?? null,
    databaseUrl: url,
  });
  await app.ready();
  // Tokens are cached per email, and taken again once the test clock has moved past half their lifetime.
  const tokens = new Map<string, { token: string; at: number }>();

  const login = (email: string, password = DEMO_PASSWORD) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

  const token = async (email: string) => {
    const cached = tokens.get(email);
    if (cached && clock.now().getTime() - cached.at < (config.accessTokenTtlSeconds * 1000) / 2) return cached.token;
    const response = await login(email);
    if (response.statusCode !== 200) throw new Error(`login ${email}: ${response.statusCode} ${response.body}`);
    const access = response.json().accessToken as string;
    tokens.set(email, { token: access, at: clock.now().getTime() });
    return access;
  };

  return {
    app,
    dbs,
    url,
    clock,
    config,
    token,
    login,
    async as(who, method, path, body) {
      const headers: Record<string, string> = {};
      if (who) headers.authorization = `Bearer ${who.includes('@') ? await token(who) : who}`;
      return app.inject({
        method: method as 'GET',
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    runJobs: () => runDueJobs(app.deps),
    async close() {
      await app.close();
      await dbs.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/** The id of a demo user, looked up through the API as the admin of its company. */
export async function userId(t: TestApp, email: string): Promise<string> {
  const admin = email.endsWith('@other.test') ? 'admin@other.test' : 'admin@demo.test';
  const response = await t.as(admin, 'GET', `/api/v1/users?q=${encodeURIComponent(email)}`);
  const found = (response.json().data as { id: string; email: string }[]).find((u) => u.email === email);
  if (!found) throw new Error(`no user ${email}`);
  return found.id;
}

/**
 * Asserts an RFC 9457 problem: the status, `application/problem+json`, the code, the request id echoed from
 * the `X-Request-Id` header, and (when given) a field error naming `path`. Returns the body.
 */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, code });
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(body.requestId).toBe(response.headers['x-request-id']);
  if (path !== undefined)
    expect(
      (body.errors as { path: string }[]).map((e) => e.path),
      response.body,
    ).toContain(path);
  return body as { code: string; detail?: string; errors?: { path: string; message: string }[] };
}
