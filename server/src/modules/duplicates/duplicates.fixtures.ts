import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { expectProblem, type TestApp } from '../../../test/harness.ts';

export const ADMIN = 'admin@demo.test';

/** Changes the company's duplicate settings as its admin; the answer must be a 200. */
export async function setSettings(t: TestApp, body: Record<string, unknown>): Promise<void> {
  const response = await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', body);
  expect(response.statusCode, response.body).toBe(200);
}

/** Back to the defaults: people warned, machines stopped, visitors never; the usual threshold. */
export async function defaultSettings(t: TestApp): Promise<void> {
  await setSettings(t, {
    policies: { ui: 'warn', api: 'block', import: 'block', web_form: 'allow', integration: 'block' },
    nameThreshold: 0.6,
    plusAddressing: false,
  });
}

/** A new API key of the demo's integration user; `leads:read-all` lets it see every lead, not only its own. */
export async function integrationKey(t: TestApp, scopes: string[] = ['leads:read-all']): Promise<string> {
  const response = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: `dedup ${Math.random()}` });
  expect(response.statusCode, response.body).toBe(201);
  // Only an admin grants a scope to a key.
  const granted = await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${response.json().id}`, { scopes });
  expect(granted.statusCode, granted.body).toBe(200);
  return response.json().key as string;
}

/** Creates a lead that must be created (201); returns its id. */
export async function created(t: TestApp, who: string, body: Record<string, unknown>, query = ''): Promise<string> {
  const response = await t.as(who, 'POST', `/api/v1/leads${query}`, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

/** How many live leads the admin finds with this exact name. */
export async function countNamed(t: TestApp, name: string): Promise<number> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/leads?limit=200&q=${encodeURIComponent(name)}`);
  return (response.json().data as { name: string }[]).filter((l) => l.name === name).length;
}

/** Unusual words, so fixture names never resemble the demo's people or each other by accident. */
const words = [
  'Quillon',
  'Zephyrine',
  'Brackwater',
  'Ostrova',
  'Thistlemoor',
  'Vantablack',
  'Marigoldi',
  'Pemberton',
  'Halvorsen',
  'Xanthippe',
  'Corvidae',
  'Lindqvist',
  'Nightjar',
  'Rookwood',
  'Saffronia',
  'Tamsworth',
  'Umbrella',
  'Wexley',
  'Yardley',
  'Gallowglass',
];
let next = 0;

/** A two-word name no other fixture or demo lead has. */
export function freshName(): string {
  const i = next++;
  const first = words[i % words.length] as string;
  const second = words[(Math.floor(i / words.length) + 7 + i) % words.length] as string;
  return `${first} ${second}${'x'.repeat(Math.floor(i / (words.length * words.length)))}`;
}

let mailbox = 0;
/** An e-mail address no other fixture has. */
export function freshEmail(): string {
  mailbox++;
  return `person.${mailbox}.${Math.random().toString(36).slice(2, 8)}@dedup-tests.example`;
}

let line = 0;
/** An Indian mobile number in E.164 no other fixture has (the demo's numbers start 6-9 with other digits). */
export function freshPhone(): string {
  line++;
  const suffix = String(Math.floor(Math.random() * 1_000) * 1_000 + line).padStart(6, '0');
  return `+91912${suffix.slice(-6)}0`.slice(0, 13);
}

/** Asserts the 409 of a refused duplicate; returns its detail and the matches it lists. */
export function expectDuplicate(response: LightMyRequestResponse) {
  const problem = expectProblem(response, 409, 'duplicate_lead') as unknown;
  return problem as { detail: string; duplicates: { id: string; name: string; matchedOn: string[] }[] };
}
