import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTally, startFakeTally } from '../../../test/fakes/erp-tally.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The sync engine's rules through the API against the TallyPrime fake: field policies (the books win, we win,
 * the last change wins, and a conflict when Tally cannot say when it changed), the error queue (refused data
 * waits for a person, a failing Tally is retried with backoff), a retried create after a crash, matching and
 * review of ledgers made in Tally, and the consistency check on deliberately damaged data with its repair.
 */
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';

let t: TestApp;
let tally: FakeTally;
let connectionId: string;
let companyId: string;
let n = 0;

async function newLead(fields: Record<string, unknown> = {}) {
  n++;
  const res = await t.as(SALES, 'POST', '/api/v1/leads', {
    name: `Buyer ${n}`,
    companyName: `Flow Traders ${n}`,
    emails: [`buyer${n}@flowtraders.in`],
    expectedValue: 25000,
    ...fields,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; companyName: string };
}

async function wonLead(fields: Record<string, unknown> = {}) {
  const lead = await newLead(fields);
  const moved = await t.as(SALES, 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'won' });
  expect(moved.statusCode, moved.body).toBe(200);
  await t.runJobs();
  return lead;
}

async function edit(id: string, fields: Record<string, unknown>) {
  const current = (await t.as(SALES, 'GET', `/api/v1/leads/${id}`)).json();
  const res = await t.as(SALES, 'PATCH', `/api/v1/leads/${id}`, { version: current.version, ...fields });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const lead = async (id: string) => (await t.as(SALES, 'GET', `/api/v1/leads/${id}`)).json();
const ledgerGuid = async (leadId: string) =>
  (await t.as(SALES, 'GET', `/api/v1/leads/${leadId}/erp`)).json().customers[0]?.externalId as string;

async function setMapping(fields: { leadField: string; erpField: string; policy: string }[]) {
  const res = await t.as(ADMIN, 'PUT', `/api/v1/erp/connections/${connectionId}/mapping`, { fields });
  expect(res.statusCode, res.body).toBe(200);
}

async function sync() {
  const run = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {});
  expect(run.statusCode, run.body).toBe(202);
  await t.runJobs();
  // What the run queued (pushes back of fields we own) runs next.
  await t.runJobs();
  const done = (await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${run.json().id}`)).json();
  expect(done.status, JSON.stringify(done)).toBe('succeeded');
  return done;
}

async function consistency(repair = false) {
  const run = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/consistency`, { repair });
  expect(run.statusCode, run.body).toBe(202);
  await t.runJobs();
  const done = (await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${run.json().id}`)).json();
  expect(done.status, JSON.stringify(done)).toBe('succeeded');
  return done;
}

const errors = async (status = 'open') =>
  (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/errors?status=${status}`)).json().data;

const mapping = (policy: Record<string, string> = {}) => [
  { leadField: 'companyName', erpField: 'name', policy: policy.name ?? 'iperform' },
  { leadField: 'name', erpField: 'contactPerson', policy: policy.contactPerson ?? 'iperform' },
  { leadField: 'emails', erpField: 'email', policy: policy.email ?? 'iperform' },
  { leadField: 'phones', erpField: 'mobile', policy: policy.mobile ?? 'iperform' },
];

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000, erpMaxWaitSeconds: 1 });
  tally = await startFakeTally('Acme Traders');
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const res = await t.as(ADMIN, 'POST', '/api/v1/erp/connections', {
    connector: 'tally',
    name: 'Tally',
    settings: { url: tally.url, company: 'Acme Traders' },
    mapping: mapping(),
  });
  expect(res.statusCode, res.body).toBe(201);
  connectionId = res.json().id;
  await sync(); // reads the fake's own ledgers (none under Sundry Debtors yet)
});

afterAll(async () => {
  await tally?.close();
  await t?.close();
});

