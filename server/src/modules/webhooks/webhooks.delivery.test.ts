import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../../test/fakes/webhook-receiver.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './webhooks.deliver.ts';

/**
 * Delivery over real HTTP to a local receiver, on the app clock: the retry schedule, Retry-After, 410, five days
 * of failures, secret rotation and replays.
 */
let t: TestApp;
let receiver: WebhookReceiver;
const ADMIN = 'admin@demo.test';
const BASE = '/api/v1/webhooks';

interface Delivery {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  attemptLog: { attempt: number; at: string; responseStatus: number | null; error: string | null }[];
}

async function drainJobs() {
  for (let i = 0; i < 100; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

async function createEndpoint(eventTypes: string[], path = '/hook') {
  const response = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, { url: receiver.url(path), eventTypes });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; secret: string };
}

async function deliveries(endpointId: string): Promise<Delivery[]> {
  const response = await t.as(ADMIN, 'GET', `${BASE}/endpoints/${endpointId}/deliveries?limit=100`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

async function endpoint(id: string) {
  return (await t.as(ADMIN, 'GET', `${BASE}/endpoints/${id}`)).json() as {
    enabled: boolean;
    disabledReason: string | null;
    previousSecretExpiresAt: string | null;
  };
}

async function createLead(name: string) {
  const response = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string };
}

async function adminNotifications(): Promise<{ title: string; body: string | null }[]> {
  const response = await t.as(ADMIN, 'GET', '/api/v1/notifications?limit=50');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

/** The signature the library computes for a received request with `secret` (its timestamp as sent). */
function librarySignature(secret: string, request: { headers: Record<string, string>; body: string }): string {
  const when = new Date(Number(request.headers['webhook-timestamp']) * 1000);
  return new Webhook(secret).sign(request.headers['webhook-id'] ?? '', when, request.body);
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

describe('rotation', () => {
  it('signs with both secrets for 24 hours, then with the new one only', async () => {
    const made = await createEndpoint(['lead.created'], '/rotate');
    const rotated = await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json() as { secret: string; previousSecretExpiresAt: string };
    expect(fresh.secret).toMatch(/^whsec_/);
    expect(fresh.secret).not.toBe(made.secret);
    expect(new Date(fresh.previousSecretExpiresAt).getTime()).toBe(t.clock.now().getTime() + 24 * 3_600_000);

    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    const during = receiver.received[0];
    if (!during) throw new Error('nothing received');
    const signatures = during.headers['webhook-signature']?.split(' ');
    expect(signatures).toEqual([librarySignature(fresh.secret, during), librarySignature(made.secret, during)]);
    // A receiver holding either secret verifies the message.
    for (const secret of [made.secret, fresh.secret]) {
      expect(new Webhook(secret).verify(during.body, during.headers)).toMatchObject({ type: 'webhook.test' });
    }

    t.clock.advance(24 * 3_600_000 + 1_000);
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    const after = receiver.received[1];
    if (!after) throw new Error('nothing received');
    expect(after.headers['webhook-signature']).toBe(librarySignature(fresh.secret, after));
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});

describe('replay', () => {
  it('sends one message again with its webhook-id, and everything failed since a time once', async () => {
    const made = await createEndpoint(['lead.created'], '/replay');
    const since = t.clock.now().toISOString();
    receiver.answerAlways({ status: 500 });
    await createLead('Replay One');
    await createLead('Replay Two');
    await drainJobs();
    const mine = () => receiver.received.filter((r) => r.path === '/replay');
    expect(mine()).toHaveLength(2);
    // Paused: the waiting retries are cancelled when they come due.
    await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${made.id}`, { enabled: false });
    t.clock.advance(10_000);
    await drainJobs();
    const cancelled = await deliveries(made.id);
    expect(cancelled.map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    const replayDisabled = await t.as(ADMIN, 'POST', `${BASE}/deliveries/${cancelled[1]?.id}/replay`);
    expect(replayDisabled.statusCode).toBe(409);

    await t.as(ADMIN, 'PATCH', `${BASE}/endpoints/${made.id}`, { enabled: true });
    receiver.clear();
    const one = await t.as(ADMIN, 'POST', `${BASE}/deliveries/${cancelled[1]?.id}/replay`);
    expect(one.statusCode, one.body).toBe(202);
    expect(one.json()).toMatchObject({ status: 'pending', messageId: cancelled[1]?.messageId });
    await drainJobs();
    expect(mine().map((r) => r.headers['webhook-id'])).toEqual([cancelled[1]?.messageId]);

    const all = await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/replay`, { since });
    expect(all.statusCode, all.body).toBe(202);
    expect(all.json().replayed).toBe(1);
    await drainJobs();
    expect(mine().map((r) => r.headers['webhook-id'])).toEqual([cancelled[1]?.messageId, cancelled[0]?.messageId]);
    const again = await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/replay`, { since });
    expect(again.json().replayed).toBe(0);
    const log = await deliveries(made.id);
    expect(log.filter((d) => d.status === 'succeeded')).toHaveLength(2);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});

describe('retries', () => {
  it('follow the schedule on 500, with the same webhook-id, until the last attempt fails', async () => {
    const made = await createEndpoint(['lead.created'], '/retry');
    receiver.answerAlways({ status: 500, body: 'boom' });
    await createLead('Retry Lead');
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      const [delivery] = await deliveries(made.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: i + 1, lastStatus: 500 });
      const lastAt = new Date(delivery?.attemptLog.at(-1)?.at ?? 0).getTime();
      const next = new Date(delivery?.nextAttemptAt ?? 0).getTime();
      // The scheduled wait, with up to 10% jitter added.
      expect(next - lastAt).toBeGreaterThanOrEqual(delay);
      expect(next - lastAt).toBeLessThan(delay * 1.1 + 1);
      t.clock.set(new Date(next - 1));
      await drainJobs();
      expect(receiver.received, `not before attempt ${i + 2} is due`).toHaveLength(i + 1);
      t.clock.set(new Date(next));
      await drainJobs();
      expect(receiver.received).toHaveLength(i + 2);
    }
    const [done] = await deliveries(made.id);
    expect(done).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(done?.attemptLog.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([done?.messageId]));
    for (const request of receiver.received) {
      expect(request.headers['webhook-signature']).toBe(librarySignature(made.secret, request));
    }
    t.clock.advance(48 * 3_600_000);
    await drainJobs();
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });

  it('wait at least what Retry-After asks', async () => {
    const made = await createEndpoint(['lead.created'], '/later');
    receiver.answerNext({ status: 503, headers: { 'retry-after': '3600' } });
    await createLead('Retry After Lead');
    await drainJobs();
    const [delivery] = await deliveries(made.id);
    const wait =
      new Date(delivery?.nextAttemptAt ?? 0).getTime() - new Date(delivery?.attemptLog[0]?.at ?? 0).getTime();
    expect(wait).toBe(3_600_000);
    t.clock.advance(3_599_000);
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    t.clock.advance(1_000);
    await drainJobs();
    expect(receiver.received).toHaveLength(2);
    expect((await deliveries(made.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});

describe('disabling', () => {
  it('a 410 disables the endpoint at once and tells the admins', async () => {
    const made = await createEndpoint(['lead.created'], '/gone');
    receiver.answerNext({ status: 410 });
    await createLead('Gone Lead');
    await drainJobs();
    expect((await deliveries(made.id))[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 410 });
    expect(await endpoint(made.id)).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
    expect((await adminNotifications()).some((n) => n.body?.includes(receiver.url('/gone')))).toBe(true);
    await createLead('After Gone Lead');
    t.clock.advance(60_000);
    await drainJobs();
    expect(receiver.received).toHaveLength(1);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });

  it('failing for 5 days disables the endpoint and tells the admins', async () => {
    const made = await createEndpoint(['lead.created'], '/dead');
    receiver.answerAlways({ status: 502 });
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    t.clock.advance(4 * 24 * 3_600_000);
    await drainJobs();
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    expect((await endpoint(made.id)).enabled).toBe(true);
    t.clock.advance(24 * 3_600_000);
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    expect(await endpoint(made.id)).toMatchObject({
      enabled: false,
      disabledReason: 'every delivery has failed for 5 days',
    });
    expect((await adminNotifications()).some((n) => n.body?.includes(receiver.url('/dead')))).toBe(true);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});

describe('the delivery log', () => {
  it('keeps finished deliveries for 30 days', async () => {
    const made = await createEndpoint(['lead.created'], '/kept');
    await t.as(ADMIN, 'POST', `${BASE}/endpoints/${made.id}/test`);
    await drainJobs();
    expect(await deliveries(made.id)).toHaveLength(1);
    t.clock.advance(29 * 24 * 3_600_000);
    await drainJobs();
    expect(await deliveries(made.id)).toHaveLength(1);
    t.clock.advance(2 * 24 * 3_600_000);
    await drainJobs();
    expect(await deliveries(made.id)).toEqual([]);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.id}`);
  });
});
