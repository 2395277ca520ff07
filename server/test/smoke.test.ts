import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health', () => {
  it('answers healthz and readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
  it('lets the demo admin in', async () => {
    const me = await t.as('admin@demo.test', 'GET', '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().company.slug).toBe('demo');
  });
});