describe('field policies', () => {
  it('takes the books’ value for a field the ERP owns, through the lead write path', async () => {
    await setMapping(mapping({ email: 'erp' }));
    const l = await wonLead();
    const guid = await ledgerGuid(l.id);
    tally.alterLedger(guid, { email: 'accounts@flowtraders.in' });
    await sync();
    expect((await lead(l.id)).emails[0]).toBe('accounts@flowtraders.in');
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${l.id}`)).json();
    expect(JSON.stringify(audit)).toContain('lead.updated_from_erp');
    // Our later change of that field is not pushed: the books own it.
    await edit(l.id, { emails: ['sales@flowtraders.in'] });
    await t.runJobs();
    expect(tally.ledger(guid)?.email).toBe('accounts@flowtraders.in');
  });

  it('puts our value back over a change in the books for a field iPerform owns', async () => {
    await setMapping(mapping());
    const l = await wonLead();
    const guid = await ledgerGuid(l.id);
    tally.alterLedger(guid, { contact: 'Someone Else' });
    await sync();
    expect((await lead(l.id)).name).toBe(l.name);
    expect(tally.ledger(guid)?.contact).toBe(l.name);
  });

  it('opens a conflict when both sides changed and Tally cannot say when, and settles it as told', async () => {
    await setMapping(mapping({ contactPerson: 'latest' }));
    const l = await wonLead();
    const guid = await ledgerGuid(l.id);
    tally.alterLedger(guid, { contact: 'Tally Person' });
    await edit(l.id, { name: 'Our Person' });
    await t.runJobs();
    const open = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/conflicts`)).json().data;
    const conflict = open.find((c: { leadId: string }) => c.leadId === l.id);
    expect(conflict).toMatchObject({ erpField: 'contactPerson', ours: 'Our Person', theirs: 'Tally Person' });
    // Neither side was overwritten while the conflict waits.
    expect(tally.ledger(guid)?.contact).toBe('Tally Person');
    expect((await lead(l.id)).name).toBe('Our Person');
    const resolved = await t.as(ADMIN, 'POST', `/api/v1/erp/conflicts/${conflict.id}/resolve`, { take: 'erp' });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'erp' });
    await t.runJobs();
    expect((await lead(l.id)).name).toBe('Tally Person');
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/erp/conflicts/${conflict.id}/resolve`, { take: 'erp' }),
      409,
      'conflict',
    );
    expectProblem(
      await t.as(SALES, 'POST', `/api/v1/erp/conflicts/${conflict.id}/resolve`, { take: 'erp' }),
      403,
      'forbidden',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/erp/conflicts/${conflict.id}/resolve`, { take: 'both' }),
      400,
      'validation_failed',
      'take',
    );
    await setMapping(mapping());
  });
});

describe('the error queue', () => {
  it('keeps data Tally refused with Tally’s own words until a person retries or skips it', async () => {
    tally.lineErrorNextImport('Could not find Group ‘Sundry Debtors’');
    const l = await wonLead();
    const [queued] = (await errors()).filter((e: { leadId: string }) => e.leadId === l.id);
    expect(queued).toMatchObject({ direction: 'push', kind: 'validation', attempts: 1, nextRetryAt: null });
    expect(queued.message).toContain('Could not find Group');
    const retried = await t.as(ADMIN, 'POST', `/api/v1/erp/errors/${queued.id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    await t.runJobs();
    expect((await errors('resolved')).map((e: { id: string }) => e.id)).toContain(queued.id);
    expect(await ledgerGuid(l.id)).toBeTruthy();

    tally.rejectNextImport(3);
    const other = await wonLead();
    const [rejected] = (await errors()).filter((e: { leadId: string }) => e.leadId === other.id);
    expect(rejected).toMatchObject({ kind: 'rejected' });
    const skipped = await t.as(ADMIN, 'POST', `/api/v1/erp/errors/${rejected.id}/skip`);
    expect(skipped.json()).toMatchObject({ status: 'skipped' });
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/erp/errors/${rejected.id}/retry`), 409, 'conflict');
  });

  it('retries a Tally that did not answer, with backoff, until it does', async () => {
    tally.failNext(503, 'Service Unavailable');
    const l = await wonLead();
    const [queued] = (await errors()).filter((e: { leadId: string }) => e.leadId === l.id);
    expect(queued).toMatchObject({ kind: 'unavailable' });
    expect(new Date(queued.nextRetryAt).getTime()).toBeGreaterThan(t.clock.now().getTime());
    t.clock.advance(31_000);
    await t.runJobs();
    expect(await ledgerGuid(l.id)).toBeTruthy();
    expect((await errors()).filter((e: { leadId: string }) => e.leadId === l.id)).toEqual([]);
  });

  it('creates nothing twice when a create is retried after the link was lost (a crash after Tally wrote)', async () => {
    const l = await wonLead();
    const guid = await ledgerGuid(l.id);
    const before = tally.ledgers.size;
    await withTenant(t.dbs.app, companyId, async (trx) => {
      await trx.deleteFrom('erp_links').where('lead_id', '=', l.id).execute();
    });
    const push = await t.as(SALES, 'POST', `/api/v1/leads/${l.id}/erp/push`, { connectionId });
    expect(push.statusCode, push.body).toBe(202);
    await t.runJobs();
    expect(tally.ledgers.size).toBe(before);
    expect(await ledgerGuid(l.id)).toBe(guid);
  });
});

