import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { workDue } from '../../jobs/runner.ts';
import { drain, resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';
let existing: { id: string; name: string; emails: string[] };

beforeAll(async () => {
  t = await createTestApp();
  const leads = (await t.as(admin, 'GET', '/api/v1/leads?limit=200')).json().data as (typeof existing)[];
  const found = leads.find((l) => l.emails.length > 0);
  if (!found) throw new Error('no demo lead with an email');
  existing = found;
});
afterAll(() => t.close());

const counts = async () => {
  const db = t.dbs.owner;
  const { sql } = await import('kysely');
  const row = await sql<{ leads: number; audit: number; history: number }>`
    SELECT (SELECT count(*)::int FROM leads) AS leads, (SELECT count(*)::int FROM audit_log WHERE action LIKE 'lead.%') AS audit,
      (SELECT count(*)::int FROM lead_stage_history) AS history`.execute(db);
  return row.rows[0];
};

const csv = () =>
  [
    'First Name,Last Name,Email,Phone,Company,Lead Status,Close Date,Amount,City',
    'Asha,Verghese,asha.v@example.in,098220 12345,Orbit Foods,New,31/12/2026,"1,25,000",Pune',
    'Bilal,Khan,not-an-email,,Khan Traders,Open,,,Mumbai',
    `Repeat,Person,${existing.emails[0]?.toUpperCase()},,,New,,,`,
    'Chitra,Rao,chitra@example.in,+91 98450 11111,Rao & Co,Won,,,Bengaluru',
    'Deepa,Nair,DEEPA@example.in,,Nair Textiles,Won,15/01/2027,50000,Kochi',
    'Deepa,Nair,deepa@example.in,,Nair Textiles,New,,,Kochi',
  ].join('\r\n');

describe('an import from upload to undo', () => {
  it('uploads, suggests a mapping, dry-runs without writing, runs in jobs, reports every row and undoes', async () => {
    const imp = await uploaded(t, admin, 'leads.csv', csv());
    expect(imp).toMatchObject({
      status: 'uploaded',
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      progress: { rowsDone: 0, totalRows: 6 },
      headers: ['First Name', 'Last Name', 'Email', 'Phone', 'Company', 'Lead Status', 'Close Date', 'Amount', 'City'],
    });
    expect(imp.sample[0]).toEqual([
      'Asha',
      'Verghese',
      'asha.v@example.in',
      '098220 12345',
      'Orbit Foods',
      'New',
      '31/12/2026',
      '1,25,000',
      'Pune',
    ]);
    expect(imp.suggestedMapping.columns).toEqual({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Phone: 'phone',
      Company: 'companyName',
      'Lead Status': 'stage',
      'Close Date': 'expectedCloseDate',
      Amount: 'expectedValue',
      City: 'city',
    });
    expect(imp.suggestedMapping.values.stage).toEqual({ New: 'new', Open: 'new', Won: 'won' });

    const before = await counts();
    const dry = await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {});
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      totalRows: 6,
      create: 2,
      fail: 4,
      skip: 0,
      update: 0,
      duplicates: 2,
      policy: 'block',
    });
    const issues = dry.json().rows as {
      row: number;
      outcome: string;
      errors: { field: string; column: string }[];
      duplicates: unknown[];
    }[];
    expect(issues.find((r) => r.row === 3)).toMatchObject({
      outcome: 'fail',
      errors: [{ field: 'emails', column: 'Email' }],
    });
    expect(issues.find((r) => r.row === 4)?.outcome).toBe('fail');
    expect(issues.find((r) => r.row === 4)?.duplicates).toContainEqual({
      leadId: existing.id,
      name: existing.name,
      matchedOn: ['email'],
      row: null,
    });
    expect(issues.find((r) => r.row === 5)).toMatchObject({
      outcome: 'fail',
      errors: [{ field: 'expectedValue', column: 'Amount' }],
    });
    expect(issues.find((r) => r.row === 7)).toMatchObject({
      outcome: 'fail',
      duplicates: [{ leadId: null, row: 6, matchedOn: ['email'] }],
    });
    expect(await counts()).toEqual(before);

    const done = await runToEnd(t, admin, imp.id);
    expect(done).toMatchObject({
      status: 'done',
      progress: { rowsDone: 6, totalRows: 6 },
      counts: { created: 2, updated: 0, skipped: 0, failed: 4 },
      dryRun: { create: 2, fail: 4 },
    });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows[0]?.slice(0, 5)).toEqual(['Row', 'Outcome', 'Lead ID', 'Reason', 'First Name']);
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ['2', 'created'],
      ['3', 'failed'],
      ['4', 'failed'],
      ['5', 'failed'],
      ['6', 'created'],
      ['7', 'failed'],
    ]);
    expect(rows[2]?.[3]).toContain('emails (column "Email"): is not an email address');
    expect(rows[3]?.[3]).toMatch(new RegExp(`^Duplicate of .*lead "${existing.name}" \\(email\\)`));
    expect(rows[4]?.[3]).toContain('expectedValue (column "Amount"): is required in the Won stage');

    const asha = (await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json();
    expect(asha).toMatchObject({
      name: 'Asha Verghese',
      emails: ['asha.v@example.in'],
      phones: ['+919822012345'],
      companyName: 'Orbit Foods',
      stage: 'new',
      expectedCloseDate: '2026-12-31',
      expectedValue: 125000,
      currency: 'INR',
      city: 'Pune',
      source: 'import',
      createdVia: 'import',
    });
    const history = (await t.as(admin, 'GET', `/api/v1/leads/${asha.id}/stage-history`)).json().data;
    expect(history).toMatchObject([{ fromStage: null, toStage: 'new' }]);
    const assignment = (await t.as(admin, 'GET', `/api/v1/leads/${asha.id}/assignment`)).json().current;
    expect(assignment).toMatchObject({ channel: 'import' });
    expect(assignment.ownerId).toBe(asha.ownerId ?? null);
    const audit = (await t.as(admin, 'GET', `/api/v1/audit?entityId=${asha.id}`)).json().data;
    expect(audit).toMatchObject([{ action: 'lead.created', requestId: `import:${imp.id}` }]);
    const deepa = (await t.as(admin, 'GET', `/api/v1/leads/${rows[5]?.[2]}`)).json();
    expect(deepa).toMatchObject({
      stage: 'won',
      expectedValue: 50000,
      expectedCloseDate: '2027-01-15',
      emails: ['deepa@example.in'],
    });

    const undo = await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/undo`);
    expect(undo.statusCode, undo.body).toBe(202);
    expect(undo.json().status).toBe('undoing');
    await drain(t);
    const undone = (await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json();
    expect(undone).toMatchObject({ status: 'undone', undone: { trashed: 2, reverted: 0 } });
    expect((await t.as(admin, 'GET', `/api/v1/leads/${asha.id}`)).statusCode).toBe(404);
    const trashAudit = (await t.as(admin, 'GET', `/api/v1/audit?entityId=${asha.id}`)).json().data;
    expect(trashAudit[0]).toMatchObject({ action: 'lead.deleted', actorUserId: await userId(t, admin) });
    expect((await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/undo`)).statusCode).toBe(409);
  });
});

