import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSapB1, startFakeSapB1 } from '../../../test/fakes/erp-sap-b1.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * The ERP sync engine through the API, against the SAP Business One fake: connecting, a won lead becoming a
 * business partner exactly once, invoices and payments coming back to the lead, ERP edits settled by each
 * field's policy, the error queue, matching and review, the consistency check with its repair, and access.
 */
const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const OTHER = 'admin@other.test';

let t: TestApp;
let sap: FakeSapB1;
let connectionId: string;

const settings = () => ({ baseUrl: sap.url, companyDb: 'SBODEMOUS', userName: 'manager' });

async function newLead(fields: Record<string, unknown>) {
  const res = await t.as(SALES, 'POST', '/api/v1/leads', { expectedValue: 50000, ...fields });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number; name: string };
}

async function win(id: string) {
  const res = await t.as(SALES, 'POST', `/api/v1/leads/${id}/stage`, { stage: 'won' });
  expect(res.statusCode, res.body).toBe(200);
}

async function sync() {
  const run = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {});
  expect(run.statusCode, run.body).toBe(202);
  await t.runJobs();
  const done = await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${run.json().id}`);
  expect(done.json().status, done.body).toBe('succeeded');
  return done.json();
}

const customersNamed = (name: string) => [...sap.businessPartners.values()].filter((bp) => bp.CardName === name);
const leadErp = async (id: string, who = SALES) => (await t.as(who, 'GET', `/api/v1/leads/${id}/erp`)).json();

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000, erpMaxWaitSeconds: 2 });
  sap = await startFakeSapB1();
});

afterAll(async () => {
  await sap?.close();
  await t?.close();
});

describe('connections', () => {
  it('refuses bad input naming the field, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ connector: 'oracle', name: 'x', settings: {} }, 'connector'],
      [
        { connector: 'sapb1', name: 'x', settings: { companyDb: 'A', userName: 'u' }, secrets: { password: 'p' } },
        'settings.baseUrl',
      ],
      [{ connector: 'sapb1', name: 'x', settings: settings(), secrets: { token: 'p' } }, 'secrets.token'],
      [{ connector: 'sapb1', name: 'x', settings: settings() }, 'secrets.password'],
      [
        { connector: 'sapb1', name: 'x', settings: settings(), secrets: { password: '1234' }, schedule: 'often' },
        'schedule',
      ],
      [
        {
          connector: 'sapb1',
          name: 'x',
          settings: settings(),
          secrets: { password: '1234' },
          mapping: [{ leadField: 'stage', erpField: 'CardName', policy: 'erp' }],
        },
        'mapping.0.leadField',
      ],
      [{ connector: 'sapb1', name: 'x', settings: settings(), secrets: { password: '1234' }, extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await t.as(ADMIN, 'POST', '/api/v1/erp/connections', body);
      expectProblem(res, 400, 'validation_failed', path || undefined);
    }
    expect((await t.as(ADMIN, 'GET', '/api/v1/erp/connections')).json().data).toEqual([]);
  });

  it('lets only an admin connect, and checks the connection', async () => {
    const body = { connector: 'sapb1', name: 'SAP', settings: settings(), secrets: { password: '1234' } };
    expectProblem(await t.as(MANAGER, 'POST', '/api/v1/erp/connections', body), 403, 'forbidden');
    const res = await t.as(ADMIN, 'POST', '/api/v1/erp/connections', body);
    expect(res.statusCode, res.body).toBe(201);
    connectionId = res.json().id;
    expect(res.json()).toMatchObject({ status: 'connected', secretsSet: ['password'], pushOnWon: true });
    expect(JSON.stringify(res.json())).not.toContain('1234');
    expect(res.json().mapping.map((m: { erpField: string }) => m.erpField)).toContain('CardName');
    const check = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/check`);
    expect(check.json()).toMatchObject({ ok: true });
    expect(check.json().detail).toContain('SBODEMOUS');
    expectProblem(await t.as(ADMIN, 'POST', '/api/v1/erp/connections', body), 400, 'validation_failed', 'name');
  });

  it('hides a connection from another company (404) and from roles without the permission (403)', async () => {
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/erp/connections/${connectionId}`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {}), 404, 'not_found');
    expectProblem(await t.as(SALES, 'GET', `/api/v1/erp/connections/${connectionId}`), 403, 'forbidden');
    expectProblem(
      await t.as(MANAGER, 'PATCH', `/api/v1/erp/connections/${connectionId}`, { name: 'x' }),
      403,
      'forbidden',
    );
  });
});

describe('a won lead becomes a customer', () => {
  it('creates the business partner once, links it, and audits it', async () => {
    const lead = await newLead({ name: 'Asha Rao', companyName: 'Rao Textiles', emails: ['asha@raotextiles.in'] });
    await win(lead.id);
    await t.runJobs();
    const made = customersNamed('Rao Textiles');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      ContactPerson: 'Asha Rao',
      EmailAddress: 'asha@raotextiles.in',
      CardType: 'cCustomer',
    });
    const erp = await leadErp(lead.id);
    expect(erp.customers).toEqual([
      expect.objectContaining({ connectionId, externalId: made[0]?.CardCode, deletedInErp: false }),
    ]);
    // A manual push of the same lead writes nothing new: the customer exists and nothing changed.
    const push = await t.as(SALES, 'POST', `/api/v1/leads/${lead.id}/erp/push`, { connectionId });
    expect(push.statusCode, push.body).toBe(202);
    await t.runJobs();
    expect(customersNamed('Rao Textiles')).toHaveLength(1);
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${lead.id}`);
    expect(JSON.stringify(audit.json())).toContain('erp.customer_created');
  });

  it('pushes a later edit of a mapped field, and invoices and payments come back to the lead page', async () => {
    const lead = await newLead({ name: 'Vikram Shah', companyName: 'Shah & Sons', emails: ['vikram@shah.in'] });
    await win(lead.id);
    await t.runJobs();
    const code = customersNamed('Shah & Sons')[0]?.CardCode as string;
    const current = (await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).json();
    const edit = await t.as(SALES, 'PATCH', `/api/v1/leads/${lead.id}`, {
      version: current.version,
      phones: ['+919812345678'],
    });
    expect(edit.statusCode, edit.body).toBe(200);
    await t.runJobs();
    expect(sap.businessPartners.get(code)?.Phone1).toBe('+919812345678');

    sap.addInvoice({
      CardCode: code,
      DocNum: 5001,
      DocDate: '2026-11-20',
      PaidToDate: 180,
      lines: [{ ItemDescription: 'Power loom', Quantity: 2, Price: 590 }],
    });
    await sync();
    const erp = await leadErp(lead.id);
    expect(erp.invoices).toHaveLength(1);
    expect(erp.invoices[0]).toMatchObject({ number: '5001', total: '1180.00', balance: '1000.00' });
    expect(erp.outstanding).toEqual([{ currency: expect.any(String), amount: '1000.00' }]);
    const timeline = (await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}/timeline`)).json();
    expect(JSON.stringify(timeline)).toContain('erp_document');
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/leads/${lead.id}/erp`), 404, 'not_found');
  });
});

