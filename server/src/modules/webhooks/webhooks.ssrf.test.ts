import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../../test/fakes/webhook-receiver.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { isRefusedAddress } from '../../lib/ssrf.ts';
import { send } from './webhooks.send.ts';

/**
 * Server-side request forgery: without the operator's IPERFORM_ALLOW_PRIVATE_ADDRESSES, a webhook never reaches
 * loopback, private, link-local or metadata addresses, whether named by IP or by a host name that resolves there.
 */
let t: TestApp;
let receiver: WebhookReceiver;
const ADMIN = 'admin@demo.test';
const BASE = '/api/v1/webhooks';

async function drainJobs() {
  for (let i = 0; i < 100; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

beforeAll(async () => {
  t = await createTestApp();
  await drainJobs();
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

describe('refused destinations', () => {
  it('are loopback, private, link-local, metadata and the like, IPv4 and IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      'fe80::1',
      '[::1]',
    ]) {
      expect(isRefusedAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isRefusedAddress(address), address).toBe(false);
    }
  });

  it('are refused at connect time, by IP and by a name resolving to loopback; nothing arrives', async () => {
    for (const url of [receiver.url('/ip'), `http://localhost:${receiver.port}/name`]) {
      const created = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, { url, eventTypes: ['lead.created'] });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      expect((await t.as(ADMIN, 'POST', `${BASE}/endpoints/${id}/test`)).statusCode).toBe(202);
      await drainJobs();
      const [delivery] = (await t.as(ADMIN, 'GET', `${BASE}/endpoints/${id}/deliveries`)).json().data;
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
      expect(delivery.attemptLog[0].error, url).toMatch(/^refused: .*(127\.0\.0\.1|::1)/);
    }
    expect(receiver.received).toHaveLength(0);
  });
});

describe('sending', () => {
  it('gives up on an endpoint that does not answer in time, without throwing', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const result = await send(`http://127.0.0.1:${port}/`, {}, '{}', { allowPrivate: true, timeoutMs: 200 });
    expect(result).toMatchObject({ status: null, error: 'no answer within 0.2 s' });
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('does not follow redirects', async () => {
    receiver.answerNext({ status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    const result = await send(receiver.url('/redirect'), {}, '{}', { allowPrivate: true });
    expect(result).toMatchObject({ status: 307, error: null });
  });
});
