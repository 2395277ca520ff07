import { afterEach, describe, expect, it } from 'vitest';
import { testConnectorContext } from '../../../../test/erp-context.ts';
import {
  type FakeSapB1,
  type FakeSapB1Options,
  sapErrorSample,
  startFakeSapB1,
} from '../../../../test/fakes/erp-sap-b1.ts';
import type { ConnectorContext, ExternalCustomer, Page } from '../connector.ts';
import { ErpError } from '../connector.ts';
import { cardCodeForKey, sapB1Connector as sap } from './sap-b1.ts';

let fake: FakeSapB1;

afterEach(async () => {
  await fake?.close();
});

async function setup(
  options: FakeSapB1Options = {},
  extra: Record<string, unknown> = {},
  ctxOptions: { maxWaitSeconds?: number; timeoutMs?: number } = {},
) {
  fake = await startFakeSapB1(options);
  const ctx = testConnectorContext(
    sap,
    { baseUrl: fake.url, companyDb: 'SBODEMOUS', userName: 'manager', ...extra },
    { password: '1234' },
    ctxOptions,
  );
  return ctx;
}

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErpError) return error;
    throw error;
  }
  throw new Error('expected an ErpError');
}

async function readAll<T>(
  read: (checkpoint: string | null) => Promise<Page<T>>,
  checkpoint: string | null,
): Promise<{ records: T[]; checkpoint: string | null; pages: number }> {
  const records: T[] = [];
  let pages = 0;
  for (;;) {
    const page = await read(checkpoint);
    pages++;
    records.push(...page.records);
    checkpoint = page.checkpoint;
    if (!page.more) return { records, checkpoint, pages };
    if (pages > 1000) throw new Error('no end of paging');
  }
}

function need<T>(read: T | undefined): T {
  if (!read) throw new Error('the connector lacks this read');
  return read;
}

const KEY = '0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b';

