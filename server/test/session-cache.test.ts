import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { createTestApp, JWT_SECRET, type TestApp, userId } from './harness.ts';

/** Two iPerform processes on one database: what one of them ends, the other must stop accepting. */
let t: TestApp;
let second: App;
beforeAll(async () => {
  t = await createTestApp();
  second = await buildApp({
    config: t.config,
    db: t.dbs.app,
    jwtSecret: JWT_SECRET,
    clock: new ManualClock(),
    logger: false,
    webRoot: null,
    databaseUrl: t.url,
  });
  await second.ready();
});
afterAll(async () => {
  await second.close();
  await t.close();
});

const me = (app: App, token: string) =>
  app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

/** The other process hears of the change through the database a moment after it commits. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('sessions checked by several processes', () => {
  it('refuses a signed-out session in the other process too', async () => {
    const login = (await t.login('sales1@demo.test')).json();
    expect((await me(second, login.accessToken)).statusCode).toBe(200);
    expect((await me(second, login.accessToken)).statusCode).toBe(200);
    expect((await t.as(login.accessToken, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect(await eventually(async () => (await me(second, login.accessToken)).statusCode === 401)).toBe(true);
  });

  it('refuses a deactivated user in the other process too, and shows a role change there', async () => {
    const warrior = (await t.login('warrior2@demo.test')).json();
    const sales = (await t.login('sales2@demo.test')).json();
    expect((await me(second, warrior.accessToken)).json().user.role).toBe('WARRIOR');
    expect((await me(second, sales.accessToken)).statusCode).toBe(200);

    const warriorId = await userId(t, 'warrior2@demo.test');
    expect((await t.as('admin@demo.test', 'POST', `/api/v1/users/${warriorId}/deactivate`)).statusCode).toBe(200);
    expect(await eventually(async () => (await me(second, warrior.accessToken)).statusCode === 401)).toBe(true);

    const cosalesId = await userId(t, 'cosales@demo.test');
    const cosales = (await t.login('cosales@demo.test')).json();
    expect((await me(second, cosales.accessToken)).json().user.role).toBe('COSALES');
    expect((await t.as('admin@demo.test', 'PATCH', `/api/v1/users/${cosalesId}`, { role: 'GUEST' })).statusCode).toBe(
      200,
    );
    expect(await eventually(async () => (await me(second, cosales.accessToken)).json().user?.role === 'GUEST')).toBe(
      true,
    );
  });

  it('shows a company change in the other process', async () => {
    const token = await t.token('manager2@demo.test');
    expect((await me(second, token)).json().company.name).toBe('Demo Co');
    expect(
      (await t.as('admin@demo.test', 'PATCH', '/api/v1/company', { name: 'Demo Company Pvt Ltd' })).statusCode,
    ).toBe(200);
    expect(await eventually(async () => (await me(second, token)).json().company.name === 'Demo Company Pvt Ltd')).toBe(
      true,
    );
  });
});