describe('ledgers made in Tally', () => {
  it('links a ledger matching a lead by email, and lists the rest for review', async () => {
    const l = await newLead({ emails: ['owner@matchme.in'], companyName: 'Match Me Pvt Ltd' });
    tally.addLedger({ name: 'Match Me Private Limited', parent: 'Sundry Debtors', email: 'owner@matchme.in' });
    tally.addLedger({ name: 'Nobody Knows Co', parent: 'Sundry Debtors', email: 'who@nobody.in' });
    await sync();
    const erp = (await t.as(SALES, 'GET', `/api/v1/leads/${l.id}/erp`)).json();
    expect(erp.customers).toHaveLength(1);
    // Matching starts from no common base: iPerform owns the name, so the ledger takes our company name.
    await t.runJobs();
    expect(tally.ledger(erp.customers[0].externalId)?.name).toBe('Match Me Pvt Ltd');
    // A phone written another way matches too (both read as E.164 in the company's country).
    const byPhone = await newLead({ emails: [], phones: ['+91 98200 12345'], companyName: 'Phone Match Co' });
    tally.addLedger({ name: 'Phone Match Company', parent: 'Sundry Debtors', mobile: '098200-12345' });
    await sync();
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${byPhone.id}/erp`)).json().customers).toHaveLength(1);
    const review = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/review`)).json().data;
    const nobody = review.find((r: { fields: { name: string } }) => r.fields.name === 'Nobody Knows Co');
    expect(nobody).toBeTruthy();
    const target = await newLead({ companyName: 'Nobody Knows Co' });
    const linked = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/review`, {
      externalId: nobody.externalId,
      action: 'link',
      leadId: target.id,
    });
    expect(linked.statusCode, linked.body).toBe(204);
    await t.runJobs();
    expect(await ledgerGuid(target.id)).toBe(nobody.externalId);
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/review`, {
        externalId: nobody.externalId,
        action: 'link',
      }),
      404,
      'not_found',
    );
  });
});

describe('consistency', () => {
  it('finds all deliberate damage, repairs it in the direction of each policy, and then finds none', async () => {
    await setMapping(mapping({ email: 'erp' }));
    const leads = [];
    for (let i = 0; i < 8; i++) leads.push(await wonLead());
    await sync();
    // What earlier tests left (a lead edit of a field the books own) is settled first.
    await consistency(true);
    await t.runJobs();
    const clean = await consistency();
    expect(clean.counts.drift ?? 0, JSON.stringify(clean.report)).toBe(0);

    // Damage: three ledgers' contact changed in Tally behind our back (we own it), two ledgers' email changed in
    // Tally (the books own it) without a sync, two leads' phones changed with the push lost, two ledgers never read.
    const guids = await Promise.all(leads.map((l) => ledgerGuid(l.id)));
    for (const g of guids.slice(0, 3)) tally.alterLedger(g, { contact: 'Changed In Tally' });
    for (const g of guids.slice(3, 5)) tally.alterLedger(g, { email: `books-${g.slice(0, 6)}@flowtraders.in` });
    for (const l of leads.slice(5, 7)) await edit(l.id, { phones: ['+919800000001'] });
    await withTenant(t.dbs.app, companyId, (trx) => trx.deleteFrom('erp_outbox').execute());
    await withTenant(t.dbs.app, companyId, (trx) =>
      sql`DELETE FROM jobs WHERE company_id = ${companyId} AND kind = 'erp.push' AND done_at IS NULL`.execute(trx),
    ).catch(() => undefined);
    tally.addLedger({ name: 'Unread One', parent: 'Sundry Debtors' });
    tally.addLedger({ name: 'Unread Two', parent: 'Sundry Debtors' });

    const found = await consistency();
    const drift = found.report.drift as { type: string; field: string | null; direction: string; externalId: string }[];
    const differs = drift.filter((d) => d.type === 'differs');
    expect(differs.filter((d) => d.field === 'contactPerson' && d.direction === 'to_erp')).toHaveLength(3);
    expect(differs.filter((d) => d.field === 'email' && d.direction === 'to_iperform')).toHaveLength(2);
    expect(differs.filter((d) => d.field === 'mobile' && d.direction === 'to_erp')).toHaveLength(2);
    expect(drift.filter((d) => d.type === 'not_pulled')).toHaveLength(2);
    expect(drift).toHaveLength(9);

    const repaired = await consistency(true);
    expect(repaired.counts.repaired).toBeGreaterThanOrEqual(9);
    await t.runJobs();
    for (const g of guids.slice(0, 3)) expect(tally.ledger(g)?.contact).not.toBe('Changed In Tally');
    expect((await lead(leads[3]?.id as string)).emails[0]).toMatch(/^books-/);
    expect(tally.ledger(guids[5] as string)?.mobile).toBe('+919800000001');
    const after = await consistency();
    expect(after.counts.drift ?? 0, JSON.stringify(after.report)).toBe(0);
  });
});
