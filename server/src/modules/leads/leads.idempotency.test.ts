import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { canonicalJson } from './leads.idempotency.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function post(email: string, url: string, body: unknown, key?: string) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${await t.token(email)}`,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    payload: body as object,
  });
}

async function leadsNamed(name: string): Promise<{ id: string }[]> {
  const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}`);
  return response.json().data;
}

describe('Idempotency-Key on POST /leads', () => {
  it('replays the first answer for the same key and body, without a second lead', async () => {
    const body = { name: 'Replay Lead', emails: ['replay@example.com'], city: 'Pune' };
    const first = await post('sales1@demo.test', '/api/v1/leads', body, 'order-123');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same content with its keys in another order is the same request.
    const again = await post(
      'sales1@demo.test',
      '/api/v1/leads',
      { city: 'Pune', emails: ['replay@example.com'], name: 'Replay Lead' },
      'order-123',
    );
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await leadsNamed('Replay Lead')).toHaveLength(1);
  });

  it('refuses the same key with another body (422) and creates nothing', async () => {
    const first = await post('sales1@demo.test', '/api/v1/leads', { name: 'Mismatch One' }, 'mismatch-key');
    expect(first.statusCode).toBe(201);
    const other = await post('sales1@demo.test', '/api/v1/leads', { name: 'Mismatch Two' }, 'mismatch-key');
    expectProblem(other, 422, 'idempotency_mismatch');
    expect(await leadsNamed('Mismatch Two')).toHaveLength(0);
  });

  it('creates one lead when two requests with the same key race', async () => {
    const body = { name: 'Racing Lead', phones: ['98200 11111'] };
    const [a, b] = await Promise.all([
      post('sales2@demo.test', '/api/v1/leads', body, 'race-1'),
      post('sales2@demo.test', '/api/v1/leads', body, 'race-1'),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    expect(await leadsNamed('Racing Lead')).toHaveLength(1);
  });

  it('keeps nothing of a failed request: the key is free for the corrected one', async () => {
    const bad = await post('sales1@demo.test', '/api/v1/leads', { name: 'Fixed Lead', emails: ['nope'] }, 'fix-me');
    expectProblem(bad, 400, 'validation_failed', 'emails.0');
    const good = await post('sales1@demo.test', '/api/v1/leads', { name: 'Fixed Lead' }, 'fix-me');
    expect(good.statusCode, good.body).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });

  it('scopes keys per user and forgets them after 24 hours', async () => {
    const body = { name: 'Scoped Lead' };
    const mine = await post('sales1@demo.test', '/api/v1/leads', body, 'shared-key');
    const theirs = await post('sales2@demo.test', '/api/v1/leads', body, 'shared-key');
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().id).not.toBe(mine.json().id);

    t.clock.advance(23 * 3_600_000);
    const within = await post('sales1@demo.test', '/api/v1/leads', body, 'shared-key');
    expect(within.headers['idempotent-replayed']).toBe('true');
    t.clock.advance(2 * 3_600_000);
    const later = await post('sales1@demo.test', '/api/v1/leads', body, 'shared-key');
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json().id).not.toBe(mine.json().id);
    // The new answer is the one replayed from now on.
    const replay = await post('sales1@demo.test', '/api/v1/leads', body, 'shared-key');
    expect(replay.json().id).toBe(later.json().id);
    expect(await leadsNamed('Scoped Lead')).toHaveLength(3);
  });

  it('refuses a malformed key with a 400 naming the header, and creates nothing', async () => {
    for (const key of ['', 'has space', 'x'.repeat(201), 'naïve']) {
      const response = await post('sales1@demo.test', '/api/v1/leads', { name: 'Bad Key Lead' }, key);
      expectProblem(response, 400, 'validation_failed', 'Idempotency-Key');
    }
    expect(await leadsNamed('Bad Key Lead')).toHaveLength(0);
    const longest = await post('sales1@demo.test', '/api/v1/leads', { name: 'Long Key Lead' }, 'k'.repeat(200));
    expect(longest.statusCode).toBe(201);
  });

  it('does not let the same key replay across routes with a different body', async () => {
    await post('sales1@demo.test', '/api/v1/leads', { name: 'Route Lead' }, 'route-key');
    const bulk = await post('sales1@demo.test', '/api/v1/leads/bulk', { leads: [{ name: 'Route Lead' }] }, 'route-key');
    expectProblem(bulk, 422, 'idempotency_mismatch');
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, skip: undefined })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
