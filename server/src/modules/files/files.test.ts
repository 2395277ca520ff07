import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { multipart, PNG, upload, uploaded } from './files.fixtures.ts';

/** Files on the local disk: round trip, versions, sniffing, the trash, lead visibility, downloads' headers. */
let t: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-files-'));
  t = await createTestApp({ dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function lead(ownerEmail: string, name: string): Promise<string> {
  const res = await t.as(ADMIN, 'POST', '/api/v1/leads', { name, ownerId: await userId(t, ownerEmail) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('upload and download', () => {
  it('stores the bytes and gives them back the same, with their SHA-256', async () => {
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
    const file = await uploaded(t, 'sales1@demo.test', 'data.bin', content);
    expect(file).toMatchObject({ name: 'data.bin', size: content.length, sha256: sha(content), version: 1 });
    const got = await t.as('sales1@demo.test', 'GET', `/api/v1/files/${file.id}/content`);
    expect(got.statusCode).toBe(200);
    expect(sha(got.rawPayload)).toBe(file.sha256);
    expect(got.headers['content-length']).toBe(String(content.length));
    const meta = await t.as('guest@demo.test', 'GET', `/api/v1/files/${file.id}`);
    expect(meta.json()).toMatchObject({ id: file.id, sha256: file.sha256, folderId: null, leadId: null });
    const list = await t.as('guest@demo.test', 'GET', '/api/v1/files');
    expect(list.json().data.map((f: { id: string }) => f.id)).toContain(file.id);
  });

  it('sniffs the type from the bytes: a PNG named .txt is image/png, and may be previewed inline', async () => {
    const file = await uploaded(t, ADMIN, 'notes.txt', PNG);
    expect(file.contentType).toBe('image/png');
    expect(file.previewable).toBe(true);
    const inline = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content?inline=1`);
    expect(inline.headers['content-type']).toBe('image/png');
    expect(inline.headers['content-disposition']).toMatch(/^inline; filename="notes.txt"/);
    const plain = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content`);
    expect(plain.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('serves HTML, SVG, scripts and unknown bytes as attachments with nosniff, even when inline is asked', async () => {
    const cases: [string, string | Buffer, string][] = [
      ['page.png', '<!DOCTYPE html><html><script>alert(1)</script></html>', 'text/html'],
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
      ['app.js', 'alert(document.cookie)', 'text/plain'],
      ['blob.dat', Buffer.from([0, 1, 2, 3, 250, 251, 0, 9]), 'application/octet-stream'],
    ];
    for (const [name, content, type] of cases) {
      const file = await uploaded(t, ADMIN, name, content);
      expect(file.contentType, name).toBe(type);
      const res = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content?inline=1`);
      expect(res.headers['content-disposition'], name).toMatch(/^attachment;/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(String(res.headers['content-security-policy'])).toContain('sandbox');
    }
  });

  it('keeps a non-ASCII name, with an ASCII fallback for old browsers', async () => {
    const file = await uploaded(
      t,
      ADMIN,
      'Résumé prix ₹.pdf',
      '%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
    );
    expect(file.name).toBe('Résumé prix ₹.pdf');
    expect(file.contentType).toBe('application/pdf');
    const res = await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content?inline=1`);
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="R_sum_ prix _.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20prix%20%E2%82%B9.pdf`,
    );
  });

  it('audits uploads and downloads', async () => {
    const file = await uploaded(t, 'sales2@demo.test', 'audited.txt', 'hello');
    await t.as('sales2@demo.test', 'GET', `/api/v1/files/${file.id}/content`);
    const log = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=file&entityId=${file.id}`);
    const actions = log.json().data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['file.downloaded', 'file.uploaded']);
  });
});

describe('versions', () => {
  it('makes a new upload of the same name in the same place a new version, and keeps the old bytes', async () => {
    const first = await uploaded(t, ADMIN, 'Price list.txt', 'v1 prices');
    const second = await uploaded(t, 'sales1@demo.test', 'price LIST.txt', 'v2 prices, cheaper');
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    expect(second.sha256).toBe(sha('v2 prices, cheaper'));
    const versions = (await t.as(ADMIN, 'GET', `/api/v1/files/${first.id}/versions`)).json().data;
    expect(versions.map((v: { version: number; sha256: string }) => [v.version, v.sha256])).toEqual([
      [2, sha('v2 prices, cheaper')],
      [1, sha('v1 prices')],
    ]);
    expect(versions[0].createdBy.name).toBe('Rohan Gupta');
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${first.id}/content`)).body).toBe('v2 prices, cheaper');
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${first.id}/content?version=1`)).body).toBe('v1 prices');
    expectProblem(await t.as(ADMIN, 'GET', `/api/v1/files/${first.id}/content?version=3`), 404, 'not_found');
  });

  it('makes two uploads of one new name at once a file with two versions', async () => {
    const [a, b] = await Promise.all([
      uploaded(t, ADMIN, 'race.txt', 'first'),
      uploaded(t, 'sales1@demo.test', 'race.txt', 'second'),
    ]);
    expect(a.id).toBe(b.id);
    expect([a.version, b.version].sort()).toEqual([1, 2]);
  });

  it('takes the place from the query string as well as from the form', async () => {
    const leadId = await lead('sales1@demo.test', 'Query Place Lead');
    const body = multipart({ name: 'q.txt', content: 'q' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/files?leadId=${leadId}`,
      headers: { authorization: `Bearer ${await t.token(ADMIN)}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().leadId).toBe(leadId);
  });

  it('keeps files of one name in different places apart', async () => {
    const leadId = await lead('sales1@demo.test', 'Versioning Lead');
    const root = await uploaded(t, ADMIN, 'quote.txt', 'root');
    const onLead = await uploaded(t, ADMIN, 'quote.txt', 'lead', { leadId });
    expect(onLead.id).not.toBe(root.id);
    expect(onLead.version).toBe(1);
  });
});

describe('the trash', () => {
  it('moves a file to the trash and back', async () => {
    const file = await uploaded(t, 'sales1@demo.test', 'trash-me.txt', 'bye');
    const del = await t.as('sales1@demo.test', 'DELETE', `/api/v1/files/${file.id}`);
    expect(del.statusCode).toBe(204);
    const live = (await t.as(ADMIN, 'GET', '/api/v1/files')).json().data.map((f: { id: string }) => f.id);
    expect(live).not.toContain(file.id);
    const trash = (await t.as(ADMIN, 'GET', '/api/v1/files?trashed=true')).json().data;
    expect(trash.find((f: { id: string }) => f.id === file.id)?.deletedAt).toBeTruthy();
    expectProblem(await t.as(ADMIN, 'DELETE', `/api/v1/files/${file.id}`), 409, 'conflict');

    // A new upload of the name while the old one is in the trash is a new file; restoring the old one clashes.
    const again = await uploaded(t, ADMIN, 'trash-me.txt', 'hello again');
    expect(again.id).not.toBe(file.id);
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/files/${file.id}/restore`), 409, 'conflict');
    await t.as(ADMIN, 'DELETE', `/api/v1/files/${again.id}`);
    const restored = await t.as('sales1@demo.test', 'POST', `/api/v1/files/${file.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ id: file.id, deletedAt: null });
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/files/${file.id}/restore`), 409, 'conflict');
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}/content`)).body).toBe('bye');
  });
});

describe('files on leads', () => {
  it('follows the lead: whoever cannot see the lead gets 404 for its files', async () => {
    const leadId = await lead('sales2@demo.test', 'Attachment Lead');
    const file = await uploaded(t, 'sales2@demo.test', 'contract.pdf', '%PDF-1.4\n%%EOF\n', { leadId });
    expect(file).toMatchObject({ name: 'contract.pdf' });
    const list = await t.as('sales2@demo.test', 'GET', `/api/v1/files?leadId=${leadId}`);
    expect(list.json().data.map((f: { id: string }) => f.id)).toEqual([file.id]);
    // Rohan (sales1) does not see Sneha's lead: every way in is a 404.
    const outsider = 'sales1@demo.test';
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files/${file.id}`), 404, 'not_found');
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files/${file.id}/content`), 404, 'not_found');
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files/${file.id}/versions`), 404, 'not_found');
    expectProblem(await t.as(outsider, 'DELETE', `/api/v1/files/${file.id}`), 404, 'not_found');
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files?leadId=${leadId}`), 404, 'not_found', 'leadId');
    expectProblem(await upload(t, outsider, { name: 'x.txt', content: 'x' }, { leadId }), 404, 'not_found', 'leadId');
    // Their manager sees it; a guest reads it but may not upload.
    expect((await t.as('manager1@demo.test', 'GET', `/api/v1/files/${file.id}`)).statusCode).toBe(200);
    expect((await t.as('guest@demo.test', 'GET', `/api/v1/files/${file.id}/content`)).statusCode).toBe(200);
  });

  it('hides the files of a lead in the trash', async () => {
    const leadId = await lead('sales1@demo.test', 'Doomed Lead');
    const file = await uploaded(t, 'sales1@demo.test', 'doomed.txt', 'x', { leadId });
    const del = await t.as(ADMIN, 'DELETE', `/api/v1/leads/${leadId}`);
    expect(del.statusCode, del.body).toBeLessThan(300);
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/files/${file.id}`), 404, 'not_found');
  });
});

