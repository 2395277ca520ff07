import { sql } from 'kysely';
import { expect } from 'vitest';
import { FakeWhatsAppCloud, sign } from '../../../test/fakes/whatsapp-cloud.ts';
import type { TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Test helpers: Demo Co connected to a fake Cloud API, and webhooks signed as Meta signs them. */
export const PHONE_NUMBER_ID = '106540352242922';
export const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAFAKEtokenForTests123';
export const APP_SECRET = 'app-secret-of-the-meta-app-0123456789';
export const VERIFY_TOKEN = 'iperform-verify-4b1d';

export async function connectDemo(t: TestApp, overrides: Record<string, unknown> = {}): Promise<FakeWhatsAppCloud> {
  const fake = await new FakeWhatsAppCloud(PHONE_NUMBER_ID, ACCESS_TOKEN).start();
  const response = await t.as('admin@demo.test', 'PUT', '/api/v1/whatsapp/settings', {
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    apiBaseUrl: fake.url,
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(200);
  return fake;
}

export function postWebhook(
  t: TestApp,
  payload: unknown,
  options: { secret?: string; signature?: string | null } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = options.signature === undefined ? sign(body, options.secret ?? APP_SECRET) : options.signature;
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks/whatsapp',
    payload: body,
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
  });
}

export interface MessageDto {
  id: string;
  leadId: string | null;
  direction: string;
  type: string;
  phone: string | null;
  text: string | null;
  status: string;
  wamid: string | null;
  error: { code: number | null; title: string; detail: string | null } | null;
  attempts: number;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  [key: string]: unknown;
}

export async function thread(t: TestApp, leadId: string, as = 'admin@demo.test'): Promise<MessageDto[]> {
  const response = await t.as(as, 'GET', `/api/v1/leads/${leadId}/whatsapp`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

export async function companyIdOf(t: TestApp, email = 'admin@demo.test'): Promise<string> {
  return (await t.as(email, 'GET', '/api/v1/auth/me')).json().company.id;
}

/** Every row of a tenant table, read as the app reads it (row-level security on). */
export async function tenantRows(t: TestApp, companyId: string, table: string): Promise<Record<string, unknown>[]> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(trx);
    return result.rows;
  });
}
