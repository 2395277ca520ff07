import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { filesUnder, uploaded } from './files.fixtures.ts';

/**
 * The daily files purge: files trashed over 30 days ago go for good, and the bytes of every removed version
 * (theirs, and those of files on a purged lead) are deleted from storage the day after.
 */
let t: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';
const DAY = 86_400_000;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-files-purge-'));
  t = await createTestApp({ dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

const stored = async () => (await filesUnder(join(dataDir, 'files'))).length;

/** Moves the test clock on, then runs what the worker would run by then (each daily job once). */
async function days(n: number) {
  t.clock.advance(n * DAY);
  await t.runJobs();
}

describe('the daily files purge', () => {
  it('removes files 30 days in the trash, their versions and then their bytes; keeps the rest', async () => {
    await t.runJobs();
    const kept = await uploaded(t, ADMIN, 'kept.txt', 'stay');
    const gone = await uploaded(t, ADMIN, 'gone.txt', 'v1');
    await uploaded(t, ADMIN, 'gone.txt', 'v2');
    const recent = await uploaded(t, ADMIN, 'recent.txt', 'recent');
    expect(await stored()).toBe(4);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/files/${gone.id}`)).statusCode).toBe(204);
    await days(25);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/files/${recent.id}`)).statusCode).toBe(204);
    await days(6);
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${gone.id}`)).statusCode).toBe(404);
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${recent.id}`)).json().deletedAt).not.toBeNull();
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${kept.id}/content`)).body).toBe('stay');
    await days(1);
    expect(await stored()).toBe(2);
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=file&entityId=${gone.id}`)).json().data;
    expect(audit[0]).toMatchObject({ action: 'file.purged', actorUserId: null });
  });

  it('deletes the bytes of the files of a lead purged from the trash', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Purged With Files',
      ownerId: await userId(t, 'sales1@demo.test'),
    });
    const leadId = created.json().id as string;
    await uploaded(t, 'sales1@demo.test', 'on-lead.txt', 'lead bytes', { leadId });
    // kept.txt and recent.txt (in the trash since the first test) and the lead's file.
    expect(await stored()).toBe(3);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/leads/${leadId}`)).statusCode).toBeLessThan(300);
    await days(31);
    await days(1);
    await days(1);
    // Only kept.txt is left: recent.txt has now been in the trash for over 30 days too.
    expect(await stored()).toBe(1);
  });

  it('takes the files of a purged lead’s tickets along, with the thread’s links to them', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Purged With A Ticket',
      ownerId: await userId(t, 'sales1@demo.test'),
    });
    const leadId = created.json().id as string;
    const ticket = await t.as('sales1@demo.test', 'POST', '/api/v1/tickets', {
      subject: 'Broken',
      description: 'x',
      leadId,
    });
    const ticketId = ticket.json().id as string;
    const file = await uploaded(t, 'sales1@demo.test', 'on-ticket.txt', 'ticket bytes', { ticketId });
    const note = await t.as('sales1@demo.test', 'POST', `/api/v1/tickets/${ticketId}/messages`, {
      body: 'attached',
      internal: true,
      fileIds: [file.id],
    });
    expect(note.statusCode, note.body).toBe(201);
    expect(await stored()).toBe(2);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/leads/${leadId}`)).statusCode).toBeLessThan(300);
    await days(31);
    await days(1);
    await days(1);
    expect((await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticketId}`)).statusCode).toBe(404);
    expect((await t.as(ADMIN, 'GET', `/api/v1/files/${file.id}`)).statusCode).toBe(404);
    expect(await stored()).toBe(1);
  });
});
