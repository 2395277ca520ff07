import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/** Bulk actions on a selection: each lead through its single edit's rules, one result per lead. */

const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const BULK = '/api/v1/leads/bulk-actions';
let t: TestApp;
const people: Record<string, string> = {};

interface Lead {
  id: string;
  name: string;
  version: number;
  ownerId: string | null;
  stage: string;
  tags: string[];
  partnerId: string | null;
}

async function newLead(who: string, body: Record<string, unknown>): Promise<Lead> {
  const response = await t.as(who, 'POST', '/api/v1/leads', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const get = async (id: string): Promise<Lead> => (await t.as(ADMIN, 'GET', `/api/v1/leads/${id}`)).json();

beforeAll(async () => {
  t = await createTestApp();
  for (const key of ['sales1', 'sales2', 'sales3', 'warrior1']) people[key] = await userId(t, `${key}@demo.test`);
});
afterAll(() => t.close());

describe('POST /leads/bulk-actions on up to 100 ids', () => {
  it('assigns each lead through the single assign, and reports the ones it could not', async () => {
    const mine = [await newLead(SALES, { name: 'Bulk Assign One' }), await newLead(SALES, { name: 'Bulk Assign Two' })];
    const outOfTeam = await newLead(ADMIN, { name: 'Bulk Assign Other Team', ownerId: people.sales3 });
    const unknown = newId();
    const response = await t.as(MANAGER, 'POST', BULK, {
      action: 'assign',
      ids: [mine[0]?.id, outOfTeam.id, mine[1]?.id, unknown, mine[0]?.id],
      params: { ownerId: people.sales2 },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      action: 'assign',
      total: 4,
      done: 2,
      failed: 2,
      results: [
        { id: mine[0]?.id, status: 'done' },
        { id: outOfTeam.id, status: 'failed', code: 'not_found', message: 'No such lead' },
        { id: mine[1]?.id, status: 'done' },
        { id: unknown, status: 'failed', code: 'not_found', message: 'No such lead' },
      ],
    });
    for (const lead of mine) expect(await get(lead.id)).toMatchObject({ ownerId: people.sales2, version: 2 });
    expect(await get(outOfTeam.id)).toMatchObject({ ownerId: people.sales3, version: 1 });
    const why = (await t.as(ADMIN, 'GET', `/api/v1/leads/${mine[0]?.id}/assignment`)).json();
    expect(why.current).toMatchObject({ reason: 'manual', ownerId: people.sales2, byUserName: 'Vikram Mehta' });
  });

  it('refuses before anything changes what holds for every lead alike', async () => {
    const lead = await newLead(SALES, { name: 'Bulk Refused Everything' });
    const cases: [string, unknown, number, string, string][] = [
      [
        MANAGER,
        { action: 'assign', ids: [lead.id], params: { ownerId: people.sales3 } },
        403,
        'forbidden',
        'params.ownerId',
      ],
      [
        MANAGER,
        { action: 'assign', ids: [lead.id], params: { ownerId: people.warrior1 } },
        422,
        'unprocessable',
        'params.ownerId',
      ],
      [SALES, { action: 'partner', ids: [lead.id], params: { partnerId: null } }, 403, 'forbidden', 'params.partnerId'],
      [
        SALES,
        { action: 'stage', ids: [lead.id], params: { stage: 'nowhere' } },
        400,
        'validation_failed',
        'params.stage',
      ],
      [
        SALES,
        { action: 'stage', ids: [lead.id], params: { stage: 'won', fields: { emails: ['nope'] } } },
        400,
        'validation_failed',
        'params.fields.emails.0',
      ],
      [
        SALES,
        { action: 'tag', ids: [lead.id], params: { ownerId: people.sales1, tags: ['x'] } },
        400,
        'validation_failed',
        'params.ownerId',
      ],
      [SALES, { action: 'tag', ids: [lead.id] }, 400, 'validation_failed', 'params.tags'],
      [SALES, { action: 'tag', ids: [lead.id], params: { tags: ['  '] } }, 400, 'validation_failed', 'params.tags'],
      [SALES, { action: 'delete', ids: [lead.id], filter: { stage: 'new' } }, 400, 'validation_failed', 'ids'],
      [SALES, { action: 'delete' }, 400, 'validation_failed', 'ids'],
      [SALES, { action: 'delete', ids: [] }, 400, 'validation_failed', 'ids'],
      [SALES, { action: 'delete', ids: ['not-a-uuid'] }, 400, 'validation_failed', 'ids.0'],
      [SALES, { action: 'delete', ids: Array.from({ length: 10_001 }, newId) }, 400, 'validation_failed', 'ids'],
      [SALES, { action: 'shred', ids: [lead.id] }, 400, 'validation_failed', 'action'],
      [SALES, { action: 'delete', ids: [lead.id], colour: 'red' }, 400, 'validation_failed', 'colour'],
      [SALES, { action: 'delete', filter: { colour: 'red' } }, 400, 'validation_failed', 'filter.colour'],
      [SALES, { action: 'delete', filter: { stage: 'nowhere' } }, 400, 'validation_failed', 'filter.stage'],
    ];
    for (const [who, body, status, code, path] of cases) {
      expectProblem(await t.as(who, 'POST', BULK, body), status, code, path);
    }
    expect(await get(lead.id)).toMatchObject({ version: 1, ownerId: people.sales1, stage: 'new' });
  });

  it("asks each action's own permission, as its single edit does", async () => {
    const lead = await newLead(SALES, { name: 'Bulk Permission Check', warriorIds: [people.warrior1] });
    for (const action of ['assign', 'stage', 'tag', 'delete', 'partner']) {
      const body = { action, ids: [lead.id], params: {} };
      expectProblem(await t.as('guest@demo.test', 'POST', BULK, body), 403, 'forbidden');
    }
    expectProblem(
      await t.as('warrior1@demo.test', 'POST', BULK, { action: 'delete', ids: [lead.id] }),
      403,
      'forbidden',
    );
    const assign = { action: 'assign', ids: [lead.id], params: { ownerId: null } };
    expectProblem(await t.as('warrior1@demo.test', 'POST', BULK, assign), 403, 'forbidden');
    const tagged = await t.as('warrior1@demo.test', 'POST', BULK, {
      action: 'tag',
      ids: [lead.id],
      params: { tags: ['by-warrior'] },
    });
    expect(tagged.json()).toMatchObject({ done: 1, failed: 0 });
    expect((await get(lead.id)).tags).toEqual(['by-warrior']);
  });

  it('moves stages with the stage rules: a Won lead needs its value, given per call or already there', async () => {
    const withValue = await newLead(SALES, { name: 'Bulk Won With Value', expectedValue: 5000 });
    const without = await newLead(SALES, { name: 'Bulk Won Without Value' });
    const moved = await t.as(SALES, 'POST', BULK, {
      action: 'stage',
      ids: [withValue.id, without.id],
      params: { stage: 'won' },
    });
    expect(moved.json().results).toEqual([
      { id: withValue.id, status: 'done' },
      {
        id: without.id,
        status: 'failed',
        code: 'stage_requirements',
        message: 'Moving to Won needs: expectedValue',
      },
    ]);
    expect((await get(without.id)).stage).toBe('new');
    const given = await t.as(SALES, 'POST', BULK, {
      action: 'stage',
      ids: [without.id],
      params: { stage: 'won', fields: { expectedValue: 800 } },
    });
    expect(given.json()).toMatchObject({ done: 1, failed: 0 });
    expect(await get(without.id)).toMatchObject({ stage: 'won', expectedValue: 800 });
    // Reopening a won lead needs leads:reopen: a salesperson's item fails, a manager's goes through.
    const reopen = { action: 'stage', ids: [withValue.id], params: { stage: 'demo' } };
    expect((await t.as(SALES, 'POST', BULK, reopen)).json().results[0]).toMatchObject({ code: 'forbidden' });
    expect((await t.as(MANAGER, 'POST', BULK, reopen)).json()).toMatchObject({ done: 1 });
    const history = (await t.as(ADMIN, 'GET', `/api/v1/leads/${withValue.id}/stage-history`)).json().data;
    expect(history.map((h: { toStage: string }) => h.toStage)).toEqual(['new', 'won', 'demo']);
  });

  it("asks, as the single move does, what to do with a lead's open follow-ups when it closes", async () => {
    const lead = await newLead(SALES, { name: 'Bulk Lost With Follow-up', lostReason: 'No budget' });
    const dueAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    const followUp = await t.as(SALES, 'POST', '/api/v1/activities', { leadId: lead.id, type: 'follow_up', dueAt });
    expect(followUp.statusCode, followUp.body).toBe(201);
    const asked = await t.as(SALES, 'POST', BULK, { action: 'stage', ids: [lead.id], params: { stage: 'lost' } });
    expect(asked.json().results[0]).toMatchObject({ status: 'failed', code: 'open_follow_ups' });
    const closed = await t.as(SALES, 'POST', BULK, {
      action: 'stage',
      ids: [lead.id],
      params: { stage: 'lost', closeFollowUps: true },
    });
    expect(closed.json()).toMatchObject({ done: 1 });
    expect((await get(lead.id)).stage).toBe('lost');
  });

  it('tags and untags, leaving a lead already as asked untouched', async () => {
    const a = await newLead(SALES, { name: 'Bulk Tag A', tags: ['vip'] });
    const b = await newLead(SALES, { name: 'Bulk Tag B' });
    const tag = await t.as(SALES, 'POST', BULK, {
      action: 'tag',
      ids: [a.id, b.id],
      params: { tags: ['vip', ' fair '] },
    });
    expect(tag.json()).toMatchObject({ done: 2, failed: 0 });
    expect(await get(a.id)).toMatchObject({ tags: ['vip', 'fair'], version: 2 });
    expect(await get(b.id)).toMatchObject({ tags: ['vip', 'fair'], version: 2 });
    await t.as(SALES, 'POST', BULK, { action: 'tag', ids: [a.id], params: { tags: ['fair'] } });
    expect((await get(a.id)).version).toBe(2);
    const untag = await t.as(SALES, 'POST', BULK, { action: 'untag', ids: [a.id, b.id], params: { tags: ['vip'] } });
    expect(untag.json()).toMatchObject({ done: 2 });
    expect(await get(a.id)).toMatchObject({ tags: ['fair'], version: 3 });
  });

  it('hands leads to a partner and takes them back', async () => {
    const partner = (await t.as(ADMIN, 'GET', '/api/v1/partners')).json().data[0];
    const lead = await newLead(SALES, { name: 'Bulk Partner Lead' });
    const given = await t.as(MANAGER, 'POST', BULK, {
      action: 'partner',
      ids: [lead.id],
      params: { partnerId: partner.id },
    });
    expect(given.json()).toMatchObject({ done: 1 });
    expect(await get(lead.id)).toMatchObject({ partnerId: partner.id, partnerName: partner.name });
    const back = await t.as(MANAGER, 'POST', BULK, { action: 'partner', ids: [lead.id], params: { partnerId: null } });
    expect(back.json()).toMatchObject({ done: 1 });
    expect((await get(lead.id)).partnerId).toBeNull();
  });

  it('deletes into the trash, only what the caller may delete, never another company’s', async () => {
    const mine = await newLead(SALES, { name: 'Bulk Delete Mine' });
    const theirs = await newLead(ADMIN, { name: 'Bulk Delete Theirs', ownerId: people.sales3 });
    const otherCo = await newLead('admin@other.test', { name: 'Other Co Lead' });
    const response = await t.as(SALES, 'POST', BULK, { action: 'delete', ids: [mine.id, theirs.id, otherCo.id] });
    expect(response.json()).toMatchObject({ done: 1, failed: 2 });
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${mine.id}`)).statusCode).toBe(404);
    expect((await t.as(ADMIN, 'GET', '/api/v1/leads/trash')).json().data[0]).toMatchObject({ id: mine.id });
    expect((await get(theirs.id)).version).toBe(1);
    expect((await t.as('admin@other.test', 'GET', `/api/v1/leads/${otherCo.id}`)).json().version).toBe(1);
  });
});

describe('bulk actions as jobs', () => {
  let companyId: string;
  beforeAll(async () => {
    companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  });

  /** Leads inserted straight into the table (the factory for large sets), owned by sales1. */
  async function manyLeads(n: number, tag: string, value: (i: number) => number | null = () => null) {
    const values = Array.from({ length: n }, (_, i) => value(i));
    const { rows } = await withTenant(t.dbs.app, companyId, (trx) =>
      sql<{
        id: string;
      }>`INSERT INTO leads (company_id, id, name, source, stage, owner_id, tags, expected_value, created_via)
        SELECT ${companyId}, gen_random_uuid(), ${tag} || ' ' || i, 'import', 'new', ${people.sales1}::uuid,
          ARRAY[${tag}], (${values}::numeric[])[i], 'import'
        FROM generate_series(1, ${n}) AS i RETURNING id`.execute(trx),
    );
    return rows.map((r) => r.id);
  }

  it('queues more than 100 ids, shows progress, and reports the failures with names when visible', async () => {
    const ids = await manyLeads(150, 'bulkjob');
    const hidden = await newLead(ADMIN, { name: 'Bulk Job Hidden', ownerId: people.sales3 });
    const queued = await t.as(SALES, 'POST', BULK, {
      action: 'tag',
      ids: [...ids, hidden.id],
      params: { tags: ['done'] },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const op = queued.json();
    expect(queued.headers.location).toBe(`${BULK}/${op.id}`);
    expect(op).toMatchObject({ action: 'tag', status: 'queued', total: 151, done: 0, failed: 0, failures: [] });
    expect(op).toMatchObject({ createdByName: 'Rohan Gupta', startedAt: null, finishedAt: null, filter: null });
    await t.runJobs();
    expect((await t.as(SALES, 'GET', `${BULK}/${op.id}`)).json()).toMatchObject({ status: 'running', done: 0 });
    await t.runJobs();
    const done = (await t.as(SALES, 'GET', `${BULK}/${op.id}`)).json();
    expect(done).toMatchObject({ status: 'done', total: 151, done: 150, failed: 1 });
    expect(done.failures).toEqual([{ id: hidden.id, code: 'not_found', message: 'No such lead' }]);
    expect(done.finishedAt).not.toBeNull();
    expect((await get(ids[0] as string)).tags).toEqual(['bulkjob', 'done']);
    const note = (await t.as(SALES, 'GET', '/api/v1/notifications')).json().data[0];
    expect(note).toMatchObject({ kind: 'bulk_action', title: 'Bulk tagging finished: 150 done, 1 failed' });
    // The admin sees the hidden lead's name in the failures; the list of the caller's actions has it.
    const seenByAdmin = (await t.as(ADMIN, 'GET', `${BULK}/${op.id}`)).json();
    expect(seenByAdmin.failures[0]).toMatchObject({ name: 'Bulk Job Hidden' });
    expect((await t.as(SALES, 'GET', BULK)).json().data[0]).toMatchObject({ id: op.id, status: 'done' });
    // Nobody else follows it: another salesperson, another company.
    expectProblem(await t.as('sales2@demo.test', 'GET', `${BULK}/${op.id}`), 404, 'not_found');
    expectProblem(await t.as('admin@other.test', 'GET', `${BULK}/${op.id}`), 404, 'not_found');
    expectProblem(await t.as(SALES, 'GET', `${BULK}/not-a-uuid`), 400, 'validation_failed', 'id');
  });

  it("runs an action on a whole filter as the list reads it, each lead under the stage's rules", async () => {
    await manyLeads(30, 'bulkfilter', (i) => (i % 10 === 0 ? null : 1000 + i));
    const other = await newLead(ADMIN, { name: 'bulkfilter of sales3', ownerId: people.sales3, tags: ['bulkfilter'] });
    const queued = await t.as(SALES, 'POST', BULK, {
      action: 'stage',
      filter: { tags: 'bulkfilter', 'expectedValue.max': '1025' },
      params: { stage: 'won' },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const op = queued.json();
    expect(op).toMatchObject({ status: 'queued', total: null, filter: { tags: 'bulkfilter' } });
    await t.runJobs();
    const listed = (await t.as(SALES, 'GET', `${BULK}/${op.id}`)).json();
    expect(listed).toMatchObject({ status: 'running', total: 23, done: 0 });
    await t.runJobs();
    expect((await t.as(SALES, 'GET', `${BULK}/${op.id}`)).json()).toMatchObject({
      status: 'done',
      done: 23,
      failed: 0,
    });
    const counts = (await t.as(SALES, 'GET', '/api/v1/leads/counts?tags=bulkfilter')).json().data;
    expect(counts.find((c: { stage: string }) => c.stage === 'won').count).toBe(23);
    expect((await get(other.id)).stage).toBe('new');

    // Without the value filter, the leads lacking a value fail on their own and the rest move.
    const all = await t.as(SALES, 'POST', BULK, {
      action: 'stage',
      filter: { tags: 'bulkfilter', stage: 'new' },
      params: { stage: 'won' },
    });
    await t.runJobs();
    await t.runJobs();
    const result = (await t.as(SALES, 'GET', `${BULK}/${all.json().id}`)).json();
    expect(result).toMatchObject({ status: 'done', total: 7, done: 4, failed: 3 });
    expect(new Set(result.failures.map((f: { code: string }) => f.code))).toEqual(new Set(['stage_requirements']));
  });

  it('stops an action whose creator was deactivated before it ran', async () => {
    const ids = await manyLeads(101, 'bulkstopped');
    const queued = await t.as(MANAGER, 'POST', BULK, { action: 'delete', ids });
    expect(queued.statusCode).toBe(202);
    const manager = await userId(t, MANAGER);
    await withTenant(t.dbs.app, companyId, (trx) =>
      trx.updateTable('users').set({ active: false }).where('id', '=', manager).execute(),
    );
    await t.runJobs();
    const stopped = await withTenant(t.dbs.app, companyId, (trx) =>
      trx
        .selectFrom('bulk_actions')
        .select(['status', 'error', 'done'])
        .where('id', '=', queued.json().id)
        .executeTakeFirst(),
    );
    expect(stopped).toEqual({ status: 'failed', error: 'its creator is no longer active', done: 0 });
    expect((await get(ids[0] as string)).name).toBe('bulkstopped 1');
  });
});
