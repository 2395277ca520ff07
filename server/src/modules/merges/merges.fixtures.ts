import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

/**
 * Creates a lead through the API. `onDuplicate=create`: these tests make look-alike leads on purpose, and a
 * company's duplicate policy must not stop them.
 */
export async function createLead(t: TestApp, body: Record<string, unknown>, as = 'admin@demo.test') {
  const response = await t.as(as, 'POST', '/api/v1/leads?onDuplicate=create', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; version: number; [key: string]: unknown };
}

export async function merge(
  t: TestApp,
  as: string,
  survivorId: string,
  mergedIds: string[],
  fieldChoices?: Record<string, string>,
) {
  return t.as(as, 'POST', '/api/v1/leads/merge', { survivorId, mergedIds, ...(fieldChoices ? { fieldChoices } : {}) });
}

/** Merges and expects it to work; returns the merge id. */
export async function merged(t: TestApp, as: string, survivorId: string, mergedIds: string[], choices?: object) {
  const response = await merge(t, as, survivorId, mergedIds, choices as Record<string, string> | undefined);
  expect(response.statusCode, response.body).toBe(201);
  expect(response.json().survivorId).toBe(survivorId);
  return response.json().mergeId as string;
}

export async function getLead(t: TestApp, id: string, as = 'admin@demo.test') {
  const response = await t.as(as, 'GET', `/api/v1/leads/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Record<string, unknown> & { id: string; version: number };
}

export async function addNote(t: TestApp, leadId: string, body: string, as = 'admin@demo.test') {
  const response = await t.as(as, 'POST', `/api/v1/leads/${leadId}/notes`, { body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string };
}
