import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { prebuiltReports } from './catalog.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('every pre-built report runs', () => {
  for (const who of ['admin@demo.test', 'manager1@demo.test', 'sales1@demo.test', 'partner@demo.test']) {
    it(`for ${who}`, async () => {
      const failures: string[] = [];
      for (const r of prebuiltReports) {
        const res = await t.as(who, 'POST', '/api/v1/reports/run', {
          report: r.key,
          from: '2000-01-01',
          to: '2100-12-31',
        });
        if (res.statusCode !== 200 && res.statusCode !== 403)
          failures.push(`${r.key}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
