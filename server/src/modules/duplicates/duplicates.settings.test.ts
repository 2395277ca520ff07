import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { ADMIN } from './duplicates.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const defaults = {
  policies: { ui: 'warn', api: 'block', import: 'block', web_form: 'allow', integration: 'block' },
  nameThreshold: 0.6,
  plusAddressing: false,
  updatedAt: null,
  updatedBy: null,
};

const put = (who: string, body: unknown) => t.as(who, 'PUT', '/api/v1/duplicates/settings', body);
const read = async (who = ADMIN) => (await t.as(who, 'GET', '/api/v1/duplicates/settings')).json();

describe('duplicate settings', () => {
  it('starts from the defaults, readable by anyone who reads leads', async () => {
    expect(await read()).toEqual(defaults);
    expect(await read('guest@demo.test')).toEqual(defaults);
    expect(await read('sales1@demo.test')).toEqual(defaults);
  });

  it('changes what is sent and keeps the rest, audited, for its own company only', async () => {
    const response = await put(ADMIN, { policies: { ui: 'block' }, nameThreshold: 0.75 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      policies: { ...defaults.policies, ui: 'block' },
      nameThreshold: 0.75,
      plusAddressing: false,
      updatedBy: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await read()).toEqual(response.json());
    expect(await read('admin@other.test')).toEqual(defaults);
    const audit = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=duplicate_settings')).json().data;
    expect(audit[0]).toMatchObject({
      action: 'duplicates.settings_updated',
      changes: { 'policies.ui': { from: 'warn', to: 'block' }, nameThreshold: { from: 0.6, to: 0.75 } },
    });
  });

  it('refuses bad values with a 400 naming the field, and changes nothing', async () => {
    const before = await read();
    const cases: [unknown, string][] = [
      [{ policies: { ui: 'sometimes' } }, 'policies.ui'],
      [{ policies: { email: 'block' } }, 'policies.email'],
      [{ nameThreshold: 0.2 }, 'nameThreshold'],
      [{ nameThreshold: 1.5 }, 'nameThreshold'],
      [{ nameThreshold: 'high' }, 'nameThreshold'],
      [{ plusAddressing: 'yes' }, 'plusAddressing'],
      [{ colour: 'red' }, 'colour'],
      [{ policies: { web_form: 'block' } }, 'policies.web_form'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await put(ADMIN, body), 400, 'validation_failed', path);
    }
    expectProblem(await put(ADMIN, {}), 400, 'validation_failed');
    expect(await read()).toEqual(before);
  });

  it('lets only an admin change them', async () => {
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'guest@demo.test', 'integration@demo.test']) {
      expectProblem(await put(who, { plusAddressing: true }), 403, 'forbidden');
    }
    expect((await read()).plusAddressing).toBe(false);
  });
});
