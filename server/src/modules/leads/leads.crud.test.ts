import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('lead record', () => {
  it('creates a lead with normalised emails and phones, owned by the salesperson who entered it', async () => {
    const created = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
      name: '  Asha Verma ',
      companyName: 'Verma Textiles',
      emails: [' Asha@Verma.IN ', 'asha@verma.in'],
      phones: ['98765 43210', '+91 98765-43210'],
      expectedValue: 125000,
      tags: ['hot', 'hot', 'textiles'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const lead = created.json();
    expect(lead).toMatchObject({
      name: 'Asha Verma',
      emails: ['asha@verma.in'],
      phones: ['+919876543210'],
      stage: 'new',
      source: 'manual',
      currency: 'INR',
      expectedValue: 125000,
      tags: ['hot', 'textiles'],
      ownerId: await userId(t, 'sales1@demo.test'),
      version: 1,
    });
    expect(created.headers.etag).toBe('"1"');

    const fetched = await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${lead.id}`);
    expect(fetched.json()).toEqual(lead);
  });

  it('rejects a stale version with 409 and changes nothing', async () => {
    const lead = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Ravi Shah' })).json();
    const first = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, { version: 1, city: 'Pune' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ city: 'Pune', version: 2 });
    const stale = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, { version: 1, city: 'Mumbai' });
    expectProblem(stale, 409, 'version_conflict');
    const now = await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${lead.id}`);
    expect(now.json()).toMatchObject({ city: 'Pune', version: 2 });
  });

  it('moves through the pipeline, requiring a value for Won, and keeps the history', async () => {
    const lead = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Meena Iyer' })).json();
    t.clock.advance(3_600_000);
    const demo = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'demo' });
    expect(demo.statusCode, demo.body).toBe(200);
    const won = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'won' });
    expectProblem(won, 422, 'stage_requirements', 'fields.expectedValue');
    const ok = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, {
      stage: 'won',
      fields: { expectedValue: 50000 },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ stage: 'won', expectedValue: 50000 });
    const history = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${lead.id}/stage-history`)).json().data;
    expect(history.map((h: { toStage: string }) => h.toStage)).toEqual(['new', 'demo', 'won']);
    expect(history[1].secondsInPrevious).toBe(3600);
    const reopen = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'trial' });
    expectProblem(reopen, 403, 'forbidden');
    const list = await t.as('manager1@demo.test', 'GET', '/api/v1/leads?stage=won');
    expect(list.json().data.map((l: { id: string }) => l.id)).toContain(lead.id);
    const other = await t.as('admin@other.test', 'GET', `/api/v1/leads/${lead.id}`);
    expectProblem(other, 404, 'not_found');
  });
});
