import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { type Case, generatedCases, type Route } from '../users/bad-input.fixtures.ts';

/**
 * The reports' write routes in the bad-input table: every malformed body is a 400 problem naming the field,
 * with no stack trace, and no saved report, dashboard or audit row changes.
 */
let t: TestApp;
let companyId: string;
let savedId = '';
const ADMIN = 'admin@demo.test';

const definition = { subject: 'leads', measures: ['leads'], groupBy: ['stage'] };
const definitionCases = (path: string, body: (d: unknown) => Record<string, unknown>): Case[] => [
  {
    name: 'an unknown subject',
    body: body({ ...definition, subject: 'nope' }),
    status: 400,
    code: 'validation_failed',
    paths: [`${path}.subject`],
  },
  {
    name: 'no measures',
    body: body({ ...definition, measures: [] }),
    status: 400,
    code: 'validation_failed',
    paths: [`${path}.measures`],
  },
  {
    name: 'an unknown measure',
    body: body({ ...definition, measures: ['leads', 'nope'] }),
    status: 400,
    code: 'validation_failed',
    paths: [`${path}.measures.1`],
  },
  {
    name: 'four groupings',
    body: body({ ...definition, groupBy: ['stage', 'source', 'city', 'state'] }),
    status: 400,
    code: 'validation_failed',
    paths: [`${path}.groupBy`],
  },
  {
    name: 'a chart that is none',
    body: body({ ...definition, chart: 'pie3d' }),
    status: 400,
    code: 'validation_failed',
    paths: [`${path}.chart`],
  },
];

const routes: Route[] = [
  {
    label: 'POST /reports/saved',
    method: 'POST',
    url: () => '/api/v1/reports/saved',
    who: () => ADMIN,
    valid: () => ({ name: 'By stage', definition, shared: false }),
    fields: [
      { name: 'name', required: true, max: 120 },
      { name: 'definition', required: true, wrongType: 'leads by stage' },
      { name: 'shared', required: false, wrongType: 'yes' },
    ],
    extra: () => [
      {
        name: 'a name of spaces',
        body: { name: '   ', definition },
        status: 400,
        code: 'validation_failed',
        paths: ['name'],
      },
      ...definitionCases('definition', (d) => ({ name: 'x', definition: d })),
    ],
  },
  {
    label: 'PUT /reports/saved/{id}',
    method: 'PUT',
    url: () => `/api/v1/reports/saved/${savedId}`,
    who: () => ADMIN,
    valid: () => ({ name: 'By stage again', definition, shared: true }),
    fields: [
      { name: 'name', required: false, max: 120 },
      { name: 'definition', required: false, wrongType: 42 },
      { name: 'shared', required: false, wrongType: 1 },
    ],
    extra: () => definitionCases('definition', (d) => ({ definition: d })),
  },
  {
    label: 'POST /reports/run',
    method: 'POST',
    url: () => '/api/v1/reports/run',
    who: () => ADMIN,
    valid: () => ({ report: 'pipeline.deals-by-stage', from: '2026-01-01', to: '2026-12-31' }),
    fields: [
      { name: 'report', required: true, max: 80, wrongType: 7 },
      { name: 'from', required: false, max: 10, wrongType: 20260101 },
      { name: 'to', required: false, max: 10, wrongType: true },
    ],
    extra: () => [
      ...definitionCases('report', (d) => ({ report: d })),
      {
        name: 'a window backwards',
        body: { report: 'pipeline.deals-by-stage', from: '2026-12-01', to: '2026-01-01' },
        status: 400,
        code: 'validation_failed',
        paths: ['from'],
      },
      {
        name: 'limit 0',
        body: { report: 'pipeline.deals-by-stage', limit: 0 },
        status: 400,
        code: 'validation_failed',
        paths: ['limit'],
      },
      {
        name: 'a filter the list refuses',
        body: { report: 'pipeline.deals-by-stage', filters: { 'expectedValue.min': 'lots' } },
        status: 400,
        code: 'validation_failed',
        paths: ['filters.expectedValue.min'],
      },
    ],
  },
  {
    label: 'POST /reports/export',
    method: 'POST',
    url: () => '/api/v1/reports/export',
    who: () => ADMIN,
    valid: () => ({ report: 'pipeline.deals-by-stage', format: 'csv' }),
    fields: [
      { name: 'report', required: true, max: 80, wrongType: 7 },
      { name: 'format', required: true, wrongType: 1 },
    ],
    extra: () => [
      {
        name: 'format pdf',
        body: { report: 'pipeline.deals-by-stage', format: 'pdf' },
        status: 400,
        code: 'validation_failed',
        paths: ['format'],
      },
    ],
  },
];

async function snapshot(): Promise<string> {
  return withTenant(t.dbs.app, companyId, async (trx) =>
    JSON.stringify({
      saved: (await sql`SELECT * FROM saved_reports ORDER BY id`.execute(trx)).rows,
      audit: (await sql`SELECT id FROM audit_log ORDER BY id`.execute(trx)).rows,
    }),
  );
}

async function send(route: Route, c: Case): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: route.method,
    url: route.url(),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(ADMIN)}` },
    payload: c.raw !== undefined ? c.raw : JSON.stringify(c.body),
  });
}

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const saved = await t.as(ADMIN, 'POST', '/api/v1/reports/saved', { name: 'Kept', definition });
  savedId = saved.json().id;
});
afterAll(() => t.close());

describe('the reports’ write routes refuse malformed input and change nothing', () => {
  for (const route of routes) {
    it(route.label, async () => {
      const failures: string[] = [];
      for (const c of generatedCases(route)) {
        const label = `${route.label} — ${c.name}`;
        const before = await snapshot();
        const response = await send(route, c);
        try {
          expect(response.statusCode, `${label}: ${response.body}`).toBe(c.status);
          expect(String(response.headers['content-type']), label).toMatch(/^application\/problem\+json/);
          const body = response.json() as { code: string; errors?: { path: string }[] };
          expect(body.code, label).toBe(c.code);
          expect(response.body, label).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules/);
          const paths = (body.errors ?? []).map((e) => e.path);
          // A field that is an object is named by the part of it that is wrong (definition.subject).
          for (const path of c.paths ?? []) {
            expect(
              paths.some((p) => p === path || p.startsWith(`${path}.`)),
              `${label}: ${response.body}`,
            ).toBe(true);
          }
          expect(await snapshot(), `${label}: the database changed`).toBe(before);
        } catch (error) {
          failures.push((error as Error).message.split('\n')[0] as string);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('the valid bodies are valid', async () => {
    for (const route of routes) {
      const res = await t.as(ADMIN, route.method, route.url(), route.valid());
      expect(res.statusCode, `${route.label}: ${res.body}`).toBeLessThan(300);
    }
  });
});
