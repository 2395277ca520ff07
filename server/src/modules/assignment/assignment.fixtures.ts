import { expect } from 'vitest';
import { type TestApp, userId } from '../../../test/harness.ts';

/** Helpers the assignment tests share: rules, leads and people made through the API, as an admin would. */

export const ADMIN = 'admin@demo.test';

/** Monday 7 January 2030, 12:00 in Asia/Kolkata (Demo Co's zone): inside any office day. */
export const MONDAY_NOON_IST = new Date('2030-01-07T06:30:00Z');

export interface Candidate {
  userId: string;
  name: string;
  chosen: boolean;
  skipped: string | null;
}

export interface Why {
  reason: string;
  ruleId: string | null;
  ruleName: string | null;
  strategy: string | null;
  ownerId: string | null;
  previousOwnerId: string | null;
  slaDueAt: string | null;
  candidates: Candidate[];
  detail: string;
}

export async function clearRules(t: TestApp): Promise<void> {
  const rules = (await t.as(ADMIN, 'GET', '/api/v1/assignment-rules')).json().data as { id: string }[];
  for (const rule of rules) {
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/assignment-rules/${rule.id}`)).statusCode).toBe(204);
  }
}

export async function addRule(t: TestApp, body: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const response = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** A lead entered by the admin without an owner: the rules decide. */
export async function newLead(
  t: TestApp,
  body: Record<string, unknown> = {},
  who = ADMIN,
): Promise<{ id: string; ownerId: string | null; version: number }> {
  const response = await t.as(who, 'POST', '/api/v1/leads', { name: 'Asha Verma', ...body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** The why of a lead's current assignment, and its history (newest first). */
export async function whyOf(t: TestApp, leadId: string): Promise<{ current: Why; history: Why[] }> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/leads/${leadId}/assignment`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export function skipped(why: Why, id: string): string | null | undefined {
  return why.candidates.find((c) => c.userId === id)?.skipped;
}

let people = 0;
/** A new salesperson under a manager, so each test has people no other test loads or caps. */
export async function newSalesperson(t: TestApp, name: string, manager = 'manager1@demo.test'): Promise<string> {
  people++;
  const email = `rep${people}.${process.pid}@demo.test`;
  const response = await t.as(ADMIN, 'POST', '/api/v1/users', {
    email,
    name,
    role: 'SALESPERSON',
    managerId: await userId(t, manager),
    password: 'a long enough passphrase 42',
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

export async function setAvailability(t: TestApp, id: string, body: Record<string, unknown>): Promise<void> {
  const response = await t.as(ADMIN, 'PUT', `/api/v1/users/${id}/availability`, {
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    ...body,
  });
  expect(response.statusCode, response.body).toBe(200);
}

export async function salesIds(t: TestApp): Promise<[string, string, string, string]> {
  return [
    await userId(t, 'sales1@demo.test'),
    await userId(t, 'sales2@demo.test'),
    await userId(t, 'sales3@demo.test'),
    await userId(t, 'sales4@demo.test'),
  ];
}
