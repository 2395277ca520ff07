import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, JWT_SECRET, type TestApp, userId } from '../../../test/harness.ts';
import { type App, buildApp } from '../../app.ts';
import { ManualClock } from '../../lib/clock.ts';
import { addActivity, dueIn, HOUR, leadOf } from '../activities/activities.fixtures.ts';
import { liveNotifications } from './notifications.live.ts';

/** Notifications delivered live over real HTTP: a client connects, another request (or process) notifies. */

interface ServerEvent {
  event: string;
  data: Record<string, unknown>;
}

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  await liveNotifications(t.app.deps).listen(t.url);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

/** Opens the stream as a browser would (fetch with a bearer token) and reads its events as they come. */
async function connect(baseUrl: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/notifications/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const queue: ServerEvent[] = [];
  let buffer = '';
  let ended = false;

  const parse = () => {
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (event && data) queue.push({ event, data: JSON.parse(data) });
    }
  };
  const read = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const chunk = await Promise.race([reader.read(), timeout]);
    clearTimeout(timer);
    if (chunk === 'timeout') return false;
    if (chunk.done) {
      ended = true;
      return false;
    }
    buffer += decoder.decode(chunk.value, { stream: true });
    parse();
    return true;
  };

  return {
    response,
    /** The next event matching `match`, skipping others; throws when none comes within the time. */
    async next(match: (e: ServerEvent) => boolean = () => true, ms = 5000): Promise<ServerEvent> {
      const until = Date.now() + ms;
      for (;;) {
        const index = queue.findIndex(match);
        if (index >= 0) return queue.splice(index, 1)[0] as ServerEvent;
        if (ended || Date.now() > until) throw new Error(`no matching event (ended: ${ended})`);
        await read(until - Date.now());
      }
    },
    /** Whether the server ended the stream within the time. */
    async endsWithin(ms: number): Promise<boolean> {
      const until = Date.now() + ms;
      while (!ended && Date.now() < until) await read(until - Date.now());
      return ended;
    },
    close: () => controller.abort(),
  };
}

const assignTo = async (who: string, leadOwner: string, name: string) => {
  const lead = await leadOf(t, leadOwner, { name });
  await addActivity(t, 'manager1@demo.test', {
    leadId: lead,
    type: 'follow_up',
    dueAt: dueIn(t, HOUR),
    assigneeId: await userId(t, who),
  });
  return lead;
};

describe('the live notification stream', () => {
  it('delivers a notification made by another request to the connected client, with the unread count', async () => {
    const stream = await connect(base, await t.token('sales1@demo.test'));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toContain('no-cache');
    const ready = await stream.next((e) => e.event === 'ready');
    expect(ready.data).toEqual({ unreadCount: expect.any(Number), live: true });

    const lead = await assignTo('sales1@demo.test', 'sales1@demo.test', 'Live Lead');
    const pushed = await stream.next((e) => e.event === 'notification');
    expect(pushed.data).toEqual({
      notification: expect.objectContaining({
        kind: 'activity.assigned',
        title: 'Vikram Mehta gave you a follow-up on Live Lead',
        leadId: lead,
        readAt: null,
      }),
      unreadCount: (ready.data.unreadCount as number) + 1,
    });

    const readAll = await t.as('sales1@demo.test', 'POST', '/api/v1/notifications/read-all');
    expect(readAll.statusCode).toBe(200);
    expect((await stream.next((e) => e.event === 'unread')).data).toEqual({ unreadCount: 0 });
    stream.close();
  });

  it('gives each user only its own notifications', async () => {
    const mine = await connect(base, await t.token('sales2@demo.test'));
    await mine.next((e) => e.event === 'ready');
    await assignTo('sales1@demo.test', 'sales1@demo.test', 'Not For Sneha');
    const hers = await assignTo('sales2@demo.test', 'sales2@demo.test', 'For Sneha');
    const first = await mine.next((e) => e.event === 'notification');
    expect(first.data.notification).toMatchObject({ leadId: hers });
    mine.close();
  });

  it('delivers what another process commits', async () => {
    const other = await buildApp({
      config: t.config,
      db: t.dbs.app,
      jwtSecret: JWT_SECRET,
      clock: new ManualClock(t.clock.now()),
      logger: false,
      webRoot: null,
    });
    await other.ready();
    const stream = await connect(base, await t.token('warrior1@demo.test'));
    await stream.next((e) => e.event === 'ready');
    const lead = await leadOf(t, 'sales1@demo.test', {
      name: 'Cross Process',
      warriorIds: [await userId(t, 'warrior1@demo.test')],
    });
    const made = await other.inject({
      method: 'POST',
      url: '/api/v1/activities',
      headers: { authorization: `Bearer ${await t.token('sales1@demo.test')}` },
      payload: {
        leadId: lead,
        type: 'follow_up',
        dueAt: dueIn(t, HOUR),
        assigneeId: await userId(t, 'warrior1@demo.test'),
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    expect((await stream.next((e) => e.event === 'notification')).data.notification).toMatchObject({ leadId: lead });
    stream.close();
    await other.close();
  });

  it('tells every open stream of the company when leads change, and no stream of another company', async () => {
    const manager = await connect(base, await t.token('manager1@demo.test'));
    const other = await connect(base, await t.token('admin@other.test'));
    await manager.next((e) => e.event === 'ready');
    await other.next((e) => e.event === 'ready');
    const created = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Live dashboard lead' });
    expect(created.statusCode).toBe(201);
    const lead = created.json();
    await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'demo', version: lead.version });
    expect((await manager.next((e) => e.event === 'changed')).data).toEqual({ what: 'leads' });
    await expect(other.next((e) => e.event === 'changed', 1500)).rejects.toThrow(/no matching event/);
    manager.close();
    other.close();
  });

  it('refuses a caller without credentials', async () => {
    expectProblem(await t.as(null, 'GET', '/api/v1/notifications/stream'), 401, 'unauthenticated');
    const response = await fetch(`${base}/api/v1/notifications/stream`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
  });

  it('ends open streams cleanly when the app closes', async () => {
    const app: App = await buildApp({
      config: t.config,
      db: t.dbs.app,
      jwtSecret: JWT_SECRET,
      clock: new ManualClock(t.clock.now()),
      logger: false,
      webRoot: null,
    });
    await liveNotifications(app.deps).listen(t.url);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const stream = await connect(url, await t.token('manager1@demo.test'));
    await stream.next((e) => e.event === 'ready');
    const closing = app.close();
    expect(await stream.endsWithin(5000)).toBe(true);
    await closing;
    expect(liveNotifications(app.deps).connected).toBe(0);
  });
});
