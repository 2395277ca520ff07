import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

/** Helpers the activity tests share: leads and activities made through the API, as their users would. */

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export interface ActivityBody {
  id: string;
  leadId: string;
  type: string;
  status: string;
  title: string;
  channel: string | null;
  outcome: string | null;
  notes: string | null;
  assignee: { id: string; name: string };
  dueAt: string;
  dueAtLocal: string;
  timezone: string;
  overdue: boolean;
  remindAt: string | null;
  remindedAt: string | null;
  missedAt: string | null;
  completedAt: string | null;
  version: number;
  previousId: string | null;
  direction: string | null;
  durationSeconds: number | null;
  callResult: string | null;
}

/** A lead entered by `who` (a salesperson owns what it enters), with any extra fields. */
export async function leadOf(t: TestApp, who: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(who, 'POST', '/api/v1/leads', { name: 'Farah Siddiqui', ...body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

export async function addActivity(t: TestApp, who: string, body: Record<string, unknown>): Promise<ActivityBody> {
  const response = await t.as(who, 'POST', '/api/v1/activities', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** A follow-up due `inMs` from the test clock's now. */
export function dueIn(t: TestApp, inMs: number): string {
  return new Date(t.clock.now().getTime() + inMs).toISOString();
}

export async function list(t: TestApp, who: string, query: string): Promise<ActivityBody[]> {
  const response = await t.as(who, 'GET', `/api/v1/activities${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

export async function notificationsOf(t: TestApp, who: string) {
  const response = await t.as(who, 'GET', '/api/v1/notifications?limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as { id: string; kind: string; title: string; body: string | null; leadId: string }[];
}
