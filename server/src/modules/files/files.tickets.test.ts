import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { upload, uploaded } from './files.fixtures.ts';

/**
 * Files attached to a support ticket follow the ticket: whoever sees the ticket sees its files, whoever may reply
 * to it adds and trashes them; anyone else (another company included) gets 404 naming the ticket or the file.
 */
let t: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const OTHER_SALES = 'sales3@demo.test';
const PARTNER = 'partner@demo.test';
const OTHER_CO = 'admin@other.test';

let leadId: string;
let ticketId: string;
let partnerTicketId: string;

async function ticketOn(who: string, lead: string, subject: string): Promise<string> {
  const res = await t.as(who, 'POST', '/api/v1/tickets', { subject, description: 'Help', leadId: lead });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-ticket-files-'));
  t = await createTestApp({ dataDir });
  const lead = await t.as(SALES, 'POST', '/api/v1/leads', { name: 'Ticket customer' });
  expect(lead.statusCode, lead.body).toBe(201);
  leadId = lead.json().id;
  ticketId = await ticketOn(SALES, leadId, 'Invoice does not print');
  const partnerId = (await t.as(ADMIN, 'GET', '/api/v1/partners')).json().data[0].id;
  const partnerLead = await t.as(ADMIN, 'POST', '/api/v1/leads', {
    name: 'Partner’s customer',
    partnerId,
    ownerId: await userId(t, 'sales4@demo.test'),
  });
  expect(partnerLead.statusCode, partnerLead.body).toBe(201);
  partnerTicketId = await ticketOn(ADMIN, partnerLead.json().id, 'Partner’s question');
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

const listOf = async (who: string, query: string) => {
  const res = await t.as(who, 'GET', `/api/v1/files?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().data as { id: string; name: string }[]).map((f) => f.name);
};

describe('files on a ticket', () => {
  it('uploads onto a ticket (form field or query string) and lists the ticket’s files', async () => {
    const file = await uploaded(t, SALES, 'screenshot.txt', 'the error', { ticketId });
    expect(file).toMatchObject({ name: 'screenshot.txt', version: 1 });
    const meta = await t.as(SALES, 'GET', `/api/v1/files/${file.id}`);
    expect(meta.json()).toMatchObject({ ticketId, leadId: null, folderId: null });
    const viaQuery = await t.app.inject({
      method: 'POST',
      url: `/api/v1/files?ticketId=${ticketId}`,
      headers: {
        authorization: `Bearer ${await t.token(SALES)}`,
        'content-type': 'multipart/form-data; boundary=b',
      },
      payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="log.txt"\r\n\r\nline\r\n--b--\r\n',
    });
    expect(viaQuery.statusCode, viaQuery.body).toBe(201);
    expect(await listOf(SALES, `ticketId=${ticketId}`)).toEqual(['log.txt', 'screenshot.txt']);
    expect(await listOf(ADMIN, `ticketId=${ticketId}`)).toEqual(['log.txt', 'screenshot.txt']);
    // Not at the root, nor on the ticket's lead.
    expect(await listOf(SALES, '')).not.toContain('screenshot.txt');
    expect(await listOf(SALES, `leadId=${leadId}`)).not.toContain('screenshot.txt');
    // The same name again on the ticket is a new version; on the lead it is another file.
    expect((await uploaded(t, SALES, 'screenshot.txt', 'v2', { ticketId })).version).toBe(2);
    expect((await uploaded(t, SALES, 'screenshot.txt', 'on the lead', { leadId })).version).toBe(1);
    const versions = await t.as(SALES, 'GET', `/api/v1/files/${file.id}/versions`);
    expect(versions.json().data).toHaveLength(2);
    const got = await t.as(SALES, 'GET', `/api/v1/files/${file.id}/content?version=1`);
    expect(got.body).toBe('the error');
    // Audited as a lead's file is.
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=file&entityId=${file.id}`);
    expect(audit.statusCode, audit.body).toBe(200);
    const actions = (audit.json().data as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['file.uploaded', 'file.version_added', 'file.downloaded']));
  });

  it('answers 404 to another company’s admin, for the ticket and for its files', async () => {
    const file = await uploaded(t, SALES, 'private.txt', 'secret', { ticketId });
    for (const path of [`/api/v1/files/${file.id}`, `/api/v1/files/${file.id}/content`]) {
      expectProblem(await t.as(OTHER_CO, 'GET', path), 404, 'not_found');
    }
    expectProblem(await t.as(OTHER_CO, 'GET', `/api/v1/files/${file.id}/versions`), 404, 'not_found');
    expectProblem(await t.as(OTHER_CO, 'DELETE', `/api/v1/files/${file.id}`), 404, 'not_found');
    expectProblem(
      await upload(t, OTHER_CO, { name: 'x.txt', content: 'x' }, { ticketId }),
      404,
      'not_found',
      'ticketId',
    );
    expectProblem(await t.as(OTHER_CO, 'GET', `/api/v1/files?ticketId=${ticketId}`), 404, 'not_found', 'ticketId');
  });

  it('answers 404 to a role that does not see the ticket', async () => {
    const file = await uploaded(t, SALES, 'only-mine.txt', 'x', { ticketId });
    expectProblem(await t.as(OTHER_SALES, 'GET', `/api/v1/files/${file.id}`), 404, 'not_found');
    expectProblem(await t.as(OTHER_SALES, 'GET', `/api/v1/files/${file.id}/content`), 404, 'not_found');
    expectProblem(await t.as(OTHER_SALES, 'DELETE', `/api/v1/files/${file.id}`), 404, 'not_found');
    expectProblem(await t.as(OTHER_SALES, 'GET', `/api/v1/files?ticketId=${ticketId}`), 404, 'not_found', 'ticketId');
    expectProblem(
      await upload(t, OTHER_SALES, { name: 'x.txt', content: 'x' }, { ticketId }),
      404,
      'not_found',
      'ticketId',
    );
  });

  it('lets one who sees the ticket but may not reply (a partner) read its files, not add or trash them', async () => {
    const file = await uploaded(t, ADMIN, 'manual.txt', 'how to', { ticketId: partnerTicketId });
    expect(await listOf(PARTNER, `ticketId=${partnerTicketId}`)).toEqual(['manual.txt']);
    expect((await t.as(PARTNER, 'GET', `/api/v1/files/${file.id}/content`)).body).toBe('how to');
    expectProblem(
      await upload(t, PARTNER, { name: 'x.txt', content: 'x' }, { ticketId: partnerTicketId }),
      404,
      'not_found',
      'ticketId',
    );
    expectProblem(await t.as(PARTNER, 'DELETE', `/api/v1/files/${file.id}`), 404, 'not_found');
  });

  it('trashes and restores a ticket’s file for whoever may reply', async () => {
    const file = await uploaded(t, SALES, 'old.txt', 'x', { ticketId });
    expect((await t.as(SALES, 'DELETE', `/api/v1/files/${file.id}`)).statusCode).toBe(204);
    expect(await listOf(SALES, `ticketId=${ticketId}&trashed=true`)).toContain('old.txt');
    expect(await listOf(SALES, `ticketId=${ticketId}`)).not.toContain('old.txt');
    const restored = await t.as(SALES, 'POST', `/api/v1/files/${file.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().ticketId).toBe(ticketId);
  });

  it('refuses a file on both a ticket and a lead (or folder), a malformed ticketId, and an unknown ticket', async () => {
    const file = { name: 'x.txt', content: 'x' };
    expectProblem(await upload(t, SALES, file, { ticketId, leadId }), 400, 'validation_failed', 'ticketId');
    expectProblem(
      await upload(t, ADMIN, file, { ticketId, folderId: '0193a000-0000-7000-8000-000000000001' }),
      400,
      'validation_failed',
      'ticketId',
    );
    expectProblem(await upload(t, SALES, file, { ticketId: 'T-1001' }), 400, 'validation_failed', 'ticketId');
    expectProblem(
      await upload(t, SALES, file, { ticketId: '0193a000-0000-7000-8000-000000000009' }),
      404,
      'not_found',
      'ticketId',
    );
    expectProblem(
      await t.as(SALES, 'GET', `/api/v1/files?ticketId=${ticketId}&leadId=${leadId}`),
      400,
      'validation_failed',
      'ticketId',
    );
    expectProblem(await t.as(SALES, 'GET', '/api/v1/files?ticketId=nope'), 400, 'validation_failed');
  });
});

describe('files in the ticket’s thread', () => {
  it('lets a reply or note point at files of the ticket, and refuses any other file naming it', async () => {
    const shot = await uploaded(t, SALES, 'thread-shot.txt', 'x', { ticketId });
    const onLead = await uploaded(t, SALES, 'lead-only.txt', 'x', { leadId });
    const note = await t.as(SALES, 'POST', `/api/v1/tickets/${ticketId}/messages`, {
      body: 'See the screenshot',
      internal: true,
      fileIds: [shot.id],
    });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json().files).toEqual([
      { id: shot.id, name: 'thread-shot.txt', size: 1, contentType: shot.contentType },
    ]);
    const refused = await t.as(SALES, 'POST', `/api/v1/tickets/${ticketId}/messages`, {
      body: 'And this',
      internal: true,
      fileIds: [shot.id, onLead.id],
    });
    expectProblem(refused, 400, 'validation_failed', 'fileIds.1');
    const thread = await t.as(SALES, 'GET', `/api/v1/tickets/${ticketId}/messages`);
    const messages = thread.json().data as { body: string; files: { id: string }[] }[];
    expect(messages.map((m) => m.body)).not.toContain('And this');
    expect(messages.find((m) => m.body === 'See the screenshot')?.files.map((f) => f.id)).toEqual([shot.id]);
    // A file in the trash is no longer shown on the message.
    expect((await t.as(SALES, 'DELETE', `/api/v1/files/${shot.id}`)).statusCode).toBe(204);
    const after = (await t.as(SALES, 'GET', `/api/v1/tickets/${ticketId}/messages`)).json().data as {
      body: string;
      files: unknown[];
    }[];
    expect(after.find((m) => m.body === 'See the screenshot')?.files).toEqual([]);
  });
});
