import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * Without the operator's IPERFORM_ALLOW_PRIVATE_ADDRESSES, no extractor source reaches loopback, private,
 * link-local or metadata addresses: an address given as such is refused when saved (400 naming the field), a
 * name resolving there fails the run naming the address, and nothing reaches the server behind it.
 */
const ADMIN = 'admin@demo.test';
let t: TestApp;
let server: Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[{"id": 1, "name": "Inside"}]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  expect(t.config.webhooksAllowPrivate).toBe(false);
});

afterAll(async () => {
  await t?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const mapping = [{ target: 'name', from: 'name' }];

async function runToEnd(sourceId: string) {
  const started = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${sourceId}/runs`);
  expect(started.statusCode, started.body).toBe(202);
  await t.runJobs();
  return (await t.as(ADMIN, 'GET', `/api/v1/extractor/runs/${started.json().id}`)).json();
}

describe('extractor sources on private addresses', () => {
  it('refuses a URL or a database host given as a private address, naming the field', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.8/api',
      'http://[::1]/api',
    ]) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
        name: 'Inside',
        kind: 'http',
        url,
        recordsPath: '$',
        mapping,
      });
      const body = expectProblem(response, 400, 'validation_failed', 'url');
      expect(JSON.stringify(body), url).toMatch(/refused: .*(127\.0\.0\.1|169\.254|10\.0\.0\.8|::1)/);
    }
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
        name: 'Inside file',
        kind: 'file',
        url: `http://192.168.1.20/leads.csv`,
        mapping,
      }),
      400,
      'validation_failed',
      'url',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', {
        name: 'Inside db',
        kind: 'mysql',
        host: '10.1.2.3',
        port: 3306,
        user: 'root',
        database: 'erp',
        query: 'SELECT id, name FROM people',
        cursorColumn: 'id',
        mapping,
      }),
      400,
      'validation_failed',
      'host',
    );
  });

  it('fails the run of an API, a file or a database whose name resolves to loopback, naming the address', async () => {
    for (const body of [
      { kind: 'http', url: `http://localhost:${port}/api`, recordsPath: '$' },
      { kind: 'file', url: `http://localhost:${port}/leads.csv`, format: 'csv' },
      {
        kind: 'mysql',
        host: 'localhost',
        port: 3306,
        user: 'root',
        database: 'erp',
        query: 'SELECT id, name FROM people',
        cursorColumn: 'id',
      },
      {
        kind: 'postgres',
        host: 'localhost',
        port: 5432,
        user: 'postgres',
        database: 'postgres',
        query: 'SELECT 1 AS id',
        cursorColumn: 'id',
      },
    ]) {
      const created = await t.as(ADMIN, 'POST', '/api/v1/extractor/sources', { name: 'Named', mapping, ...body });
      expect(created.statusCode, created.body).toBe(201);
      const run = await runToEnd(created.json().id);
      expect(run.status, body.kind).toBe('failed');
      expect(run.error, body.kind).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1)/);
      const preview = await t.as(ADMIN, 'POST', `/api/v1/extractor/sources/${created.json().id}/preview`);
      expect(preview.statusCode).toBe(422);
      expect(preview.json().detail).toMatch(/refused: localhost resolves to/);
    }
    expect(hits).toBe(0);
  });
});
