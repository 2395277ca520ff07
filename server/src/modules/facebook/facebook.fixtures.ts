import { sql } from 'kysely';
import { expect } from 'vitest';
import { FakeMetaGraph, signMeta } from '../../../test/fakes/meta-graph.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Test helpers: a fake Graph API, an app pointed at it, Pages connected, webhooks signed as Meta signs them. */
export const PAGE_ID = '138124712925158';
export const ACCESS_TOKEN = 'EAAJfakePageTokenForLeadAds0123456789';
export const APP_SECRET = 'meta-app-secret-for-lead-ads-0123456789';

export async function startWithFake(): Promise<{ t: TestApp; fake: FakeMetaGraph }> {
  const fake = await new FakeMetaGraph(ACCESS_TOKEN).start();
  const t = await createTestApp({ facebookGraphUrl: fake.url });
  return { t, fake };
}

export interface ConnectionDto {
  id: string;
  pageId: string;
  status: string;
  verifyToken: string;
  webhookUrl: string;
  lastError: string | null;
  pendingEvents: number;
  [key: string]: unknown;
}

export async function connectPage(
  t: TestApp,
  overrides: Record<string, unknown> = {},
  as = 'admin@demo.test',
): Promise<ConnectionDto> {
  const response = await t.as(as, 'POST', '/api/v1/facebook/pages', {
    pageId: PAGE_ID,
    pageName: 'Demo Motors',
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export function postWebhook(
  t: TestApp,
  payload: unknown,
  options: { secret?: string; signature?: string | null } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = options.signature === undefined ? signMeta(body, options.secret ?? APP_SECRET) : options.signature;
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks/facebook',
    payload: body,
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
  });
}

/** A leadgen delivery for one lead of the page, as Meta sends it (ids as strings, created_time in seconds). */
export function leadgen(leadgenId: string, formId: string, pageId = PAGE_ID) {
  return {
    object: 'page',
    entry: [
      {
        id: pageId,
        time: 1630087927,
        changes: [
          {
            field: 'leadgen',
            value: { form_id: formId, leadgen_id: leadgenId, created_time: 1630087926, page_id: pageId },
          },
        ],
      },
    ],
  };
}

export interface EventDto {
  id: string;
  status: string;
  leadgenId: string | null;
  leadId: string | null;
  error: string | null;
  [key: string]: unknown;
}

export async function events(t: TestApp, connectionId: string, as = 'admin@demo.test'): Promise<EventDto[]> {
  const response = await t.as(as, 'GET', `/api/v1/facebook/pages/${connectionId}/events?limit=200`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

/** Runs jobs until none is due (a backfill queues its next page as it finishes one). */
export async function drainJobs(t: TestApp): Promise<void> {
  for (let i = 0; i < 20; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

export async function companyIdOf(t: TestApp, email = 'admin@demo.test'): Promise<string> {
  return (await t.as(email, 'GET', '/api/v1/auth/me')).json().company.id;
}

/** How many rows a tenant table holds, read as the app reads it (row-level security on). */
export async function countRows(t: TestApp, companyId: string, table: string): Promise<number> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(trx);
    return result.rows[0]?.n ?? 0;
  });
}

export async function leadsFromFacebook(t: TestApp): Promise<Record<string, unknown>[]> {
  const response = await t.as('admin@demo.test', 'GET', '/api/v1/leads?source=facebook&limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}