describe('SAP Business One: session', () => {
  it('check() logs in, keeps the session cookies and reads a business partner', async () => {
    const ctx = await setup();
    const line = await sap.check(ctx);
    expect(line).toContain('SBODEMOUS');
    expect(line).toContain('1000110');
    const loginRequest = fake.requests[0];
    expect(loginRequest?.path).toBe('/Login');
    expect(loginRequest?.body).toEqual({ CompanyDB: 'SBODEMOUS', UserName: 'manager', Password: '***' });
    const saved = ctx.saved[0] ?? {};
    expect(saved.session).toBeTruthy();
    expect(saved.routeId).toBe('.node1');
    expect(Number(saved.sessionExpiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(fake.requests[1]?.cookie).toBe(`B1SESSION=${saved.session}; ROUTEID=.node1`);
  });

  it('reuses a saved session instead of logging in again', async () => {
    const first = await setup();
    await sap.readCustomers(first, null);
    const ctx = testConnectorContext(
      sap,
      first.settings,
      { password: '1234', ...(first.saved[0] as Record<string, string>) },
      {},
    );
    await sap.readCustomers(ctx, null);
    expect(fake.logins).toBe(1);
    expect(ctx.saved).toHaveLength(0);
  });

  it('a wrong password is an auth error with SAP message and code', async () => {
    const ctx = await setup({ password: 'secret' });
    const error = await failure(sap.check(ctx));
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('Fail to get DB Credentials from SLD');
    expect(error.vendorCode).toBe('100000027');
  });

  it('logs in again once on 401 code 301 and saves the new session', async () => {
    const ctx = await setup();
    fake.addBusinessPartner({ CardCode: 'c1', CardName: 'customer c1' });
    await sap.readCustomers(ctx, null);
    const before = ctx.secrets.session;
    fake.expireSession();
    const page = await sap.readCustomers(ctx, null);
    expect(page.records.map((r) => r.externalId)).toEqual(['c1']);
    expect(fake.logins).toBe(2);
    expect(ctx.secrets.session).not.toBe(before);
    expect(ctx.saved.at(-1)?.session).toBe(ctx.secrets.session);
    const paths = fake.requests.map((r) => r.path);
    expect(paths).toEqual(['/Login', '/BusinessPartners', '/BusinessPartners', '/Login', '/BusinessPartners']);
  });

  it('gives up with auth when the session is refused right after a new login', async () => {
    const ctx = await setup();
    await sap.check(ctx);
    fake.expireSession();
    // Both the request and its retry after the new login are refused.
    const sample = sapErrorSample(301);
    fake.failNextWith(sample);
    fake.failNextWith(sample);
    const error = await failure(sap.readCustomers(ctx, null));
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('Invalid session or session already timeout.');
    expect(error.vendorCode).toBe('301');
  });
});

describe('SAP Business One: customers', () => {
  it('creates a customer with a CardCode derived from the key', async () => {
    const ctx = await setup();
    const created = await sap.createCustomer(
      ctx,
      { CardName: 'Acme Traders', EmailAddress: 'ops@acme.test', Phone1: 9876543210, City: 'Pune', FreeText: 'Won' },
      KEY,
    );
    const code = cardCodeForKey(KEY);
    expect(code).toMatch(/^IP[0-9A-F]{13}$/);
    expect(created.externalId).toBe(code);
    expect(created.fields).toMatchObject({
      CardCode: code,
      CardName: 'Acme Traders',
      Phone1: '9876543210',
      City: 'Pune',
    });
    expect(created.version).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const stored = fake.businessPartners.get(code);
    expect(stored?.CardType).toBe('cCustomer');
    expect(stored?.EmailAddress).toBe('ops@acme.test');
    expect(stored?.FreeText).toBe('Won');
  });

  it('the same key twice creates one business partner (SAP -10 then the existing one)', async () => {
    const ctx = await setup();
    const first = await sap.createCustomer(ctx, { CardName: 'Acme Traders' }, KEY);
    const second = await sap.createCustomer(ctx, { CardName: 'Acme Traders' }, KEY);
    expect(second.externalId).toBe(first.externalId);
    expect(second.version).toBe(first.version);
    expect(fake.businessPartners.size).toBe(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/BusinessPartners')).toHaveLength(2);
    // A different key is a different customer.
    await sap.createCustomer(ctx, { CardName: 'Acme Traders' }, '0193a1b2-7c4d-7e8f-9a0b-ffffffffffff');
    expect(fake.businessPartners.size).toBe(2);
  });

  it('a CardCode taken by a supplier is a duplicate with SAP message', async () => {
    const ctx = await setup();
    const code = cardCodeForKey(KEY);
    fake.addBusinessPartner({ CardCode: code, CardName: 'A vendor', CardType: 'cSupplier' });
    const error = await failure(sap.createCustomer(ctx, { CardName: 'Acme' }, KEY));
    expect(error.kind).toBe('duplicate');
    expect(error.vendorCode).toBe('-10');
    expect(error.message).toBe(
      `1320000140 - Business partner code '${code}' already assigned to a business partner; enter a unique business partner code`,
    );
  });

  it('refused data is a validation error with SAP message', async () => {
    const ctx = await setup();
    const error = await failure(sap.createCustomer(ctx, { CardName: 'x'.repeat(101) }, KEY));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe("Value too long in property 'CardName' of 'BusinessPartner'");
    expect(error.vendorCode).toBe('-5002');
  });

  it('updates with the current version and returns the new one', async () => {
    const ctx = await setup();
    const created = await sap.createCustomer(ctx, { CardName: 'Acme', Phone1: '111' }, KEY);
    const updated = await sap.updateCustomer(ctx, created.externalId, created.version, {
      Phone1: '222',
      City: 'Mumbai',
      FreeText: null,
    });
    expect(updated.fields.Phone1).toBe('222');
    expect(updated.fields.City).toBe('Mumbai');
    expect(updated.version).not.toBe(created.version);
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(`/BusinessPartners('${created.externalId}')`);
    expect(patch?.body).toEqual({ Phone1: '222', City: 'Mumbai', FreeText: '' });
    expect(patch?.ifMatch).toBeNull();
    expect(fake.businessPartners.get(created.externalId)?.Phone1).toBe('222');
  });

  it('a stale version is refused before anything is written (v1)', async () => {
    const ctx = await setup();
    const created = await sap.createCustomer(ctx, { CardName: 'Acme' }, KEY);
    fake.editBusinessPartner(created.externalId, { Phone1: '999' });
    const error = await failure(sap.updateCustomer(ctx, created.externalId, created.version, { Phone1: '222' }));
    expect(error.kind).toBe('stale');
    expect(error.message).toContain(String(created.version));
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(fake.businessPartners.get(created.externalId)?.Phone1).toBe('999');
  });

  it('v2 sends If-Match and maps the 412 -2039 body to stale', async () => {
    const ctx = await setup({ odata: 'v2' });
    const created = await sap.createCustomer(ctx, { CardName: 'Acme' }, KEY);
    const ok = await sap.updateCustomer(ctx, created.externalId, created.version, { Phone1: '1' });
    expect(fake.requests.find((r) => r.method === 'PATCH')?.ifMatch).toMatch(/^W\/"[0-9A-F]{40}"$/);
    fake.changeBeforeNextPatch();
    const error = await failure(sap.updateCustomer(ctx, created.externalId, ok.version, { Phone1: '2' }));
    expect(error.kind).toBe('stale');
    expect(error.status).toBe(412);
    expect(error.vendorCode).toBe('-2039');
    expect(error.message).toBe(
      'Another user or another operation modified data; to continue, open the window again (ODBC -2039)',
    );
  });

  it('getCustomer gives null for a missing code; updating one is not_found with SAP message', async () => {
    const ctx = await setup();
    fake.addBusinessPartner({ CardCode: "O'Neil", CardName: 'Quote test' });
    expect((await sap.getCustomer(ctx, "O'Neil"))?.fields.CardName).toBe('Quote test');
    expect(await sap.getCustomer(ctx, 'nope')).toBeNull();
    const error = await failure(sap.updateCustomer(ctx, 'nope', null, { Phone1: '1' }));
    expect(error.kind).toBe('not_found');
    expect(error.message).toBe('No matching records found (ODBC -2028)');
    expect(error.vendorCode).toBe('-2028');
  });

  it('flattens the bill-to address when the header fields are empty', async () => {
    const ctx = await setup();
    fake.addBusinessPartner({
      CardCode: 'c9',
      CardName: 'Addressed',
      BPAddresses: [
        { AddressName: 'Ship', AddressType: 'bo_ShipTo', Street: 'Dock 1', City: 'Chennai' },
        {
          AddressName: 'Bill',
          AddressType: 'bo_BillTo',
          Street: '1 MG Road',
          City: 'Pune',
          ZipCode: '411001',
          Country: 'IN',
        },
      ],
    });
    const customer = (await sap.getCustomer(ctx, 'c9')) as ExternalCustomer;
    expect(customer.fields).toMatchObject({ Address: '1 MG Road', City: 'Pune', ZipCode: '411001', Country: 'IN' });
  });
});

describe('SAP Business One: incremental reads', () => {
  it('pages customers with Prefer maxpagesize and nextLink, then reads only later changes', async () => {
    const ctx = await setup({}, { pageSize: 2 });
    for (let i = 1; i <= 5; i++) {
      fake.addBusinessPartner({ CardCode: `c${i}`, CardName: `Customer ${i}` }, `2026-01-0${i}T10:00:00`);
    }
    fake.addBusinessPartner({ CardCode: 's1', CardName: 'Supplier', CardType: 'cSupplier' }, '2026-01-02T11:00:00');
    fake.setClock('2026-03-01T09:00:00');
    const read = (cp: string | null) => sap.readCustomers(ctx, cp);
    const first = await readAll(read, null);
    expect(first.records.map((r) => r.externalId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(first.pages).toBe(3);
    expect(first.records[0]?.updatedAt).toBe('2026-01-01T10:00:00.000Z');
    const gets = fake.requests.filter((r) => r.path === '/BusinessPartners');
    expect(gets.every((r) => r.prefer === 'odata.maxpagesize=2')).toBe(true);
    expect(gets[0]?.query.$filter).toBe("CardType eq 'cCustomer'");
    expect(gets[0]?.query.$orderby).toBe('UpdateDate,UpdateTime');
    expect(gets[1]?.query.$skip).toBe('2');
    expect(gets[2]?.query.$skip).toBe('4');
    expect(JSON.parse(first.checkpoint as string).at).toBe('2026-01-05T10:00:00');

    // Nothing changed: only c5 again, the one change inside the ten-minute overlap before the checkpoint.
    const idle = await readAll(read, first.checkpoint);
    expect(idle.records.map((r) => r.externalId)).toEqual(['c5']);
    expect(fake.requests.at(-1)?.query.$filter).toBe("CardType eq 'cCustomer' and UpdateDate ge '2026-01-05'");

    fake.editBusinessPartner('c2', { Phone1: '555' });
    fake.addBusinessPartner({ CardCode: 'c6', CardName: 'Customer 6' });
    const later = await readAll(read, idle.checkpoint);
    expect(later.records.map((r) => r.externalId)).toEqual(['c5', 'c2', 'c6']);
    expect(later.records[1]?.fields.Phone1).toBe('555');
    expect(JSON.parse(later.checkpoint as string).at).toBe('2026-03-01T09:00:02');
  });

  it('re-reads changes inside the overlap window (duplicates are fine)', async () => {
    const ctx = await setup({}, { overlapMinutes: 10 });
    fake.addBusinessPartner({ CardCode: 'a', CardName: 'A' }, '2026-02-01T10:00:00');
    fake.addBusinessPartner({ CardCode: 'b', CardName: 'B' }, '2026-02-01T10:05:00');
    fake.addBusinessPartner({ CardCode: 'c', CardName: 'C' }, '2026-02-01T09:40:00');
    const page = await sap.readCustomers(ctx, '2026-02-01T10:05:00');
    expect(page.records.map((r) => r.externalId)).toEqual(['a', 'b']);
  });

  it('follows relative and absolute nextLinks', async () => {
    for (const nextLinkStyle of ['relative', 'absolute'] as const) {
      const ctx = await setup({ nextLinkStyle }, { pageSize: 1 });
      fake.addBusinessPartner({ CardCode: 'c1', CardName: 'One' });
      fake.addBusinessPartner({ CardCode: 'c2', CardName: 'Two' });
      const all = await readAll((cp) => sap.readCustomers(ctx, cp), null);
      expect(all.records.map((r) => r.externalId)).toEqual(['c1', 'c2']);
      expect(fake.requests.at(-1)?.query.$skip).toBe('1');
      await fake.close();
    }
  });

  it('reads invoices with lines and balance, and payments with the invoices they pay', async () => {
    const ctx = await setup({}, { pageSize: 1 });
    fake.addBusinessPartner({ CardCode: 'c1', CardName: 'customer 1' });
    const invoice = fake.addInvoice({
      CardCode: 'c1',
      DocDate: '2026-04-01',
      DocDueDate: '2026-04-30',
      DocCurrency: 'INR',
      lines: [
        { ItemDescription: 'Widget', Quantity: 10, Price: 100 },
        { ItemDescription: 'Install', Quantity: 1, Price: 250 },
      ],
    });
    fake.addInvoice({
      CardCode: 'c1',
      lines: [{ ItemDescription: 'Other', Quantity: 1, Price: 5 }],
      Cancelled: 'tYES',
    });
    fake.addPayment({
      CardCode: 'c1',
      DocDate: '2026-04-10',
      DocCurrency: 'INR',
      TransferReference: 'UTR123',
      invoices: [{ DocEntry: invoice.DocEntry as number, SumApplied: 600 }],
    });
    fake.editInvoice(invoice.DocEntry as number, { PaidToDate: 600 });

    const invoices = await readAll((cp) => need(sap.readInvoices)(ctx, cp), null);
    const [cancelled, open] = invoices.records;
    expect(open).toMatchObject({
      externalId: String(invoice.DocEntry),
      customerExternalId: 'c1',
      number: String(invoice.DocNum),
      date: '2026-04-01',
      dueDate: '2026-04-30',
      currency: 'INR',
      total: 1250,
      balance: 650,
      status: 'open',
    });
    expect(open?.lines).toEqual([
      { description: 'Widget', quantity: 10, rate: 100, amount: 1000 },
      { description: 'Install', quantity: 1, rate: 250, amount: 250 },
    ]);
    expect(cancelled).toMatchObject({ status: 'cancelled', balance: 0 });

    const payments = await readAll((cp) => need(sap.readPayments)(ctx, cp), null);
    expect(payments.records).toEqual([
      expect.objectContaining({
        customerExternalId: 'c1',
        date: '2026-04-10',
        amount: 600,
        currency: 'INR',
        reference: 'UTR123',
        invoiceExternalIds: [String(invoice.DocEntry)],
      }),
    ]);
  });

  it('in v2 mode sends date literals and reads @odata.nextLink and date-time dates', async () => {
    const ctx = await setup({ odata: 'v2' }, { pageSize: 1 });
    fake.addBusinessPartner({ CardCode: 'c1', CardName: 'One' }, '2026-05-01T08:00:00');
    fake.addBusinessPartner({ CardCode: 'c2', CardName: 'Two' }, '2026-05-02T08:00:00');
    fake.addInvoice({
      CardCode: 'c1',
      DocDate: '2026-05-03',
      lines: [{ ItemDescription: 'x', Quantity: 1, Price: 1 }],
    });
    const all = await readAll((cp) => sap.readCustomers(ctx, cp), null);
    expect(all.records.map((r) => r.version)).toEqual(['2026-05-01T08:00:00', '2026-05-02T08:00:00']);
    await sap.readCustomers(ctx, all.checkpoint);
    expect(fake.requests.at(-1)?.query.$filter).toBe("CardType eq 'cCustomer' and UpdateDate ge 2026-05-02");
    const invoices = await need(sap.readInvoices)(ctx, null);
    expect(invoices.records[0]?.date).toBe('2026-05-03');
  });
});

describe('SAP Business One: faults', () => {
  const reads = (ctx: ConnectorContext) => sap.readCustomers(ctx, null);

  it.each([
    [-5006, 'rejected', 'The requested action is not supported for this object.'],
    [804, 'auth', "No permission to access this view 'B1_ItemPriceB1SLQuery' for the current user."],
    [-6006, 'auth', 'You are not permitted to perform this action'],
    [-1000, 'validation', 'Incomplete Batch Request Body!'],
  ] as const)('SAP error %i -> %s with its message', async (code, kind, message) => {
    const ctx = await setup();
    await sap.check(ctx);
    fake.failNextWith(sapErrorSample(code));
    const error = await failure(reads(ctx));
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect(error.vendorCode).toBe(String(code));
  });

  it('a 5xx without an SAP body is unavailable', async () => {
    const ctx = await setup();
    await sap.check(ctx);
    fake.failNext(502, 'Proxy Error');
    const error = await failure(reads(ctx));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('Proxy Error');
    expect(error.transient).toBe(true);
  });

  it('waits out a short throttle, and reports throttled when it lasts too long', async () => {
    const ctx = await setup({}, {}, { maxWaitSeconds: 1 });
    await sap.check(ctx);
    fake.throttleNext(1, 1);
    expect((await reads(ctx)).more).toBe(false);
    fake.throttleNext(5, 1);
    const error = await failure(reads(ctx));
    expect(error.kind).toBe('throttled');
    expect(error.retryAfterSeconds).toBe(1);
  });

  it('a request that gets no answer is unavailable', async () => {
    const ctx = await setup({}, {}, { timeoutMs: 300 });
    await sap.check(ctx);
    fake.hangNext();
    const error = await failure(reads(ctx));
    expect(error.kind).toBe('unavailable');
  });
});

describe('SAP Business One: bulk', () => {
  it('seeds 50,000 customers and 200,000 invoices (the benchmark’s) and pages them', async () => {
    const ctx = await setup({ clock: '2025-01-01T00:00:00' }, { pageSize: 1000 });
    fake.seedBulk({ customers: 50_000, invoices: 200_000, payments: 1_000 });
    expect(fake.businessPartners.size).toBe(50_000);
    expect(fake.invoices.size).toBe(200_000);
    const all = await readAll((cp) => sap.readCustomers(ctx, cp), null);
    expect(all.records).toHaveLength(50_000);
    expect(new Set(all.records.map((r) => r.externalId)).size).toBe(50_000);
    const page = await need(sap.readInvoices)(ctx, null);
    expect(page.records).toHaveLength(1000);
    expect(page.more).toBe(true);
  }, 60_000);
});
