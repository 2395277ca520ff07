import { expect } from 'vitest';
import type { FakeSmtp } from '../../../test/fakes/smtp.ts';
import type { TestApp } from '../../../test/harness.ts';

/** Points the company's outgoing email at the fake server (as its admin). */
export async function configureSmtp(
  t: TestApp,
  smtp: FakeSmtp,
  overrides: Record<string, unknown> = {},
  admin = 'admin@demo.test',
) {
  const response = await t.as(admin, 'PUT', '/api/v1/email/settings', {
    host: '127.0.0.1',
    port: smtp.port,
    security: 'none',
    fromName: 'Demo Co Sales',
    fromAddress: 'sales@demo-co.example',
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A lead owned by the given salesperson (who creates it), with an email address. */
export async function leadWithEmail(t: TestApp, who: string, body: Record<string, unknown> = {}) {
  const response = await t.as(who, 'POST', '/api/v1/leads', {
    name: 'Anita Sharma',
    emails: ['anita.sharma@example.com'],
    companyName: 'Shree Balaji Traders',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; name: string; version: number };
}

export async function sendEmail(t: TestApp, who: string, leadId: string, body: Record<string, unknown>) {
  return t.as(who, 'POST', `/api/v1/leads/${leadId}/emails`, body);
}

export async function emailOf(t: TestApp, who: string, id: string) {
  const response = await t.as(who, 'GET', `/api/v1/emails/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** The tracked links and the pixel of a received HTML body, as paths the app answers (`/api/v1/t/...`). */
export function trackingPaths(html: string) {
  const paths = [...html.matchAll(/https?:\/\/[^/"]+(\/api\/v1\/t\/[oc]\/[A-Za-z0-9_-]+)/g)].map((m) => m[1] as string);
  return { clicks: paths.filter((p) => p.includes('/t/c/')), opens: paths.filter((p) => p.includes('/t/o/')) };
}
