import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../../test/fakes/webhook-receiver.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { signature, signedHeaders } from './webhooks.signing.ts';

/**
 * Outgoing webhooks through the API: endpoints and their secrets, who may manage and read them, and the events
 * of the lead write path arriving at a local receiver, verified with the Standard Webhooks library.
 */
let t: TestApp;
let receiver: WebhookReceiver;
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const INTEGRATION = 'integration@demo.test';
const OTHER = 'admin@other.test';
const BASE = '/api/v1/webhooks';

const vector = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/webhooks/test_vector.json'), 'utf8'),
) as { secret: string; msg_id: string; timestamp: number; payload: string; expected_signature_header: string };

async function drainJobs() {
  for (let i = 0; i < 100; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

async function createEndpoint(body: Record<string, unknown>, who = ADMIN) {
  const response = await t.as(who, 'POST', `${BASE}/endpoints`, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; secret: string; url: string; enabled: boolean };
}

beforeAll(async () => {
  t = await createTestApp({ webhooksAllowPrivate: true });
  await drainJobs();
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});
beforeEach(() => receiver.clear());

describe('signatures', () => {
  it('match the Standard Webhooks test vector and the library’s own', () => {
    expect(signature(vector.secret, vector.msg_id, vector.timestamp, vector.payload)).toBe(
      vector.expected_signature_header,
    );
    const headers = signedHeaders([vector.secret], vector.msg_id, vector.timestamp, vector.payload);
    expect(headers['webhook-signature']).toBe(vector.expected_signature_header);
    const library = new Webhook(vector.secret);
    expect(library.sign(vector.msg_id, new Date(vector.timestamp * 1000), vector.payload)).toBe(
      vector.expected_signature_header,
    );
  });
});

describe('endpoints', () => {
  it('are created with a secret shown once, listed and changed without it, and audited', async () => {
    const created = await createEndpoint({
      url: receiver.url('/crm'),
      description: 'ERP sync',
      eventTypes: ['lead.created'],
      filter: { source: 'web_form' },
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created).toMatchObject({ url: receiver.url('/crm'), enabled: true, description: 'ERP sync' });

    const got = await t.as(ADMIN, 'GET', `${BASE}/endpoints/${created.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    expect(got.body).not.toContain(created.secret);
    const listed = await t.as(INTEGRATION, 'GET', `${BASE}/endpoints`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.map((e: { id: string }) => e.id)).toContain(created.id);
    expect(listed.body).not.toContain(created.secret);

    const patched = await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${created.id}`, {
      eventTypes: ['lead.created', 'lead.stage_changed'],
      enabled: false,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ eventTypes: ['lead.created', 'lead.stage_changed'], enabled: false });

    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=webhook_endpoint&entityId=${created.id}`);
    expect(
      audit
        .json()
        .data.map((e: { action: string }) => e.action)
        .sort(),
    ).toEqual(['webhook_endpoint.created', 'webhook_endpoint.updated']);
    expect(audit.body).not.toContain(created.secret);

    const deleted = await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${created.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await t.as(ADMIN, 'GET', `${BASE}/endpoints/${created.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const before = (await t.as(ADMIN, 'GET', `${BASE}/endpoints`)).json().data.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'not a url', eventTypes: ['lead.created'] }, 'url'],
      [{ url: 'ftp://example.com/x', eventTypes: ['lead.created'] }, 'url'],
      [{ url: 'https://user:pw@example.com/x', eventTypes: ['lead.created'] }, 'url'],
      [{ url: 'https://example.com/x', eventTypes: ['lead.exploded'] }, 'eventTypes.0'],
      [{ url: 'https://example.com/x', eventTypes: [] }, 'eventTypes'],
      [{ url: 'https://example.com/x', eventTypes: ['lead.created'], filter: { city: 'Pune' } }, 'filter.city'],
      [{ url: 'https://example.com/x', eventTypes: ['lead.created'], filter: { ownerId: 'me' } }, 'filter.ownerId'],
      [{ url: 'https://example.com/x', eventTypes: ['lead.created'], secret: 'whsec_mine' }, ''],
    ];
    for (const [body, path] of cases) {
      const response = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, body);
      if (path) expectProblem(response, 400, 'validation_failed', path);
      else expectProblem(response, 400, 'validation_failed');
    }
    const made = await createEndpoint({ url: 'https://example.com/ok', eventTypes: ['lead.created'] });
    const bad = await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${made.id}`, { url: 'javascript:alert(1)' });
    expectProblem(bad, 400, 'validation_failed', 'url');
    expect((await t.as(ADMIN, 'GET', `${BASE}/endpoints/${made.id}`)).json().url).toBe('https://example.com/ok');
    const replay = await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/replay`, { since: 'yesterday' });
    expectProblem(replay, 400, 'validation_failed', 'since');
    const page = await t.as(ADMIN, 'GET', `${BASE}/endpoints/${made.id}/deliveries?cursor=abc`);
    expectProblem(page, 400, 'validation_failed', 'cursor');
    expect((await t.as(ADMIN, 'GET', `${BASE}/endpoints`)).json().data.length).toBe(before + 1);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });

  it('are managed by an admin only; an integration user reads the log; a salesperson nothing', async () => {
    const made = await createEndpoint({ url: receiver.url(), eventTypes: ['lead.created'] });
    const routes: [string, string, unknown?][] = [
      ['GET', `${BASE}/endpoints`],
      ['POST', `${BASE}/endpoints`, { url: receiver.url(), eventTypes: ['lead.created'] }],
      ['GET', `${BASE}/endpoints/${made.id}`],
      ['PATCH', `${BASE}/endpoints/${made.id}`, { description: 'x' }],
      ['DELETE', `${BASE}/endpoints/${made.id}`],
      ['POST', `${BASE}/endpoints/${made.id}/rotate-secret`],
      ['POST', `${BASE}/endpoints/${made.id}/test`],
      ['GET', `${BASE}/endpoints/${made.id}/deliveries`],
      ['POST', `${BASE}/endpoints/${made.id}/replay`, { since: '2020-01-01T00:00:00Z' }],
      ['POST', `${BASE}/deliveries/${made.id}/replay`],
    ];
    for (const [method, url, body] of routes) {
      expectProblem(await t.as(SALES, method, url, body), 403, 'forbidden');
    }
    const reads = ['GET'];
    for (const [method, url, body] of routes) {
      const response = await t.as(INTEGRATION, method, url, body);
      if (reads.includes(method)) expect(response.statusCode, `${method} ${url}`).toBe(200);
      else expectProblem(response, 403, 'forbidden');
    }
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });

  it('of another company are not found on every id route', async () => {
    const made = await createEndpoint({ url: receiver.url(), eventTypes: ['lead.created'] });
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    const delivery = (await t.as(ADMIN, 'GET', `${BASE}/endpoints/${made.id}/deliveries`)).json().data[0];
    expect(delivery).toBeDefined();
    const routes: [string, string, unknown?][] = [
      ['GET', `${BASE}/endpoints/${made.id}`],
      ['PATCH', `${BASE}/endpoints/${made.id}`, { description: 'mine now' }],
      ['DELETE', `${BASE}/endpoints/${made.id}`],
      ['POST', `${BASE}/endpoints/${made.id}/rotate-secret`],
      ['POST', `${BASE}/endpoints/${made.id}/test`],
      ['GET', `${BASE}/endpoints/${made.id}/deliveries`],
      ['POST', `${BASE}/endpoints/${made.id}/replay`, { since: '2020-01-01T00:00:00Z' }],
      ['POST', `${BASE}/deliveries/${delivery.id}/replay`],
    ];
    for (const [method, url, body] of routes) {
      expectProblem(await t.as(OTHER, method, url, body), 404, 'not_found');
    }
    expect((await t.as(OTHER, 'GET', `${BASE}/endpoints`)).json().data).toEqual([]);
    const still = await t.as(ADMIN, 'GET', `${BASE}/endpoints/${made.id}`);
    expect(still.json().description).toBe('');
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});

describe('events of the lead write path', () => {
  it('delivers lead.created with the lead’s data and lead.stage_changed, signed, verified by the library', async () => {
    const endpoint = await createEndpoint({
      url: receiver.url('/leads'),
      eventTypes: ['lead.created', 'lead.stage_changed'],
    });
    const created = await t.as(SALES, 'POST', '/api/v1/leads?onDuplicate=create', {
      name: 'Hooked Lead',
      emails: ['hooked@example.com'],
      expectedValue: 1200,
    });
    expect(created.statusCode, created.body).toBe(201);
    const lead = created.json();
    // Nothing is sent while the request runs: the delivery is the worker's.
    expect(receiver.received).toHaveLength(0);
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    const library = new Webhook(endpoint.secret);
    const first = receiver.received[0];
    const payload = library.verify(first?.body ?? '', first?.headers ?? {}) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    expect(payload).toMatchObject({
      type: 'lead.created',
      data: {
        id: lead.id,
        name: 'Hooked Lead',
        emails: ['hooked@example.com'],
        expectedValue: 1200,
        stage: lead.stage,
        ownerId: lead.ownerId,
      },
    });
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(first?.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(first?.headers['content-type']).toBe('application/json');

    const moved = await t.as(SALES, 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'demo' });
    expect(moved.statusCode, moved.body).toBe(200);
    await drainJobs();
    expect(receiver.received).toHaveLength(2);
    const second = receiver.received[1];
    const changed = library.verify(second?.body ?? '', second?.headers ?? {}) as { type: string; data: object };
    expect(changed).toMatchObject({
      type: 'lead.stage_changed',
      data: { id: lead.id, stage: 'demo', previousStage: lead.stage },
    });
    expect(second?.headers['webhook-id']).not.toBe(first?.headers['webhook-id']);
    // A wrong secret does not verify.
    expect(() => new Webhook(vector.secret).verify(second?.body ?? '', second?.headers ?? {})).toThrow();

    const log = await t.as(INTEGRATION, 'GET', `${BASE}/endpoints/${endpoint.id}/deliveries`);
    expect(log.statusCode, log.body).toBe(200);
    const [latest, earlier] = log.json().data;
    expect(latest).toMatchObject({ eventType: 'lead.stage_changed', status: 'succeeded', attempts: 1 });
    expect(earlier).toMatchObject({ eventType: 'lead.created', status: 'succeeded', attempts: 1 });
    expect(latest.attemptLog[0]).toMatchObject({
      attempt: 1,
      responseStatus: 200,
      responseBody: 'ok',
      request: { url: receiver.url('/leads') },
    });
    expect(latest.attemptLog[0].request.headers['webhook-id']).toBe(second?.headers['webhook-id']);
    expect(typeof latest.attemptLog[0].durationMs).toBe('number');
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${endpoint.id}`);
  });

  it('sends only the subscribed types that pass the filter, and nothing while disabled', async () => {
    const endpoint = await createEndpoint({
      url: receiver.url('/filtered'),
      eventTypes: ['lead.created'],
      filter: { source: 'web_form' },
    });
    const post = (body: object) => t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', body);
    expect((await post({ name: 'Filtered Walkin', source: 'referral' })).statusCode).toBe(201);
    expect((await post({ name: 'Filtered Web', source: 'web_form' })).statusCode).toBe(201);
    await drainJobs();
    expect(receiver.received.map((r) => JSON.parse(r.body).data.name)).toEqual(['Filtered Web']);

    await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${endpoint.id}`, { enabled: false });
    expect((await post({ name: 'Filtered Later', source: 'web_form' })).statusCode).toBe(201);
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${endpoint.id}`);
  });

  it('sends a test message on request', async () => {
    const endpoint = await createEndpoint({ url: receiver.url('/test'), eventTypes: ['lead.deleted'] });
    const test = await t.as(ADMIN, 'POST', `${BASE}/endpoints/${endpoint.id}/test`);
    expect(test.statusCode, test.body).toBe(202);
    expect(test.json()).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    const payload = new Webhook(endpoint.secret).verify(
      receiver.received[0]?.body ?? '',
      receiver.received[0]?.headers ?? {},
    );
    expect(payload).toMatchObject({ type: 'webhook.test', data: { endpointId: endpoint.id } });
    await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${endpoint.id}`, { enabled: false });
    expectProblem(await t.as(ADMIN, 'POST', `${BASE}/endpoints/${endpoint.id}/test`), 409, 'webhook_endpoint_disabled');
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${endpoint.id}`);
  });

  it('covers assignment, edits, follow-ups, delete and restore', async () => {
    const endpoint = await createEndpoint({
      url: receiver.url('/all'),
      eventTypes: [
        'lead.created',
        'lead.updated',
        'lead.assigned',
        'lead.deleted',
        'lead.restored',
        'activity.created',
        'activity.completed',
      ],
    });
    const library = new Webhook(endpoint.secret);
    const step = async (request: Promise<{ statusCode: number; body: string }>) => {
      const response = await request;
      expect(response.statusCode, response.body).toBeLessThan(300);
      receiver.clear();
      await drainJobs();
      return receiver.received
        .map((r) => library.verify(r.body, r.headers) as { type: string; data: Record<string, unknown> })
        .sort((a, b) => a.type.localeCompare(b.type));
    };
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Eventful Lead' });
    const lead = created.json() as { id: string };
    await drainJobs();
    const edited = await step(t.as(ADMIN, 'PATCH', `/api/v1/leads/${lead.id}`, { version: 1, city: 'Pune' }));
    expect(edited).toMatchObject([{ type: 'lead.updated', data: { id: lead.id, city: 'Pune', changes: ['city'] } }]);

    const sales2 = await userId(t, 'sales2@demo.test');
    const assigned = await step(t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/assign`, { ownerId: sales2 }));
    expect(assigned.map((e) => e.type)).toEqual(['lead.assigned', 'lead.updated']);
    expect(assigned[0]?.data).toMatchObject({ id: lead.id, ownerId: sales2 });

    const dueAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const body = { leadId: lead.id, type: 'follow_up', dueAt, title: 'Call back' };
    const activity = await t.as(ADMIN, 'POST', '/api/v1/activities', body);
    expect(activity.statusCode, activity.body).toBe(201);
    receiver.clear();
    await drainJobs();
    const activityId = activity.json().id as string;
    expect(receiver.received.map((r) => JSON.parse(r.body))).toMatchObject([
      { type: 'activity.created', data: { id: activityId, leadId: lead.id, title: 'Call back', type: 'follow_up' } },
    ]);
    const completed = await step(t.as(ADMIN, 'POST', `/api/v1/activities/${activityId}/complete`, {}));
    expect(completed).toMatchObject([{ type: 'activity.completed', data: { id: activityId, status: 'done' } }]);

    const deleted = await step(t.as(ADMIN, 'DELETE', `/api/v1/leads/${lead.id}`));
    expect(deleted.map((e) => e.type)).toEqual(['lead.deleted']);
    const restored = await step(t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/restore`));
    expect(restored.map((e) => e.type)).toEqual(['lead.restored']);

    await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${endpoint.id}`, {
      eventTypes: ['lead.merged', 'activity.missed'],
    });
    const other = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Eventful Twin' });
    const merged = await step(
      t.as(ADMIN, 'POST', '/api/v1/leads/merge', { survivorId: lead.id, mergedIds: [other.json().id] }),
    );
    expect(merged).toMatchObject([{ type: 'lead.merged', data: { id: other.json().id, mergedInto: lead.id } }]);

    const soon = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const late = await t.as(ADMIN, 'POST', '/api/v1/activities', { leadId: lead.id, type: 'follow_up', dueAt: soon });
    expect(late.statusCode, late.body).toBe(201);
    receiver.clear();
    t.clock.advance(3 * 3_600_000);
    await drainJobs();
    // The clock has moved on past the library's 5-minute tolerance: the body is read without it here.
    const missed = receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: object });
    expect(missed).toMatchObject([{ type: 'activity.missed', data: { id: late.json().id, status: 'missed' } }]);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${endpoint.id}`);
  });

  it('captures nothing for a company without endpoints', async () => {
    const count = async () =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM webhook_events`.execute(t.dbs.owner)).rows[0]?.n ?? 0);
    const before = await count();
    // The count sees every company's events (Demo Co's above): the other company adds none.
    expect(before).toBeGreaterThan(0);
    const other = await t.as(OTHER, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Quiet Lead' });
    expect(other.statusCode, other.body).toBe(201);
    expect(await count()).toBe(before);
  });
});