const people = (n: number, prefix: string) =>
  [
    'Name,Email',
    ...Array.from({ length: n }, (_, i) => `${prefix} Person ${i},${prefix.toLowerCase()}${i}@example.in`),
  ].join('\n');

describe('a long import', () => {
  it('shows its progress chunk by chunk, and resumes at the chunk a dead worker left', async () => {
    const imp = await uploaded(t, admin, 'long.csv', people(4500, 'Long'));
    const started = await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/run`);
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ status: 'queued', progress: { rowsDone: 0, totalRows: 4500 } });

    await t.runJobs();
    // The next chunk is due at once: the worker runs it without waiting for its next poll.
    expect(await workDue(t.app.deps)).toBe(true);
    const first = (await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json();
    expect(first).toMatchObject({ status: 'running', progress: { rowsDone: 2000 }, counts: { created: 2000 } });
    expect(first.startedAt).toBeTruthy();
    expect((await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/undo`)).statusCode).toBe(409);

    // A worker claims the next chunk and dies: the lease keeps others off it until it runs out.
    const { sql } = await import('kysely');
    await sql`UPDATE jobs SET attempts = attempts + 1, locked_until = ${new Date(t.clock.now().getTime() + 300_000)}
      WHERE kind = 'import.chunk' AND done_at IS NULL`.execute(t.dbs.owner);
    await t.runJobs();
    expect((await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json().progress.rowsDone).toBe(2000);
    t.clock.advance(301_000);
    await t.runJobs();
    expect((await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json().progress.rowsDone).toBe(4000);

    // A stray second job for a chunk that already ran does nothing.
    const { enqueue } = await import('../../jobs/queue.ts');
    const { importChunkJob } = await import('./imports.jobs.ts');
    const { withTenant } = await import('../../db/client.ts');
    const companyId = (await t.as(admin, 'GET', '/api/v1/auth/me')).json().company.id;
    await withTenant(t.dbs.app, companyId, (trx) =>
      enqueue(trx, importChunkJob, { importId: imp.id, chunk: 1 }, { runAt: t.clock.now() }),
    );
    await drain(t);
    expect(await workDue(t.app.deps)).toBe(false);
    const done = (await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json();
    expect(done).toMatchObject({ status: 'done', progress: { rowsDone: 4500 }, counts: { created: 4500, failed: 0 } });
    expect(await resultRows(t, admin, imp.id)).toHaveLength(4501);
  }, 60_000);

  it('stops when its importer is deactivated mid-way, says why, and can still be undone', async () => {
    const sales = 'sales2@demo.test';
    const imp = await uploaded(t, sales, 'stopped.csv', people(2500, 'Stop'));
    expect((await t.as(sales, 'POST', `/api/v1/imports/${imp.id}/run`)).statusCode).toBe(202);
    await t.runJobs();
    const off = await t.as(admin, 'POST', `/api/v1/users/${await userId(t, sales)}/deactivate`, {});
    expect(off.statusCode, off.body).toBeLessThan(300);
    await drain(t);
    const failed = (await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json();
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'The person who started this is no longer an active user',
      progress: { rowsDone: 2000, totalRows: 2500 },
      counts: { created: 2000 },
    });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows[2001]?.[1]).toBe('not imported');
    expect((await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/undo`)).statusCode).toBe(202);
    await drain(t);
    expect((await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json()).toMatchObject({
      status: 'undone',
      undone: { trashed: 2000, reverted: 0 },
    });
    expect((await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).statusCode).toBe(404);
  }, 60_000);
});
