import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

export const ADMIN = 'admin@demo.test';
export const SUCCESS = 'success@demo.test';
export const SALES = 'sales1@demo.test';
export const OTHER_SALES = 'sales3@demo.test';
export const MANAGER = 'manager1@demo.test';
export const GUEST = 'guest@demo.test';
export const PARTNER = 'partner@demo.test';
export const OTHER_CO = 'admin@other.test';

export interface TicketBody {
  id: string;
  reference: string;
  subject: string;
  status: string;
  priority: string;
  version: number;
  leadId: string | null;
  assignee: { id: string; name: string } | null;
  tags: string[];
  requesterEmail: string | null;
  sla: {
    firstResponse: { dueAt: string; stoppedAt: string | null; breached: boolean };
    resolution: { dueAt: string; stoppedAt: string | null; breached: boolean };
  };
}

export async function leadOf(t: TestApp, who: string, name = 'Farah Siddiqui'): Promise<string> {
  const response = await t.as(who, 'POST', '/api/v1/leads', { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

export async function ticketOf(t: TestApp, who: string, body: Record<string, unknown>): Promise<TicketBody> {
  const response = await t.as(who, 'POST', '/api/v1/tickets', {
    subject: 'Printer not syncing',
    description: 'Invoices stopped printing after the update.',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** The ids of the tickets `who` sees in the list (first page of 200). */
export async function listed(t: TestApp, who: string, query = ''): Promise<string[]> {
  const response = await t.as(who, 'GET', `/api/v1/tickets?limit=200${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().data as { id: string }[]).map((x) => x.id);
}

export async function notificationsOf(t: TestApp, who: string) {
  const response = await t.as(who, 'GET', '/api/v1/notifications?limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as { kind: string; title: string; body: string | null; leadId: string | null }[];
}
