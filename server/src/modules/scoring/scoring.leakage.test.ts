import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { loadChanges, loadLeads } from './scoring.facts.ts';
import { buildGroups, describeGroup, encode, type Raw, rawAt } from './scoring.features.ts';

/**
 * No leakage: what the model reads of a lead at a cut-off is the same before and after everything done to the lead
 * later (a note, activities, among them a call logged later as done before the cut-off, a field edit, a lost reason
 * and a stage change). The same reading taken after those changes differs, so the test would see a leak.
 */
let t: TestApp;
const ADMIN = 'admin@demo.test';
const DAY = 86_400_000;
let companyId: string;
let leadId: string;
const created = Date.parse('2031-04-01T06:00:00Z');
const cutoff = created + 2 * DAY;

async function reading(at: number): Promise<Raw> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const now = t.clock.now();
    const [lead] = await loadLeads(trx, [leadId], now);
    if (!lead) throw new Error('lead not found');
    const changes = await loadChanges(trx, [leadId], new Date(lead.createdAt));
    return rawAt(lead, changes.get(leadId) ?? [], at);
  });
}

const custom = [
  { key: 'budget', label: 'Budget', type: 'number' },
  { key: 'segment', label: 'Segment', type: 'select' },
];

/** The feature vector and each feature group in words, with groups learnt from the readings given. */
function vector(raw: Raw, learnt: Raw[]) {
  const groups = buildGroups(learnt, custom);
  return { row: Array.from(encode(groups, raw)), words: groups.map((g) => describeGroup(g, raw)) };
}

async function ok(method: string, url: string, body?: unknown) {
  const res = await t.as(ADMIN, method, url, body);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  for (const [key, type, options] of [
    ['budget', 'number', undefined],
    ['segment', 'select', ['SMB', 'Enterprise']],
  ] as const) {
    await ok('POST', '/api/v1/custom-fields', { label: key, key, type, options });
  }
  t.clock.set(new Date(created));
  leadId = (
    await ok('POST', '/api/v1/leads?onDuplicate=create', {
      name: 'Leakage Lead',
      source: 'web_form',
      city: 'Pune',
      campaign: 'Spring',
      expectedValue: 50000,
      customFields: { budget: 10, segment: 'SMB' },
    })
  ).id;
  // Before the cut-off: a call, and an edit.
  t.clock.set(new Date(created + DAY));
  await ok('POST', '/api/v1/activities', { leadId, type: 'call' });
  const lead = await ok('GET', `/api/v1/leads/${leadId}`);
  await ok('PATCH', `/api/v1/leads/${leadId}`, { version: lead.version, product: 'Widgets' });
}, 120_000);
afterAll(() => t.close());

describe('a lead read at a cut-off', () => {
  it('is the same before and after what happened to the lead after the cut-off', async () => {
    t.clock.set(new Date(cutoff + 3_600_000));
    const before = await reading(cutoff);
    expect(before.counts.call_logged).toBe(1);
    expect(before.values).toMatchObject({
      city: 'Pune',
      product: 'Widgets',
      customFields: { budget: 10, segment: 'SMB' },
    });

    // After the cut-off: a note, a meeting held, a call logged now as done yesterday (before the cut-off), a
    // follow-up done, edits of built-in and custom fields and the expected value, then Lost with a reason.
    t.clock.set(new Date(cutoff + DAY));
    await ok('POST', `/api/v1/leads/${leadId}/notes`, { body: 'They went quiet after the demo' });
    await ok('POST', '/api/v1/activities', {
      leadId,
      type: 'meeting',
      status: 'done',
      dueAt: new Date(cutoff + DAY - 60_000).toISOString(),
    });
    await ok('POST', '/api/v1/activities', { leadId, type: 'call', dueAt: new Date(cutoff - DAY / 2).toISOString() });
    let lead = await ok('GET', `/api/v1/leads/${leadId}`);
    await ok('PATCH', `/api/v1/leads/${leadId}`, {
      version: lead.version,
      city: 'Mumbai',
      source: 'referral',
      expectedValue: 90000,
      customFields: { budget: 999999, segment: 'Enterprise' },
    });
    t.clock.set(new Date(cutoff + 2 * DAY));
    lead = await ok('GET', `/api/v1/leads/${leadId}`);
    await ok('POST', `/api/v1/leads/${leadId}/stage`, {
      stage: 'lost',
      version: lead.version,
      fields: { lostReason: 'Chose a competitor' },
      closeFollowUps: true,
    });
    expect((await ok('GET', `/api/v1/leads/${leadId}`)).stage).toBe('lost');

    const after = await reading(cutoff);
    const later = await reading(t.clock.now().getTime());
    const learnt = [before, later];
    expect(vector(after, learnt)).toEqual(vector(before, learnt));
    expect(after.counts).toEqual(before.counts);
    expect(after.ageDays).toBe(before.ageDays);
    expect(after.touchDays).toBe(before.touchDays);
    for (const key of ['source', 'city', 'campaign', 'product', 'expectedValue', 'partnerId']) {
      expect(after.values[key], key).toEqual(before.values[key]);
    }
    expect(after.values.customFields).toEqual(before.values.customFields);

    // Read after the changes, the lead is different: a leak would have shown.
    expect(vector(later, learnt)).not.toEqual(vector(before, learnt));
    expect(later.counts.call_logged).toBe(2);
    expect(later.counts.meeting_held).toBe(1);
    expect(later.values).toMatchObject({ city: 'Mumbai', customFields: { budget: 999999, segment: 'Enterprise' } });
  });
});
