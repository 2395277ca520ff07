import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlakyProxy } from '../../../test/fakes/flaky-proxy.ts';
import { LocalS3, S3_CREDENTIALS } from '../../../test/fakes/s3.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import type { S3Config } from '../../config.ts';
import { filesUnder, upload, uploaded } from './files.fixtures.ts';

/**
 * The S3 driver against a real S3-compatible server started here (s3rver), reached through a pass-through that
 * can go down on cue: streamed and multipart uploads, downloads through us and by presigned link, and a store
 * that is down, or goes down mid-upload, leaving no row and no object.
 */
const BUCKET = 'iperform-files';
const PART = 5 * 1024 * 1024;
const ADMIN = 'admin@demo.test';
const s3 = new LocalS3();
let proxy: FlakyProxy;
let t: TestApp;
let presigning: TestApp;
let dataDir: string;
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

function s3Config(endpoint: string, presignSeconds: number): S3Config {
  return {
    bucket: BUCKET,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
    partSizeBytes: PART,
    presignSeconds,
  };
}

beforeAll(async () => {
  await s3.start(BUCKET);
  proxy = new FlakyProxy({ host: '127.0.0.1', port: s3.port });
  const through = await proxy.start();
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-files-s3-'));
  t = await createTestApp({ dataDir, s3: s3Config(through, 0) });
  presigning = await createTestApp({ dataDir, s3: s3Config(s3.url, 60) });
});
afterAll(async () => {
  await t?.close();
  await presigning?.close();
  await proxy?.close();
  await s3.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the S3 driver', () => {
  it('stores a small file as one object and gives the bytes back through the API', async () => {
    proxy.reset();
    const before = await s3.keys(BUCKET);
    const file = await uploaded(t, ADMIN, 'hello.txt', 'hello from S3');
    const after = await s3.keys(BUCKET);
    expect(after.length).toBe(before.length + 1);
    expect(proxy.requests.some((r) => r.includes('uploads'))).toBe(false);
    const got = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content`);
    expect(got.body).toBe('hello from S3');
    expect(sha(got.rawPayload)).toBe(file.sha256);
    expect(await filesUnder(join(dataDir, 'files'))).toEqual([]);
  });

  it('uploads a file larger than a part in several parts (multipart) and reads it back whole', async () => {
    proxy.reset();
    const content = Buffer.alloc(2 * PART + 123_457);
    for (let i = 0; i < content.length; i += 4096) content.writeUInt32BE(i, i);
    const file = await uploaded(t, ADMIN, 'big.bin', content);
    expect(file).toMatchObject({ size: content.length, sha256: sha(content) });
    expect(proxy.requests.filter((r) => r.startsWith('POST') && r.includes('?uploads'))).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.startsWith('PUT') && r.includes('partNumber='))).toHaveLength(3);
    const got = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content`);
    expect(sha(got.rawPayload)).toBe(sha(content));
  });

  it('answers a download with a short-lived presigned link that serves the bytes as an attachment', async () => {
    const file = await uploaded(presigning, ADMIN, 'page.html', '<!doctype html><p>hi</p>');
    const res = await presigning.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content`);
    expect(res.statusCode).toBe(302);
    const link = new URL(String(res.headers.location));
    expect(link.searchParams.get('X-Amz-Expires')).toBe('60');
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe('<!doctype html><p>hi</p>');
    expect(fetched.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(fetched.headers.get('content-type')).toBe('application/octet-stream');
    // The link is minted per authorised request: another company gets no link at all.
    expectProblem(await presigning.as('admin@other.test', 'GET', `/api/v1/files/${file.id}/content`), 404, 'not_found');
  });

  it('answers 503 when the store is down, and saves nothing', async () => {
    proxy.reset();
    const before = { keys: await s3.keys(BUCKET), rows: (await t.as(ADMIN, 'GET', '/api/v1/files')).json().data };
    proxy.down = true;
    const res = await upload(t, ADMIN, { name: 'down.txt', content: 'nowhere to go' });
    const body = expectProblem(res, 503, 'storage_unavailable');
    expect(body.detail).toMatch(/File storage failed/);
    proxy.reset();
    expect(await s3.keys(BUCKET)).toEqual(before.keys);
    expect((await t.as(ADMIN, 'GET', '/api/v1/files')).json().data).toEqual(before.rows);
  });

  it('leaves no row and no object when the store goes down in the middle of a multipart upload', async () => {
    proxy.reset();
    const before = { keys: await s3.keys(BUCKET), rows: (await t.as(ADMIN, 'GET', '/api/v1/files')).json().data };
    proxy.cutAfterBytes = PART + PART / 2;
    const res = await upload(t, ADMIN, { name: 'cut.bin', content: Buffer.alloc(3 * PART, 5) });
    expectProblem(res, 503, 'storage_unavailable');
    expect(proxy.requests.some((r) => r.includes('partNumber=1'))).toBe(true);
    proxy.reset();
    expect(await s3.keys(BUCKET)).toEqual(before.keys);
    expect((await t.as(ADMIN, 'GET', '/api/v1/files')).json().data).toEqual(before.rows);
    // Once the store is back, the same upload goes through.
    expect((await upload(t, ADMIN, { name: 'cut.bin', content: Buffer.alloc(PART + 1, 5) })).statusCode).toBe(201);
  });
});
