import { connect as connectSocket } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { errorHandler } from '../src/http/error-handler.ts';
import { createTestApp, expectProblem, JWT_SECRET, type TestApp } from './harness.ts';

/**
 * Every error, whatever raised it (Node's HTTP parser, Fastify's body parsing, the router, a handler), answers
 * RFC 9457 problem+json with a code and the request id, and never a stack trace; and the request log never
 * holds the secrets some URLs carry.
 */
const STACK = /\bat .*\.(ts|js):\d+|node_modules|\/work\/|\/tmp\//;

let t: TestApp;
/** A second app on the same database, logging to `logLines` as `serve` logs to stdout, and listening. */
let logged: App;
let baseUrl: { host: string; port: number };
const logLines: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  logged = await buildApp({
    config: { ...t.config, logLevel: 'info' },
    db: t.dbs.app,
    jwtSecret: JWT_SECRET,
    logger: { level: 'info', stream },
    webRoot: null,
  });
  await logged.listen({ port: 0, host: '127.0.0.1' });
  const address = logged.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  baseUrl = { host: '127.0.0.1', port: address.port };
});
afterAll(async () => {
  await logged?.close();
  await t?.close();
});

/** Sends raw bytes over a socket and reads the whole answer: status, headers and body. */
function rawRequest(text: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(baseUrl.port, baseUrl.host);
    let received = '';
    socket.on('data', (chunk) => {
      received += String(chunk);
    });
    socket.on('error', (error) => {
      if (!received) reject(error);
    });
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(text);
  });
}

function expectRawProblem(
  response: { status: number; headers: Record<string, string>; body: string },
  status: number,
  code: string,
) {
  expect(response.status, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body);
  expect(body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(body.requestId).toBe(response.headers['x-request-id']);
  expect(response.body).not.toMatch(STACK);
}

function expectCleanProblem(response: LightMyRequestResponse, status: number, code: string) {
  expectProblem(response, status, code);
  expect(response.body).not.toMatch(STACK);
}

describe('errors raised before any route runs', () => {
  it('answers a request line and headers over 16 KiB (a long query string) with 431 problem+json', async () => {
    const query = 'q='.padEnd(17 * 1024, 'x');
    expectRawProblem(
      await rawRequest(`GET /api/v1/leads?${query} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
      431,
      'headers_too_large',
    );
  });

  it('answers what is not HTTP (an unknown method, a broken request line) with 400 problem+json', async () => {
    expectRawProblem(await rawRequest('BREW /api/v1/leads HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400, 'bad_request');
    expectRawProblem(await rawRequest('GET /\u0001 HTTP/9\r\n\r\n'), 400, 'bad_request');
  });

  it('answers a body over 1 MiB with 413, another type than JSON with 415, broken JSON with 400', async () => {
    const big = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1024 * 1024) });
    const post = (payload: string | Buffer, type = 'application/json') =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': type }, payload });
    expectCleanProblem(await post(big), 413, 'payload_too_large');
    expectCleanProblem(
      await post('email=a@b.test', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    expectCleanProblem(await post('hello', 'text/plain'), 415, 'unsupported_media_type');
    expectCleanProblem(await post('{"email": '), 400, 'malformed_json');
    expectCleanProblem(await post(''), 400, 'malformed_json');
  });

  it('answers an unknown route, or a method a route does not take, with 404 route_not_found', async () => {
    expectCleanProblem(await t.app.inject({ url: '/api/v1/no-such-thing' }), 404, 'route_not_found');
    expectCleanProblem(await t.app.inject({ method: 'DELETE', url: '/healthz' }), 404, 'route_not_found');
    expectRawProblem(
      await rawRequest('PROPFIND /api/v1/leads HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
      404,
      'route_not_found',
    );
  });

  it('maps any client error status a plugin raises (405, 408, 431, ...) to problem+json with a code', async () => {
    const bare = Fastify();
    bare.setErrorHandler(errorHandler);
    bare.get('/:status', (request) => {
      throw Object.assign(new Error('raised by a plugin'), {
        statusCode: Number((request.params as { status: string }).status),
      });
    });
    for (const [status, code] of [
      [405, 'method_not_allowed'],
      [408, 'request_timeout'],
      [413, 'payload_too_large'],
      [415, 'unsupported_media_type'],
      [431, 'headers_too_large'],
    ] as const) {
      const response = await bare.inject({ url: `/${status}` });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status, code, requestId: expect.any(String) });
    }
    // A status the registry does not name is a plain 400 bad_request.
    const teapot = await bare.inject({ url: '/418' });
    expect(teapot.statusCode).toBe(400);
    expect(teapot.json()).toMatchObject({ status: 400, code: 'bad_request' });
    await bare.close();
  });
});

describe('odd bodies', () => {
  const post = (url: string, payload: string | Buffer) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload,
      remoteAddress: '198.51.100.7',
    });

  it('refuses a body that is not UTF-8 with 400 malformed_json, storing nothing', async () => {
    const token = await t.token('admin@demo.test');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: Buffer.concat([Buffer.from('{"name":"Bad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    });
    expectCleanProblem(response, 400, 'malformed_json');
  });

  it('answers a huge number, deep nesting or prototype keys with a 400 problem, never a stack trace', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const payload of [
      `{"email":"a@b.test","password":1${'0'.repeat(400)}}`,
      `{"email":${deep(200_000)},"password":"x"}`,
      `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
      '{"email":"a@b.test","password":"x","__proto__":{"admin":true}}',
      '{"email":"a@b.test","password":"x","constructor":{"prototype":{"admin":true}}}',
    ]) {
      const response = await post('/api/v1/auth/login', payload);
      expect(response.statusCode, payload.slice(0, 60)).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toMatch(STACK);
    }
    // A batch answers a deeply nested item as that item's 400.
    const token = await t.token('admin@demo.test');
    const bulk = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads/bulk',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: `{"leads":[${deep(200_000)}]}`,
    });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.json().results[0]).toMatchObject({ status: 400, outcome: 'failed' });
  });
});

describe('the request log', () => {
  const secret = 'S3cr3t-Verify-Token-0f9a';
  const trackingToken = 'AAAtrackingTOKENzzz-0123456789abcdef';

  it('keeps the secrets URLs carry out of the log, and the rest of the URL in it', async () => {
    logLines.length = 0;
    const origin = `http://${baseUrl.host}:${baseUrl.port}`;
    await fetch(
      `${origin}/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${secret}&hub.challenge=1158201444`,
    );
    await fetch(`${origin}/api/v1/t/o/${trackingToken}`);
    await fetch(`${origin}/api/v1/t/c/${trackingToken}?u=1`, { redirect: 'manual' });
    await fetch(`${origin}/api/v1/leads?q=visible-search&access_token=${secret}`);
    const text = logLines.join('\n');
    const urls = logLines
      .map((line) => JSON.parse(line) as { req?: { url?: string } })
      .flatMap((l) => l.req?.url ?? []);
    expect(urls).toHaveLength(4);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(trackingToken);
    expect(urls).toEqual([
      '/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=1158201444',
      '/api/v1/t/o/[redacted]',
      '/api/v1/t/c/[redacted]?u=1',
      '/api/v1/leads?q=visible-search&access_token=[redacted]',
    ]);
  });
});