describe('the last change wins', () => {
  it('takes whichever side changed a field last, by the lead’s and SAP’s own change times', async () => {
    const current = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    const mapping = current.mapping.map((m: { erpField: string }) =>
      m.erpField === 'EmailAddress' ? { ...m, policy: 'latest' } : m,
    );
    expect(
      (await t.as(ADMIN, 'PUT', `/api/v1/erp/connections/${connectionId}/mapping`, { fields: mapping })).statusCode,
    ).toBe(200);
    const lead = await newLead({ name: 'Latest Wins', companyName: 'Latest Wins Pvt Ltd', emails: ['one@latest.in'] });
    await win(lead.id);
    await t.runJobs();
    const code = customersNamed('Latest Wins Pvt Ltd')[0]?.CardCode as string;
    const edit = async (email: string) => {
      const row = (await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).json();
      const res = await t.as(SALES, 'PATCH', `/api/v1/leads/${lead.id}`, { version: row.version, emails: [email] });
      expect(res.statusCode, res.body).toBe(200);
    };
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

    // SAP changed it an hour after our edit: SAP's value wins and is written to the lead.
    sap.setClock(iso(t.clock.now().getTime() + 3_600_000));
    sap.editBusinessPartner(code, { EmailAddress: 'books@latest.in' });
    await edit('two@latest.in');
    await t.runJobs();
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).json().emails[0]).toBe('books@latest.in');
    expect(sap.businessPartners.get(code)?.EmailAddress).toBe('books@latest.in');

    // SAP's change is older than ours: ours wins and is written to SAP.
    t.clock.advance(3 * 3_600_000);
    sap.setClock(iso(t.clock.now().getTime() - 3_600_000));
    sap.editBusinessPartner(code, { EmailAddress: 'older@latest.in' });
    await edit('three@latest.in');
    await t.runJobs();
    expect(sap.businessPartners.get(code)?.EmailAddress).toBe('three@latest.in');
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).json().emails[0]).toBe('three@latest.in');
    expect((await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/conflicts`)).json().data).toEqual([]);
  });
});

describe('schedule and bad input on the other write routes', () => {
  it('polls on its schedule in the company’s time zone', async () => {
    const res = await t.as(ADMIN, 'PATCH', `/api/v1/erp/connections/${connectionId}`, { schedule: '*/15 * * * *' });
    expect(res.statusCode, res.body).toBe(200);
    const next = new Date(res.json().nextRunAt).getTime();
    expect(next).toBeGreaterThan(t.clock.now().getTime());
    t.clock.set(new Date(next + 1000));
    await t.runJobs();
    await t.runJobs();
    const runs = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/runs`)).json().data;
    expect(runs[0]).toMatchObject({ kind: 'sync', trigger: 'schedule', status: 'succeeded' });
    const later = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    expect(new Date(later.nextRunAt).getTime()).toBeGreaterThan(next);
  });

  it('comes back when a throttling ERP says, and reads on from where it stopped', async () => {
    sap.throttleNext(1, 30);
    const run = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {});
    expect(run.statusCode, run.body).toBe(202);
    await t.runJobs();
    const failed = (await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${run.json().id}`)).json();
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toContain('throttling');
    const [queued] = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/runs`)).json().data;
    expect(queued).toMatchObject({ kind: 'sync', trigger: 'retry', status: 'queued' });
    await t.runJobs();
    expect((await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${queued.id}`)).json().status).toBe('queued');
    t.clock.advance(31_000);
    await t.runJobs();
    expect((await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${queued.id}`)).json().status).toBe('succeeded');
  });

  it('names the field for bad input and changes nothing', async () => {
    const before = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    const cases: [string, string, unknown, string][] = [
      ['PATCH', `/api/v1/erp/connections/${connectionId}`, { name: ' ' }, 'name'],
      ['PATCH', `/api/v1/erp/connections/${connectionId}`, { settings: { baseUrl: 5 } }, 'settings.baseUrl'],
      ['PATCH', `/api/v1/erp/connections/${connectionId}`, { schedule: '61 * * * *' }, 'schedule'],
      ['PATCH', `/api/v1/erp/connections/${connectionId}`, {}, ''],
      [
        'PUT',
        `/api/v1/erp/connections/${connectionId}/mapping`,
        { fields: [{ leadField: 'name', erpField: 'Nope', policy: 'erp' }] },
        'fields.0.erpField',
      ],
      [
        'PUT',
        `/api/v1/erp/connections/${connectionId}/mapping`,
        { fields: [{ leadField: 'emails', erpField: 'EmailAddress', policy: 'erp' }] },
        'fields',
      ],
      [
        'PUT',
        `/api/v1/erp/connections/${connectionId}/mapping`,
        { fields: [{ leadField: 'name', erpField: 'CardName', policy: 'sometimes' }] },
        'fields.0.policy',
      ],
      ['POST', `/api/v1/erp/connections/${connectionId}/review`, { externalId: 'x', action: 'merge' }, 'action'],
      ['POST', `/api/v1/erp/connections/${connectionId}/sync`, { full: 'yes' }, 'full'],
    ];
    for (const [method, url, body, path] of cases) {
      expectProblem(await t.as(ADMIN, method, url, body), 400, 'validation_failed', path || undefined);
    }
    const after = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    expect(after.mapping).toEqual(before.mapping);
    expect(after.name).toBe(before.name);
    expect(after.settings).toEqual(before.settings);
  });

  it('pauses and resumes from the integrations home', async () => {
    const home = (await t.as(ADMIN, 'GET', '/api/v1/integrations')).json().data;
    const card = home.find((c: { kind: string; id: string }) => c.kind === 'erp' && c.id === connectionId);
    expect(card).toMatchObject({ status: 'connected', pausable: true });
    expect(card.today).toHaveProperty('customersOut');
    const paused = await t.as(ADMIN, 'POST', `/api/v1/integrations/erp/${connectionId}/pause`);
    expect(paused.json()).toMatchObject({ status: 'paused' });
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {}),
      409,
      'erp_not_connected',
    );
    // An edit made while paused is not lost: it is pushed once the connection is resumed.
    const lead = await newLead({ name: 'Paused Meanwhile', companyName: 'Paused Meanwhile Ltd' });
    const resumedFirst = await t.as(ADMIN, 'POST', `/api/v1/integrations/erp/${connectionId}/resume`);
    expect(resumedFirst.json()).toMatchObject({ status: 'connected' });
    await win(lead.id);
    await t.runJobs();
    const code = customersNamed('Paused Meanwhile Ltd')[0]?.CardCode as string;
    expect(code).toBeTruthy();
    await t.as(ADMIN, 'POST', `/api/v1/integrations/erp/${connectionId}/pause`);
    const current = (await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).json();
    const edited = await t.as(SALES, 'PATCH', `/api/v1/leads/${lead.id}`, {
      version: current.version,
      phones: ['+919811112222'],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    await t.runJobs();
    expect(sap.businessPartners.get(code)?.Phone1).not.toBe('+919811112222');
    const resumed = await t.as(ADMIN, 'POST', `/api/v1/integrations/erp/${connectionId}/resume`);
    expect(resumed.json()).toMatchObject({ status: 'connected' });
    await t.runJobs();
    expect(sap.businessPartners.get(code)?.Phone1).toBe('+919811112222');
  });
});
