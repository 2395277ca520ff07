import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { drain, resultRows, runToEnd, upload, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';
const sales1 = 'sales1@demo.test';
let imp: { id: string };
let mappingId: string;

beforeAll(async () => {
  t = await createTestApp();
  imp = await uploaded(t, admin, 'access.csv', 'Name,State\nAsha Patil,Maharashtra\n');
  const saved = await t.as(admin, 'POST', '/api/v1/imports/mappings', {
    name: 'Access',
    mapping: { columns: { Name: 'name' } },
  });
  mappingId = saved.json().id;
});
afterAll(() => t.close());

/** Every import route with an id, and a body that passes its schema. */
const idRoutes = (id: string, mapping: string): [string, string, unknown?][] => [
  ['GET', `/api/v1/imports/${id}`],
  ['PUT', `/api/v1/imports/${id}/mapping`, { mapping: { columns: { Name: 'name' } } }],
  ['POST', `/api/v1/imports/${id}/dry-run`, {}],
  ['POST', `/api/v1/imports/${id}/run`, {}],
  ['GET', `/api/v1/imports/${id}/result`],
  ['POST', `/api/v1/imports/${id}/undo`],
  ['DELETE', `/api/v1/imports/mappings/${mapping}`],
];

describe('who may import', () => {
  it('answers 403 to roles without leads:import on every import route', async () => {
    for (const who of ['guest@demo.test', 'warrior1@demo.test', 'partner@demo.test', 'dev@demo.test']) {
      expectProblem(await upload(t, who, { name: 'a.csv', content: 'Name\nA\n' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', '/api/v1/imports'), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', '/api/v1/imports/mappings'), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'POST', '/api/v1/imports/mappings', { name: 'x', mapping: { columns: {} } }),
        403,
        'forbidden',
      );
      for (const [method, url, body] of idRoutes(imp.id, mappingId)) {
        expectProblem(await t.as(who, method, url, body), 403, 'forbidden');
      }
    }
  });

  it('answers 404 to another company for every import id, and changes nothing', async () => {
    for (const [method, url, body] of idRoutes(imp.id, mappingId)) {
      const response = await t.as('admin@other.test', method, url, body);
      expectProblem(response, 404, 'not_found');
    }
    expect((await t.as(admin, 'GET', `/api/v1/imports/${imp.id}`)).json()).toMatchObject({
      status: 'uploaded',
      mapping: null,
    });
    expect((await t.as(admin, 'GET', '/api/v1/imports/mappings')).json().data).toHaveLength(1);
    expect((await t.as('admin@other.test', 'GET', '/api/v1/imports')).json().data).toEqual([]);
  });

  it("shows a person its own imports (an admin everyone's) and keeps the others' a 404", async () => {
    const mine = await uploaded(t, sales1, 'mine.csv', 'Name\nA\n');
    const list = (await t.as(sales1, 'GET', '/api/v1/imports')).json().data as { id: string }[];
    expect(list.map((i) => i.id)).toEqual([mine.id]);
    expectProblem(await t.as(sales1, 'GET', `/api/v1/imports/${imp.id}`), 404, 'not_found');
    expectProblem(await t.as('sales2@demo.test', 'POST', `/api/v1/imports/${mine.id}/run`, {}), 404, 'not_found');
    const all = (await t.as(admin, 'GET', '/api/v1/imports?limit=1')).json();
    expect(all.data).toHaveLength(1);
    expect(all.nextCursor).toBeTruthy();
    const next = (await t.as(admin, 'GET', `/api/v1/imports?limit=1&cursor=${all.nextCursor}`)).json();
    expect([...all.data, ...next.data].map((i: { id: string }) => i.id).sort()).toEqual([imp.id, mine.id].sort());
    expect((await t.as(admin, 'GET', '/api/v1/imports?status=done')).json().data).toEqual([]);
  });
});

describe('leads an import creates follow the usual rules', () => {
  it("makes a salesperson the owner of what it imports, and refuses rows it names someone else's", async () => {
    const [me, sales2] = [await userId(t, sales1), await userId(t, 'sales2@demo.test')];
    const file = await uploaded(
      t,
      sales1,
      'sales.csv',
      'Name,Owner\nMeera Shah,\nKaran Das,Sneha Patil\nRavi Iyer,Rohan Gupta\n',
    );
    const done = await runToEnd(t, sales1, file.id, { mapping: { columns: { Name: 'name', Owner: 'owner' } } });
    expect(done.counts).toEqual({ created: 2, updated: 0, skipped: 0, failed: 1 });
    const rows = await resultRows(t, sales1, file.id);
    expect(rows[2]?.[3]).toBe('ownerId (column "Owner"): is outside the people you may assign leads to');
    for (const row of [rows[1], rows[3]]) {
      const lead = (await t.as(sales1, 'GET', `/api/v1/leads/${row?.[2]}`)).json();
      expect(lead).toMatchObject({ ownerId: me, createdBy: me, createdVia: 'import' });
      const why = (await t.as(sales1, 'GET', `/api/v1/leads/${lead.id}/assignment`)).json().current;
      expect(why).toMatchObject({ channel: 'import', reason: 'manual', byUserId: me });
    }
    expect(sales2).not.toBe(me);
  });

  it('routes an admin import by the assignment rules (round robin, SLA checks, one notification per owner), or not when told', async () => {
    const [s1, s2] = [await userId(t, sales1), await userId(t, 'sales2@demo.test')];
    const csv = 'Name,State\nA One,Maharashtra\nB Two,Goa\nC Three,Maharashtra\nD Four,Goa\n';
    const file = await uploaded(t, admin, 'west.csv', csv);
    const jobsBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE kind = 'lead.sla'`.execute(
      t.dbs.owner,
    );
    const done = await runToEnd(t, admin, file.id, { onDuplicate: 'create' });
    expect(done.counts.created).toBe(4);
    const rows = await resultRows(t, admin, file.id);
    const owners: string[] = [];
    for (const row of rows.slice(1)) {
      const why = (await t.as(admin, 'GET', `/api/v1/leads/${row[2]}/assignment`)).json().current;
      expect(why).toMatchObject({
        channel: 'import',
        reason: 'rule',
        ruleName: 'Maharashtra & Goa leads',
        byUserId: null,
      });
      expect(why.slaDueAt).toBeTruthy();
      expect(why.detail).toMatch(
        /^Matched rule "Maharashtra & Goa leads" chose .+ by round robin \(next in rotation\)$/,
      );
      owners.push(why.ownerId);
    }
    expect(new Set(owners)).toEqual(new Set([s1, s2]));
    expect(owners[0]).not.toBe(owners[1]);
    expect(owners[0]).toBe(owners[2]);
    const jobsAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE kind = 'lead.sla'`.execute(
      t.dbs.owner,
    );
    expect((jobsAfter.rows[0]?.n ?? 0) - (jobsBefore.rows[0]?.n ?? 0)).toBe(4);
    const notes = (await t.as(sales1, 'GET', '/api/v1/notifications')).json().data as { title: string }[];
    expect(notes.filter((n) => n.title === '2 imported leads assigned to you')).toHaveLength(1);
    const mine = (await t.as(admin, 'GET', '/api/v1/notifications')).json().data as { title: string; body: string }[];
    expect(mine[0]).toMatchObject({
      title: 'Import of west.csv finished',
      body: '4 created, 0 updated, 0 skipped, 0 failed',
    });

    const off = await uploaded(t, admin, 'west.csv', csv);
    await runToEnd(t, admin, off.id, { onDuplicate: 'create', useAssignmentRules: false });
    const first = (await resultRows(t, admin, off.id))[1]?.[2];
    expect((await t.as(admin, 'GET', `/api/v1/leads/${first}`)).json().ownerId).toBeNull();
  });

  it('imports through an API key as its integration user, who then sees what it created', async () => {
    const key = (await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'importer' })).json()
      .key as string;
    const file = await uploaded(t, key, 'erp.csv', 'Name,Email\nTally Lead,tally.lead@example.in\n');
    const done = await runToEnd(t, key, file.id);
    expect(done.counts.created).toBe(1);
    const id = (await resultRows(t, key, file.id))[1]?.[2];
    const lead = (await t.as(key, 'GET', `/api/v1/leads/${id}`)).json();
    expect(lead).toMatchObject({ createdBy: await userId(t, 'integration@demo.test'), createdVia: 'import' });
    const audit = (await t.as(admin, 'GET', `/api/v1/audit?entityId=${id}`)).json().data;
    expect(audit[0].actorApiKeyId).toBeTruthy();
  });

  it("never merges into a lead the importer cannot see, and leaves a run's import alone once it started", async () => {
    const other = (
      await t.as(admin, 'POST', '/api/v1/leads?onDuplicate=create', {
        name: 'Hidden Person',
        emails: ['hidden@example.in'],
        ownerId: await userId(t, 'sales3@demo.test'),
      })
    ).json();
    const file = await uploaded(t, sales1, 'hidden.csv', 'Name,Email,City\nHidden P,hidden@example.in,Goa\n');
    const dry = (await t.as(sales1, 'POST', `/api/v1/imports/${file.id}/dry-run`, { onDuplicate: 'merge' })).json();
    expect(dry.rows[0].duplicates).toEqual([{ leadId: null, name: null, row: null, matchedOn: ['email'] }]);
    const done = await runToEnd(t, sales1, file.id, { onDuplicate: 'merge' });
    expect(done.counts).toMatchObject({ updated: 0, failed: 1 });
    expect((await resultRows(t, sales1, file.id))[1]?.[3]).toBe(
      'Duplicate of a lead you cannot see (email): it cannot be merged into a lead you cannot see',
    );
    expect((await t.as(admin, 'GET', `/api/v1/leads/${other.id}`)).json()).toMatchObject({
      city: null,
      version: other.version,
    });
    expectProblem(await t.as(sales1, 'POST', `/api/v1/imports/${file.id}/run`, {}), 409, 'conflict');
    expectProblem(await t.as(sales1, 'PUT', `/api/v1/imports/${file.id}/mapping`, { mappingId }), 409, 'conflict');
    expectProblem(await t.as(sales1, 'POST', `/api/v1/imports/${file.id}/dry-run`, {}), 409, 'conflict');
    await drain(t);
  });
});
