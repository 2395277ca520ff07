import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { ADMIN, created, freshEmail, freshName, freshPhone } from './duplicates.fixtures.ts';
import { scanStep, startScan } from './duplicates.scan.ts';

let t: TestApp;
let sales1: string;
let sales2: string;
let companyId: string;

type Member = { lead: { id: string; name: string }; matchedOn: string[]; state: string };
type Group = { id: string; status: string; confidence: number; matchedOn: string[]; origin: string; members: Member[] };

beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, 'sales1@demo.test');
  sales2 = await userId(t, 'sales2@demo.test');
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/company')).json().id;
});
afterAll(() => t.close());

async function groups(who: string, query = ''): Promise<Group[]> {
  const response = await t.as(who, 'GET', `/api/v1/duplicates/groups?limit=200${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

/** Runs the queued jobs until none is left due (a scan queues its next chunk as it goes). */
async function drainJobs(): Promise<void> {
  for (let i = 0; i < 20; i++) if ((await t.runJobs()).claimed === 0) return;
}

async function scan(): Promise<{ id: string; status: string; leadsTotal: number; leadsDone: number }> {
  const started = await t.as(ADMIN, 'POST', '/api/v1/duplicates/scan');
  expect(started.statusCode, started.body).toBe(202);
  await drainJobs();
  return (await t.as(ADMIN, 'GET', `/api/v1/duplicates/scans/${started.json().id}`)).json();
}

/** Two leads alike on nothing yet; then the second is edited to carry the first's e-mail (an edit flags nothing). */
async function pairByEdit(owners: [string, string]) {
  const email = freshEmail();
  const a = await created(t, ADMIN, { name: freshName(), emails: [email], ownerId: owners[0] });
  const b = await created(t, ADMIN, { name: freshName(), ownerId: owners[1] });
  const edit = await t.as(ADMIN, 'PATCH', `/api/v1/leads/${b}`, { emails: [email], version: 1 });
  expect(edit.statusCode, edit.body).toBe(200);
  return { a, b, email };
}

const holding = (list: Group[], ...ids: string[]) =>
  list.filter((g) => ids.every((id) => g.members.some((m) => m.lead.id === id)));

describe('the review queue', () => {
  it('holds the demo duplicates from the first start, most certain first', async () => {
    const open = await groups(ADMIN);
    expect(open.length).toBeGreaterThanOrEqual(5);
    expect(open.every((g) => g.status === 'open' && g.members.length >= 2)).toBe(true);
    const confidences = open.map((g) => g.confidence);
    expect([...confidences].sort((x, y) => y - x)).toEqual(confidences);
    expect(open.some((g) => g.matchedOn.includes('name') && g.confidence < 1)).toBe(true);
    // A salesperson sees the groups of which it sees two leads, and only those leads.
    const mine = await groups('sales1@demo.test');
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.length).toBeLessThan(open.length);
    expect(await groups('admin@other.test')).toEqual([]);
  });

  it('finds duplicates that came about by edits when a scan runs, and shows its progress', async () => {
    const { a, b } = await pairByEdit([sales1, sales1]);
    expect(holding(await groups(ADMIN), a, b)).toEqual([]);
    const done = await scan();
    expect(done).toMatchObject({ status: 'done' });
    expect(done.leadsDone).toBe(done.leadsTotal);
    const [group] = holding(await groups(ADMIN), a, b);
    // The same e-mail alone, different names: likely (0.8), not certain.
    expect(group).toMatchObject({ status: 'open', origin: 'scan', confidence: 0.8, matchedOn: ['email'] });
    expect((await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups/${group?.id}`)).json().id).toBe(group?.id);
    const latest = (await t.as('sales1@demo.test', 'GET', '/api/v1/duplicates/scans/latest')).json();
    expect(latest.scan).toMatchObject({ id: done.id, status: 'done', trigger: 'manual' });
  });

  it('keeps a group found again by the next scan, and answers a scan request during a scan with that scan', async () => {
    const before = await groups(ADMIN);
    const first = await t.as(ADMIN, 'POST', '/api/v1/duplicates/scan');
    const second = await t.as(ADMIN, 'POST', '/api/v1/duplicates/scan');
    expect(second.json().id).toBe(first.json().id);
    await drainJobs();
    const after = await groups(ADMIN);
    expect(after.map((g) => g.id).sort()).toEqual(before.map((g) => g.id).sort());
  });

  it('scans in chunks with the same outcome as in one go', async () => {
    const before = (await groups(ADMIN)).map((g) => g.id).sort();
    await withTenant(t.dbs.app, companyId, async (trx) => {
      const { scan: row } = await startScan(trx, {
        companyId,
        trigger: 'manual',
        by: null,
        now: t.clock.now(),
        inline: true,
      });
      let steps = 0;
      while (await scanStep(trx, companyId, row.id, t.clock.now(), 97)) steps++;
      expect(steps).toBeGreaterThan(4);
    });
    expect((await groups(ADMIN)).map((g) => g.id).sort()).toEqual(before);
  });

  it('dismisses a group for good: later scans and the lead page leave the pair out', async () => {
    const { a, b } = await pairByEdit([sales1, sales1]);
    await scan();
    const [group] = holding(await groups('sales1@demo.test'), a, b);
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${a}/duplicates`)).json().data[0]?.id).toBe(b);
    const dismissed = await t.as('sales1@demo.test', 'POST', `/api/v1/duplicates/groups/${group?.id}/dismiss`);
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed' });
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/duplicates/groups/${group?.id}/dismiss`), 409, 'conflict');
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${a}/duplicates`)).json().data).toEqual([]);
    await scan();
    expect(holding(await groups(ADMIN), a, b)).toEqual([]);
    expect(holding(await groups(ADMIN, '&status=dismissed'), a, b)).toHaveLength(1);
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${group?.id}`)).json().data;
    expect(audit[0]).toMatchObject({ action: 'duplicates.group_dismissed' });
  });

  it('lets only someone who sees every lead of a group dismiss it', async () => {
    const email = freshEmail();
    const a = await created(t, ADMIN, { name: freshName(), emails: [email], ownerId: sales1 });
    const b = await created(t, ADMIN, { name: freshName(), emails: [email], ownerId: sales1 });
    const c = await created(t, ADMIN, { name: freshName(), emails: [email], ownerId: sales2 });
    await drainJobs();
    const [group] = holding(await groups(ADMIN), a, b, c);
    expect(group?.origin).toBe('create');
    const seen = holding(await groups('sales1@demo.test'), a, b)[0];
    expect(seen?.members.map((m) => m.lead.id).sort()).toEqual([a, b].sort());
    expectProblem(
      await t.as('sales1@demo.test', 'POST', `/api/v1/duplicates/groups/${group?.id}/dismiss`),
      403,
      'forbidden',
    );
    // sales2 sees one lead of it: for sales2 the group does not exist.
    expectProblem(await t.as('sales2@demo.test', 'GET', `/api/v1/duplicates/groups/${group?.id}`), 404, 'not_found');
    expectProblem(
      await t.as('guest@demo.test', 'POST', `/api/v1/duplicates/groups/${group?.id}/dismiss`),
      403,
      'forbidden',
    );
  });

  it('shows a group as merged once its leads are merged, and keeps it so after a scan', async () => {
    const phone = freshPhone();
    const a = await created(t, ADMIN, { name: freshName(), phones: [phone], ownerId: sales1 });
    const b = await created(t, ADMIN, { name: freshName(), phones: [phone], ownerId: sales1 }, '?onDuplicate=create');
    await drainJobs();
    const [group] = holding(await groups(ADMIN), a, b);
    const merge = await t.as('sales1@demo.test', 'POST', '/api/v1/leads/merge', { survivorId: a, mergedIds: [b] });
    expect(merge.statusCode, merge.body).toBe(201);
    const now = (await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups/${group?.id}`)).json() as Group;
    expect(now.status).toBe('merged');
    expect(now.members.find((m) => m.lead.id === b)?.state).toBe('merged');
    expect(holding(await groups(ADMIN), a, b)).toEqual([]);
    await scan();
    expect(holding(await groups(ADMIN, '&status=merged'), a, b).map((g) => g.id)).toEqual([group?.id]);
  });

  it('runs the scan every night', async () => {
    t.clock.advance(26 * 60 * 60_000);
    await drainJobs();
    const latest = (await t.as(ADMIN, 'GET', '/api/v1/duplicates/scans/latest')).json();
    expect(latest.scan).toMatchObject({ trigger: 'daily', status: 'done' });
  });
});

describe('permissions and tenants', () => {
  it('keeps scans to duplicates:manage', async () => {
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'POST', '/api/v1/duplicates/scan'), 403, 'forbidden');
    }
  });

  it("answers 404 to another company's user for every id", async () => {
    const [group] = await groups(ADMIN);
    const scanId = (await t.as(ADMIN, 'GET', '/api/v1/duplicates/scans/latest')).json().scan.id;
    const lead = group?.members[0]?.lead.id;
    for (const [method, url] of [
      ['GET', `/api/v1/duplicates/groups/${group?.id}`],
      ['POST', `/api/v1/duplicates/groups/${group?.id}/dismiss`],
      ['GET', `/api/v1/duplicates/scans/${scanId}`],
      ['GET', `/api/v1/leads/${lead}/duplicates`],
    ] as const) {
      expectProblem(await t.as('admin@other.test', method, url), 404, 'not_found');
    }
    expect((await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups/${group?.id}`)).json().status).toBe('open');
  });

  it("answers 404 for a lead's duplicates when the caller may not see the lead", async () => {
    const theirs = await created(t, ADMIN, { name: freshName(), ownerId: sales2 });
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${theirs}/duplicates`), 404, 'not_found');
    expect((await t.as('sales2@demo.test', 'GET', `/api/v1/leads/${theirs}/duplicates`)).statusCode).toBe(200);
  });

  it('refuses a bad status or cursor with a 400 naming it', async () => {
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/duplicates/groups?status=maybe'),
      400,
      'validation_failed',
      'status',
    );
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/duplicates/groups?cursor=nope'),
      400,
      'validation_failed',
      'cursor',
    );
  });

  it('pages through the queue', async () => {
    const all = await groups(ADMIN);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Group[]; nextCursor: string | null } = (
        await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.data.map((g) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((g) => g.id));
  });
});
