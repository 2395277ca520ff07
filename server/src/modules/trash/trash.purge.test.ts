import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/** The daily purge: leads trashed more than 30 days ago go for good, with every row that refers to them. */

const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const DAY = 86_400_000;
let t: TestApp;
let companyId: string;

const inTenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(t.dbs.app, companyId, work);

async function newLead(name: string) {
  const response = await t.as(SALES, 'POST', '/api/v1/leads', { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; version: number };
}

/** How many rows of `table` refer to the lead (by `column`). */
async function count(table: string, column: string, leadId: string): Promise<number> {
  const { rows } = await inTenant((trx) =>
    sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${leadId}`.execute(
      trx,
    ),
  );
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  // A module added later, with rows that refer to a lead and rows that refer to those: the purge finds both
  // through the catalog.
  await sql`
    CREATE TABLE test_lead_calls (
      company_id uuid NOT NULL, id uuid NOT NULL, lead_id uuid NOT NULL,
      PRIMARY KEY (company_id, id), FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id));
    CREATE TABLE test_call_recordings (
      company_id uuid NOT NULL, id uuid NOT NULL, call_id uuid NOT NULL,
      PRIMARY KEY (company_id, id), FOREIGN KEY (company_id, call_id) REFERENCES test_lead_calls (company_id, id));
    GRANT SELECT, INSERT, UPDATE, DELETE ON test_lead_calls, test_call_recordings TO iperform_app;
  `.execute(t.dbs.owner);
});
afterAll(() => t.close());

describe('the daily trash purge', () => {
  it('hard-deletes leads trashed over 30 days ago with their rows and tombstones, and nothing else', async () => {
    const manager = await userId(t, 'manager1@demo.test');
    const old = await newLead('Purged Pavan');
    const recent = await newLead('Recently Trashed Rekha');
    const kept = await newLead('Kept Kiran');
    for (const lead of [old, kept]) {
      const note = await t.as(SALES, 'POST', `/api/v1/leads/${lead.id}/notes`, {
        body: `Call back @[Vikram Mehta](${manager})`,
      });
      expect(note.statusCode, note.body).toBe(201);
      const moved = await t.as(SALES, 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'demo' });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const tombstone = newId();
    const callId = newId();
    await inTenant(async (trx) => {
      await sql`INSERT INTO leads (company_id, id, name, source, stage, merged_into, created_via)
        VALUES (${companyId}, ${tombstone}, 'Merged Into Pavan', 'manual', 'new', ${old.id}, 'ui')`.execute(trx);
      await sql`INSERT INTO test_lead_calls VALUES (${companyId}, ${callId}, ${old.id})`.execute(trx);
      await sql`INSERT INTO test_call_recordings VALUES (${companyId}, ${newId()}, ${callId})`.execute(trx);
    });
    expect(await count('lead_notes', 'lead_id', old.id)).toBe(1);
    expect(await count('notifications', 'lead_id', old.id)).toBe(1);
    expect(await count('lead_stage_history', 'lead_id', old.id)).toBe(2);

    expect((await t.as(SALES, 'DELETE', `/api/v1/leads/${old.id}`)).statusCode).toBe(204);
    t.clock.advance(25 * DAY);
    expect((await t.as(SALES, 'DELETE', `/api/v1/leads/${recent.id}`)).statusCode).toBe(204);
    t.clock.advance(6 * DAY);
    await t.runJobs();

    for (const id of [old.id, tombstone]) expect(await count('leads', 'id', id)).toBe(0);
    for (const [table, column] of [
      ['lead_notes', 'lead_id'],
      ['notifications', 'lead_id'],
      ['lead_stage_history', 'lead_id'],
      ['lead_assignments', 'lead_id'],
      ['test_lead_calls', 'lead_id'],
    ] as const) {
      expect(await count(table, column, old.id), table).toBe(0);
    }
    expect(await count('test_call_recordings', 'call_id', callId)).toBe(0);
    // The lead trashed 6 days ago waits; the live one keeps everything.
    const trash = (await t.as(ADMIN, 'GET', '/api/v1/leads/trash?limit=200')).json().data;
    expect(trash.map((l: { id: string }) => l.id)).toEqual([recent.id]);
    expect(trash[0].daysLeft).toBe(24);
    expect(await count('lead_notes', 'lead_id', kept.id)).toBe(1);
    expect(await count('lead_stage_history', 'lead_id', kept.id)).toBe(2);
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${kept.id}`)).statusCode).toBe(200);
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/leads/${old.id}/restore`), 404, 'not_found');

    // The audit log remembers what went, and the purge is due again tomorrow.
    for (const id of [old.id, tombstone]) {
      const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=lead&entityId=${id}`)).json().data;
      expect(audit[0]).toMatchObject({ action: 'lead.purged', actorUserId: null });
    }
    const next = await inTenant((trx) =>
      trx
        .selectFrom('jobs')
        .select('run_at')
        .where('company_id', '=', companyId)
        .where('kind', '=', 'trash.purge')
        .where('done_at', 'is', null)
        .execute(),
    );
    expect(next).toHaveLength(1);
    expect(new Date(next[0]?.run_at as Date).getTime()).toBeGreaterThan(t.clock.now().getTime());

    // The next lead goes when its own 30 days are over.
    t.clock.advance(23 * DAY);
    await t.runJobs();
    expect(await count('leads', 'id', recent.id)).toBe(1);
    t.clock.advance(2 * DAY);
    await t.runJobs();
    expect(await count('leads', 'id', recent.id)).toBe(0);
  });
});