describe('permissions and tenants', () => {
  it('refuses an upload from a guest (403), and changes nothing', async () => {
    const before = (await t.as(ADMIN, 'GET', '/api/v1/files')).json().data.length;
    expectProblem(await upload(t, 'guest@demo.test', { name: 'guest.txt', content: 'x' }), 403, 'forbidden');
    const file = await uploaded(t, ADMIN, 'guest-target.txt', 'x');
    expectProblem(await t.as('guest@demo.test', 'DELETE', `/api/v1/files/${file.id}`), 403, 'forbidden');
    expectProblem(await t.as('guest@demo.test', 'POST', `/api/v1/files/${file.id}/restore`), 403, 'forbidden');
    expect((await t.as(ADMIN, 'GET', '/api/v1/files')).json().data.length).toBe(before + 1);
  });

  it('answers 404 to another company on every id route, and changes nothing', async () => {
    const file = await uploaded(t, ADMIN, 'tenant.txt', 'ours');
    const other = 'admin@other.test';
    for (const [method, path] of [
      ['GET', `/api/v1/files/${file.id}`],
      ['GET', `/api/v1/files/${file.id}/content`],
      ['GET', `/api/v1/files/${file.id}/versions`],
      ['DELETE', `/api/v1/files/${file.id}`],
      ['POST', `/api/v1/files/${file.id}/restore`],
    ] as const) {
      expectProblem(await t.as(other, method, path), 404, 'not_found');
    }
    const leadId = await lead('sales1@demo.test', 'Tenant Lead');
    expectProblem(await upload(t, other, { name: 'x.txt', content: 'x' }, { leadId }), 404, 'not_found', 'leadId');
    expect((await t.as(other, 'GET', '/api/v1/files')).json().data).toEqual([]);
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}`)).json().deletedAt).toBeNull();
  });
});
