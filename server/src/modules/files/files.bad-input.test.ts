import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { filesUnder, multipart, upload, uploaded } from './files.fixtures.ts';

/**
 * Bad uploads get a 400 naming the field (413 past the company's quota), and leave nothing behind: no row, no
 * bytes on the disk. Limits are small here: 64 KiB per file, 200 KiB per company.
 */
let t: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-files-bad-'));
  t = await createTestApp({ dataDir, filesMaxBytes: 64 * 1024, filesQuotaBytes: 200 * 1024 });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

const stored = () => filesUnder(join(dataDir, 'files'));
const listed = async () => (await t.as(ADMIN, 'GET', '/api/v1/files')).json().data.length as number;

async function refused(
  response: Awaited<ReturnType<typeof upload>>,
  status: number,
  code: string,
  path: string,
  before: { rows: number; files: number },
) {
  expectProblem(response, status, code, path);
  expect(await listed()).toBe(before.rows);
  expect((await stored()).length).toBe(before.files);
}

describe('bad uploads', () => {
  it('refuses names that are paths or hold control characters, before storing a byte', async () => {
    const before = { rows: await listed(), files: (await stored()).length };
    for (const name of [
      '../../etc/passwd',
      '..\\..\\boot.ini',
      'a/b.txt',
      '..',
      'evil\u0007.txt',
      'tab\tname.txt',
      'rtl\u202Etxt.exe',
      '   ',
    ]) {
      const response = await upload(t, ADMIN, { name, content: 'root:x:0:0' });
      await refused(response, 400, 'validation_failed', 'file', before);
    }
  });

  it('refuses an empty file, an oversized one, and a request without a file', async () => {
    const before = { rows: await listed(), files: (await stored()).length };
    await refused(await upload(t, ADMIN, { name: 'empty.txt', content: '' }), 400, 'validation_failed', 'file', before);
    const big = Buffer.alloc(64 * 1024 + 1, 1);
    const tooBig = await upload(t, ADMIN, { name: 'big.bin', content: big });
    await refused(tooBig, 400, 'validation_failed', 'file', before);
    expect(tooBig.json().detail).toMatch(/larger than/);
    await refused(await upload(t, ADMIN, null, { folderId: '' }), 400, 'validation_failed', 'file', before);
    // Exactly at the limit is fine.
    await uploaded(t, ADMIN, 'limit.bin', Buffer.alloc(64 * 1024, 2));
  });

  it('names a bad form field: a malformed ticketId or folderId, both a folder and a lead, an unknown ticket', async () => {
    const before = { rows: await listed(), files: (await stored()).length };
    const file = { name: 'x.txt', content: 'x' };
    await refused(await upload(t, ADMIN, file, { ticketId: 'T-1' }), 400, 'validation_failed', 'ticketId', before);
    const unknownTicket = { ticketId: '0193a000-0000-7000-8000-000000000003' };
    await refused(await upload(t, ADMIN, file, unknownTicket), 404, 'not_found', 'ticketId', before);
    await refused(await upload(t, ADMIN, file, { folderId: 'nope' }), 400, 'validation_failed', 'folderId', before);
    const both = {
      folderId: '0193a000-0000-7000-8000-000000000001',
      leadId: '0193a000-0000-7000-8000-000000000002',
    };
    await refused(await upload(t, ADMIN, file, both), 400, 'validation_failed', 'leadId', before);
    await refused(
      await upload(t, ADMIN, file, { folderId: '0193a000-0000-7000-8000-000000000001' }),
      404,
      'not_found',
      'folderId',
      before,
    );
  });

  it('refuses a form field sent after the file, naming it', async () => {
    const before = { rows: await listed(), files: (await stored()).length };
    const late = { folderId: '0193a000-0000-7000-8000-000000000001' };
    const body = multipart({ name: 'late.txt', content: 'x' }, {}, late);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/files',
      headers: { authorization: `Bearer ${await t.token(ADMIN)}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    await refused(response, 400, 'validation_failed', 'folderId', before);
  });

  it('answers 415 to a body that is not multipart', async () => {
    const response = await t.as(ADMIN, 'POST', '/api/v1/files', { file: 'x' });
    expect(response.statusCode).toBe(415);
  });

  it('holds the company to its quota (413), counting every version, and stores nothing past it', async () => {
    const used = () => t.as(ADMIN, 'GET', '/api/v1/files').then((r) => r.json().data as { size: number }[]);
    // 64 KiB (above) + 3 x 40 KiB = 184 KiB of 200 KiB.
    for (let i = 0; i < 3; i++) await uploaded(t, ADMIN, 'same-name.bin', Buffer.alloc(40 * 1024, i + 3));
    expect((await used()).length).toBeGreaterThan(0);
    const before = { rows: await listed(), files: (await stored()).length };
    const over = await upload(t, ADMIN, { name: 'over.bin', content: Buffer.alloc(20 * 1024, 9) });
    await refused(over, 413, 'quota_exceeded', 'file', before);
    await uploaded(t, ADMIN, 'fits.bin', Buffer.alloc(10 * 1024, 9));
  });
});
