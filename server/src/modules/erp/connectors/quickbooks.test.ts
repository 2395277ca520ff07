import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConnectorContext } from '../../../../test/erp-context.ts';
import { type FakeQuickbooks, qboFixture, startFakeQuickbooks } from '../../../../test/fakes/erp-quickbooks.ts';
import { type ConnectorContext, ErpError, type Page } from '../connector.ts';
import { QBO_PAGE_SIZE, quickbooksConnector as qbo, requestIdFor, shiftTime } from './quickbooks.ts';

let fake: FakeQuickbooks;

beforeEach(async () => {
  fake = await startFakeQuickbooks();
});
afterEach(async () => {
  await fake.close();
});

function context(
  options: { secrets?: Record<string, string>; maxWaitSeconds?: number; timeoutMs?: number } = {},
): ReturnType<typeof testConnectorContext> {
  const { settings, secrets } = fake.connection();
  return testConnectorContext(qbo, settings, { ...secrets, ...options.secrets }, options);
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

/** Reads pages while `more`, as the engine does; returns every page. */
async function readAll<T>(
  read: (ctx: ConnectorContext, checkpoint: string | null) => Promise<Page<T>>,
  ctx: ConnectorContext,
  checkpoint: string | null,
): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let current = checkpoint;
  for (let i = 0; i < 50; i++) {
    const page = await read(ctx, current);
    pages.push(page);
    current = page.checkpoint;
    if (!page.more) return pages;
  }
  throw new Error('the read never caught up');
}

const apiRequests = () => fake.requests.filter((r) => r.path.startsWith('/v3/'));

describe('QuickBooks Online connector', () => {
  it('checks the connection against CompanyInfo, with minorversion', async () => {
    const ctx = context();
    expect(await qbo.check(ctx)).toBe(`QuickBooks Online company "Sandbox Company_US_1" (realm ${fake.realmId})`);
    const [request] = apiRequests();
    expect(request?.path).toBe(`/v3/company/${fake.realmId}/companyinfo/${fake.realmId}`);
    expect(request?.query.minorversion).toBe('75');
  });

  it('creates a customer from flat fields, with the key as requestid', async () => {
    const ctx = context();
    const key = '0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b';
    const created = await qbo.createCustomer(
      ctx,
      {
        DisplayName: 'King Groceries',
        GivenName: 'James',
        FamilyName: 'King',
        CompanyName: 'King Groceries Ltd',
        PrimaryEmailAddr: 'jdrew@myemail.com',
        PrimaryPhone: '(555) 555-5555',
        BillAddrLine1: '123 Main Street',
        BillAddrCity: 'Mountain View',
        BillAddrPostalCode: '94042',
        BillAddrCountry: 'USA',
        Notes: 'Won from the spring campaign',
      },
      key,
    );
    expect(created.externalId).toBe('1');
    expect(created.version).toBe('0');
    expect(created.updatedAt).toMatch(/Z$/);
    expect(created.fields).toMatchObject({
      DisplayName: 'King Groceries',
      PrimaryEmailAddr: 'jdrew@myemail.com',
      PrimaryPhone: '(555) 555-5555',
      BillAddrCity: 'Mountain View',
      Mobile: null,
    });
    const post = apiRequests().find((r) => r.method === 'POST');
    expect(post?.query).toEqual({ requestid: key, minorversion: '75' });
    expect(JSON.parse(post?.body ?? '{}')).toMatchObject({
      PrimaryEmailAddr: { Address: 'jdrew@myemail.com' },
      BillAddr: { Line1: '123 Main Street', City: 'Mountain View', PostalCode: '94042', Country: 'USA' },
    });
    expect(fake.customers.get('1')?.CompanyName).toBe('King Groceries Ltd');
  });

  it('creates one customer when the same key is sent twice (requestid replay)', async () => {
    const ctx = context();
    const key = '0193a1b2-0000-7000-8000-000000000001';
    const first = await qbo.createCustomer(ctx, { DisplayName: 'Retry Traders' }, key);
    const second = await qbo.createCustomer(ctx, { DisplayName: 'Retry Traders' }, key);
    expect(second.externalId).toBe(first.externalId);
    expect(fake.customers.entries.size).toBe(1);
    expect(apiRequests().filter((r) => r.method === 'POST')).toHaveLength(2);
    // A different key is a different lead: QuickBooks refuses the same name.
    const error = await failure(qbo.createCustomer(ctx, { DisplayName: 'Retry Traders' }, `${key}-2`));
    expect(error.kind).toBe('duplicate');
    expect(error.vendorCode).toBe('6240');
    expect(error.message).toContain('The name supplied already exists');
  });

  it('hashes keys QuickBooks would not take as a requestid, the same way every time', () => {
    const long = `lead:${'x'.repeat(80)}`;
    expect(requestIdFor(long)).toHaveLength(36);
    expect(requestIdFor(long)).toBe(requestIdFor(long));
    expect(requestIdFor('0193a1b2-7c3d')).toBe('0193a1b2-7c3d');
  });

  it('falls back to the company name when no DisplayName is mapped; no name at all is a 2020 validation fault', async () => {
    const ctx = context();
    const created = await qbo.createCustomer(
      ctx,
      { CompanyName: 'Acme Pumps', PrimaryEmailAddr: 'a@acme.test' },
      'k-1',
    );
    expect(created.fields.DisplayName).toBe('Acme Pumps');
    const error = await failure(qbo.createCustomer(ctx, { PrimaryEmailAddr: 'nobody@acme.test' }, 'k-2'));
    expect(error.kind).toBe('validation');
    expect(error.vendorCode).toBe('2020');
    expect(error.message).toContain('Required parameter DisplayName is missing in the request');
  });

  it('updates sparsely with the current SyncToken and keeps the billing address whole', async () => {
    const ctx = context();
    const created = await qbo.createCustomer(
      ctx,
      { DisplayName: 'Sparse Co', BillAddrLine1: '1 Old Rd', BillAddrCity: 'Bayshore', BillAddrPostalCode: '94326' },
      'k-sparse',
    );
    const updated = await qbo.updateCustomer(ctx, created.externalId, created.version, {
      PrimaryPhone: '(650) 555-3311',
      BillAddrCity: 'Middlefield',
    });
    expect(updated.version).toBe('1');
    expect(updated.fields).toMatchObject({
      PrimaryPhone: '(650) 555-3311',
      BillAddrLine1: '1 Old Rd',
      BillAddrCity: 'Middlefield',
      BillAddrPostalCode: '94326',
    });
    const post = apiRequests().filter((r) => r.method === 'POST')[1];
    const body = JSON.parse(post?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ Id: created.externalId, SyncToken: '0', sparse: true });
    expect(body.DisplayName).toBeUndefined();
    // Without a version the connector reads the current one first.
    const again = await qbo.updateCustomer(ctx, created.externalId, null, { Notes: 'called back' });
    expect(again.version).toBe('2');
    expect(again.fields.Notes).toBe('called back');
  });

  it("reports a stale SyncToken as 'stale' with QuickBooks' 5010 text", async () => {
    const ctx = context();
    const created = await qbo.createCustomer(ctx, { DisplayName: 'Stale Ltd' }, 'k-stale');
    fake.edit('Customer', created.externalId, { Notes: 'changed by the bookkeeper' });
    const error = await failure(qbo.updateCustomer(ctx, created.externalId, created.version, { Notes: 'ours' }));
    expect(error.kind).toBe('stale');
    expect(error.vendorCode).toBe('5010');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Stale Object Error : You and Christian Pelczarski were working on this');
    expect(fake.customers.get(created.externalId)?.Notes).toBe('changed by the bookkeeper');
  });

  it('gets one customer, and null for an id QuickBooks does not know (fault 610)', async () => {
    const ctx = context();
    fake.addCustomer({ DisplayName: "Amy's Bird Sanctuary", PrimaryEmailAddr: { Address: 'Birds@Intuit.com' } });
    const found = await qbo.getCustomer(ctx, '1');
    expect(found?.fields.PrimaryEmailAddr).toBe('Birds@Intuit.com');
    expect(await qbo.getCustomer(ctx, '999')).toBeNull();
  });

  it('reads customers fully by query paging, then incrementally by CDC from the checkpoint', async () => {
    const ctx = context();
    fake.seedBulk({ customers: 2500 });
    fake.addCustomer({ DisplayName: 'Gone Inactive', Active: false });
    // Past the connector's overlap window, so that the CDC after the full read finds nothing new.
    fake.advance(120);

    const first = await readAll(qbo.readCustomers, ctx, null);
    // Three query pages (1000, 1000, 501), then one CDC that finds nothing new.
    expect(first.map((p) => p.records.length)).toEqual([1000, 1000, 501, 0]);
    const queries = apiRequests()
      .filter((r) => r.path.endsWith('/query'))
      .map((r) => r.query.query);
    expect(queries).toEqual(
      [1, 1001, 2001].map(
        (n) => `SELECT * FROM Customer WHERE Active IN (true, false) STARTPOSITION ${n} MAXRESULTS ${QBO_PAGE_SIZE}`,
      ),
    );
    const all = first.flatMap((p) => p.records);
    expect(new Set(all.map((c) => c.externalId)).size).toBe(2501);
    expect(all.find((c) => c.fields.DisplayName === 'Gone Inactive')?.deleted).toBe(true);
    expect(all[0]?.fields.PrimaryEmailAddr).toBe('customer1@example.com');
    const checkpoint = first.at(-1)?.checkpoint ?? null;
    expect(JSON.parse(checkpoint ?? '{}').phase).toBe('cdc');

    // A bookkeeper changes things later.
    fake.advance(300);
    fake.edit('Customer', '7', { PrimaryEmailAddr: { Address: 'new7@example.com' } });
    fake.advance(5);
    fake.addCustomer({ DisplayName: 'Walk-in Buyer' });
    fake.advance(5);
    fake.edit('Customer', '12', { Active: false });
    // The next read comes a couple of minutes later (the connector re-reads the last minute before its checkpoint).
    fake.advance(120);

    const second = await readAll(qbo.readCustomers, ctx, checkpoint);
    expect(second).toHaveLength(1);
    const changed = second[0]?.records ?? [];
    expect(changed.map((c) => c.externalId)).toEqual(['7', '2502', '12']);
    expect(changed[0]).toMatchObject({ version: '1', fields: { PrimaryEmailAddr: 'new7@example.com' } });
    expect(changed[2]?.deleted).toBe(true);
    const cdc = apiRequests()
      .filter((r) => r.path.endsWith('/cdc'))
      .at(-1);
    expect(cdc?.query.entities).toBe('Customer');
    expect(cdc?.query.changedSince).toMatch(/-07:00$/);

    // Nothing changed since: nothing comes back.
    const third = await readAll(qbo.readCustomers, ctx, second[0]?.checkpoint ?? null);
    expect(third.flatMap((p) => p.records)).toEqual([]);
  });

  it('falls back to a paged query when CDC is full (1,000 objects) and goes back to CDC after', async () => {
    const ctx = context();
    fake.seedBulk({ customers: 1500 });
    const pages = await readAll(qbo.readCustomers, ctx, null);
    fake.advance(300);
    for (let id = 1; id <= 1200; id++) fake.edit('Customer', String(id), { Notes: `touched ${id}` });
    let checkpoint = pages.at(-1)?.checkpoint ?? null;

    const cut = await qbo.readCustomers(ctx, checkpoint);
    expect(cut.records).toHaveLength(1000);
    expect(cut.more).toBe(true);
    const seen = new Set(cut.records.map((c) => c.externalId));
    checkpoint = cut.checkpoint;
    const rest = await readAll(qbo.readCustomers, ctx, checkpoint);
    for (const page of rest) for (const c of page.records) seen.add(c.externalId);
    expect(seen.size).toBe(1200);
    const windowQuery = apiRequests()
      .filter((r) => r.path.endsWith('/query'))
      .at(-1)?.query.query;
    expect(windowQuery).toMatch(/WHERE Active IN \(true, false\) AND MetaData\.LastUpdatedTime >= '.+-07:00'/);
    expect(JSON.parse(rest.at(-1)?.checkpoint ?? '{}').phase).toBe('cdc');
  });

  it('reads by query instead of CDC when the checkpoint is past the 30-day look-back', async () => {
    const ctx = context();
    fake.addCustomer({ DisplayName: 'Old Friend' });
    const old = shiftTime(new Date().toISOString().replace('Z', '-07:00'), 40 * 86_400_000);
    const page = await qbo.readCustomers(ctx, JSON.stringify({ phase: 'cdc', since: old }));
    expect(page.records.map((c) => c.fields.DisplayName)).toEqual(['Old Friend']);
    expect(apiRequests().some((r) => r.path.endsWith('/cdc'))).toBe(false);
    expect(apiRequests()[0]?.query.query).toContain(`MetaData.LastUpdatedTime >= '${old}'`);
  });

  it('reads invoices with lines and balances, and sees payments and deletions incrementally', async () => {
    const ctx = context();
    const customer = fake.addCustomer({ DisplayName: 'Dylan Sollfrank' });
    const invoice = fake.addInvoice({
      customerId: customer.Id,
      docNumber: '1043',
      txnDate: '2026-11-02',
      dueDate: '2026-12-02',
      lines: [
        { description: 'Custom Design', qty: 4.5, unitPrice: 75 },
        { description: 'Fountain Pump', qty: 2, unitPrice: 22.5, itemName: 'Pump' },
      ],
    });
    const other = fake.addInvoice({ customerId: customer.Id, lines: [{ qty: 1, unitPrice: 10 }] });
    fake.advance(120);

    const first = await readAll(qbo.readInvoices ?? (() => Promise.reject()), ctx, null);
    const read = first.flatMap((p) => p.records);
    expect(read).toHaveLength(2);
    expect(read[0]).toMatchObject({
      externalId: invoice.Id,
      customerExternalId: customer.Id,
      number: '1043',
      date: '2026-11-02',
      dueDate: '2026-12-02',
      currency: 'USD',
      total: 382.5,
      balance: 382.5,
      status: 'Open',
      lines: [
        { description: 'Custom Design', quantity: 4.5, rate: 75, amount: 337.5 },
        { description: 'Fountain Pump', quantity: 2, rate: 22.5, amount: 45 },
      ],
    });
    const invoiceCheckpoint = first.at(-1)?.checkpoint ?? null;
    const paymentsFirst = await readAll(qbo.readPayments ?? (() => Promise.reject()), ctx, null);
    expect(paymentsFirst.flatMap((p) => p.records)).toEqual([]);

    fake.advance(300);
    const payment = fake.addPayment({
      customerId: customer.Id,
      amount: 100,
      refNum: '10264',
      invoices: [{ id: invoice.Id, amount: 100 }],
    });
    fake.remove('Invoice', other.Id);

    const changed = (await readAll(qbo.readInvoices ?? (() => Promise.reject()), ctx, invoiceCheckpoint)).flatMap(
      (p) => p.records,
    );
    expect(changed).toHaveLength(2);
    const paid = changed.find((i) => i.externalId === invoice.Id);
    expect(paid).toMatchObject({ balance: 282.5, total: 382.5, status: 'PartiallyPaid' });
    expect(changed.find((i) => i.externalId === other.Id)).toMatchObject({ deleted: true });

    const payments = (
      await readAll(qbo.readPayments ?? (() => Promise.reject()), ctx, paymentsFirst.at(-1)?.checkpoint ?? null)
    ).flatMap((p) => p.records);
    expect(payments).toEqual([
      expect.objectContaining({
        externalId: payment.Id,
        customerExternalId: customer.Id,
        amount: 100,
        currency: 'USD',
        reference: '10264',
        invoiceExternalIds: [invoice.Id],
      }),
    ]);
  });

  it("maps QuickBooks' own captured invoice and payment bodies", async () => {
    const ctx = context();
    const created = JSON.parse(qboFixture('qbo_invoice_create_response__minimul_qbo_api_vcr.json')) as {
      Invoice: Record<string, unknown>;
    };
    fake.faultNext(200, {
      CDCResponse: [
        {
          QueryResponse: [
            {
              Invoice: [
                created.Invoice,
                {
                  domain: 'QBO',
                  status: 'Deleted',
                  Id: '65',
                  MetaData: { LastUpdatedTime: '2016-04-13T07:34:31-07:00' },
                },
              ],
              startPosition: 1,
              maxResults: 2,
            },
          ],
        },
      ],
      time: '2020-09-29T06:04:49.352-07:00',
    });
    const since = JSON.stringify({ phase: 'cdc', since: shiftTime(new Date().toISOString(), 60_000) });
    const invoices = await qbo.readInvoices?.(ctx, since);
    expect(invoices?.records).toEqual([
      expect.objectContaining({ externalId: '65', deleted: true, updatedAt: '2016-04-13T14:34:31.000Z' }),
      expect.objectContaining({
        externalId: '266',
        customerExternalId: '1',
        number: '1043',
        total: 100,
        balance: 100,
        dueDate: '2020-10-29',
        updatedAt: '2020-09-29T12:58:07.000Z',
        lines: [{ description: 'Services', quantity: null, rate: null, amount: 100 }],
      }),
    ]);

    fake.faultNext(200, JSON.parse(qboFixture('qbo_payment_query_response__nango_integration-templates.json')));
    const payments = await qbo.readPayments?.(ctx, null);
    expect(payments?.records).toHaveLength(16);
    expect(payments?.records.find((p) => p.externalId === '128')).toMatchObject({
      customerExternalId: '8',
      amount: 387,
      date: '2026-04-08',
      invoiceExternalIds: ['96'],
    });
    // Fewer rows than MAXRESULTS: the full read is over, CDC next.
    expect(JSON.parse(payments?.checkpoint ?? '{}').phase).toBe('cdc');
  });

  it('refreshes an expired access token, saves the rotated refresh token, and succeeds', async () => {
    const ctx = context();
    fake.expireAccessToken();
    expect(await qbo.check(ctx)).toContain('Sandbox Company_US_1');
    expect(ctx.saved).toHaveLength(1);
    expect(ctx.saved[0]).toMatchObject({ accessToken: 'fake-qbo-access-1', refreshToken: 'fake-qbo-refresh-1' });
    const statuses = fake.requests.map((r) => r.path);
    expect(statuses).toEqual([
      `/v3/company/${fake.realmId}/companyinfo/${fake.realmId}`,
      '/oauth2/v1/tokens/bearer',
      `/v3/company/${fake.realmId}/companyinfo/${fake.realmId}`,
    ]);
  });

  it("reports a revoked grant as 'auth_revoked', and a 401 it cannot refresh with QuickBooks' own text", async () => {
    const ctx = context();
    fake.revokeGrant();
    const revoked = await failure(qbo.check(ctx));
    expect(revoked.kind).toBe('auth_revoked');
    expect(revoked.message).toBe('invalid_grant: Token invalid');

    const noRefresh = context({ secrets: { refreshToken: '', accessToken: 'expired' } });
    const expired = await failure(qbo.check(noRefresh));
    expect(expired.kind).toBe('auth');
    expect(expired.vendorCode).toBe('3200');
    expect(expired.message).toContain('message=AuthenticationFailed; errorCode=003200; statusCode=401');
    expect(expired.message).toContain('Token expired');
  });

  it('waits out a 429 (XML fault, Retry-After) and retries', async () => {
    const ctx = context();
    fake.throttleNext(1, 1);
    const started = Date.now();
    expect(await qbo.check(ctx)).toContain('Sandbox');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(apiRequests()).toHaveLength(2);
  });

  it("gives up with 'throttled' when QuickBooks keeps throttling, with its message", async () => {
    const ctx = context({ maxWaitSeconds: 1 });
    fake.throttleNext(5, 1);
    const error = await failure(qbo.check(ctx));
    expect(error.kind).toBe('throttled');
    expect(error.message).toContain('message=ThrottleExceeded; errorCode=003001; statusCode=429');

    // The older 403 form of the same fault is throttling too.
    fake.throttleNext(1, 1, 403);
    const legacy = await failure(qbo.check(context()));
    expect(legacy).toMatchObject({ kind: 'throttled', vendorCode: '3001', status: 403 });
    expect(legacy.message).toContain('The request limit was reached.');
  });

  it("reports a 5xx and a timeout as 'unavailable', and validation faults with their Detail", async () => {
    const ctx = context({ timeoutMs: 300 });
    fake.failNext();
    const failed = await failure(qbo.check(ctx));
    expect(failed).toMatchObject({ kind: 'unavailable', vendorCode: '10000', status: 500 });
    expect(failed.message).toContain('An application error has occurred while processing your request');

    fake.hangNext(2_000);
    const hung = await failure(qbo.check(ctx));
    expect(hung.kind).toBe('unavailable');
    expect(hung.message).toContain('no answer within 0.3 s');

    fake.faultNext(400, JSON.parse(qboFixture('qbo_query_validation_fault_4001__minimul_qbo_api_vcr.json')));
    const query = await failure(qbo.readCustomers(ctx, null));
    expect(query).toMatchObject({ kind: 'validation', vendorCode: '4001' });
    expect(query.message).toBe('Invalid query: QueryValidationError: invalid context declaration: Custmoer');

    fake.faultNext(400, JSON.parse(qboFixture('qbo_validation_fault__amp-labs_connectors.json')));
    const other = await failure(qbo.createCustomer(ctx, { DisplayName: 'X' }, 'k-x'));
    expect(other).toMatchObject({ kind: 'validation', vendorCode: '100' });
    expect(other.message).toBe('Name is required for Account: Required field missing');
  });

  it('refuses another realm (403, 3100) as an auth failure', async () => {
    const { settings, secrets } = fake.connection();
    const ctx = testConnectorContext(qbo, { ...settings, realmId: '123' }, secrets);
    const error = await failure(qbo.check(ctx));
    expect(error).toMatchObject({ kind: 'auth', vendorCode: '3100', status: 403 });
  });

  it('seeds 50,000 customers and 200,000 invoices (the benchmark’s) and pages the far end', async () => {
    fake.seedBulk({ customers: 50_000, invoices: 200_000, payments: 20_000 });
    const ctx = context();
    const checkpoint = JSON.stringify({ phase: 'query', pos: 199_001, from: null, since: null });
    const page = await qbo.readInvoices?.(ctx, checkpoint);
    expect(page?.records).toHaveLength(1000);
    expect(page?.records.at(-1)).toMatchObject({ externalId: '200000', customerExternalId: '50000', status: 'Open' });
    const end = await qbo.readInvoices?.(ctx, page?.checkpoint ?? null);
    expect(end?.records).toEqual([]);
    expect(JSON.parse(end?.checkpoint ?? '{}').phase).toBe('cdc');
    const paid = await qbo.readPayments?.(ctx, null);
    expect(paid?.records[0]).toMatchObject({ externalId: '1', invoiceExternalIds: ['1'] });
    const firstInvoice = await qbo.readInvoices?.(ctx, null);
    expect(firstInvoice?.records[0]).toMatchObject({ balance: 0, status: 'Paid' });
  });
});

describe('QuickBooks webhooks', () => {
  const vectors = qboFixture('qbo_webhook_signature_test_vectors__intuit_sdk_tests.txt');
  const cases = [
    ...vectors.matchAll(/verifier_token:\s+(\S+)\nbody_file:\s+(\S+).*\n(?:.*\n)*?intuit-signature:\s+(\S+)/g),
  ].map((m) => ({ token: m[1] ?? '', file: m[2] ?? '', signature: m[3] ?? '' }));

  it('verifies intuit-signature with both of Intuit’s SDK vectors', () => {
    expect(cases).toHaveLength(2);
    for (const { token, file, signature } of cases) {
      const body = Buffer.from(qboFixture(file));
      expect(qbo.verifyPush?.({ 'intuit-signature': signature }, body, { webhookVerifier: token })).toBe(true);
      expect(qbo.verifyPush?.({ 'Intuit-Signature': signature }, body, { webhookVerifier: token })).toBe(true);
      expect(qbo.verifyPush?.({ 'intuit-signature': '1234' }, body, { webhookVerifier: token })).toBe(false);
      const tampered = Buffer.from(body.toString().replace('Create', 'Delete'));
      expect(qbo.verifyPush?.({ 'intuit-signature': signature }, tampered, { webhookVerifier: token })).toBe(false);
      expect(qbo.verifyPush?.({ 'intuit-signature': signature }, body, {})).toBe(false);
      expect(qbo.verifyPush?.({}, body, { webhookVerifier: token })).toBe(false);
    }
  });

  it('parses the classic payload, leaving other entities out', () => {
    const one = JSON.parse(qboFixture('qbo_webhook_payload__intuit_java_sdk_WebhooksServiceTest.json'));
    expect(qbo.parsePush?.(one)).toEqual([{ entity: 'customer', externalIds: ['1'], account: '1185883450' }]);
    const two = JSON.parse(qboFixture('qbo_webhook_payload_two_entities__intuit_dotnet_sdk_WebhooksServiceTest.json'));
    expect(qbo.parsePush?.(two)).toEqual([{ entity: 'customer', externalIds: ['43'], account: '1269959970' }]);
    const mixed = {
      eventNotifications: [
        {
          realmId: '42',
          dataChangeEvent: {
            entities: [
              { name: 'Invoice', id: '5', operation: 'Update' },
              { name: 'Invoice', id: '6', operation: 'Delete' },
              { name: 'Payment', id: '9', operation: 'Create' },
              { name: 'Customer', id: '3', operation: 'Merge', deletedId: '4' },
            ],
          },
        },
      ],
    };
    expect(qbo.parsePush?.(mixed)).toEqual([
      { entity: 'invoice', externalIds: ['5', '6'], account: '42' },
      { entity: 'payment', externalIds: ['9'], account: '42' },
      { entity: 'customer', externalIds: ['3', '4'], account: '42' },
    ]);
  });

  it('parses CloudEvents, leaving other entities out', () => {
    const events = JSON.parse(
      qboFixture('qbo_webhook_cloudevents_payload__intuit_dotnet_sdk_WebhooksServiceTest.json'),
    );
    expect(qbo.parsePush?.(events)).toEqual([]);
    const [sample] = events as Record<string, unknown>[];
    const customer = { ...sample, type: 'qbo.customer.created.v1' };
    const invoice = { ...sample, type: 'qbo.invoice.updated.v1', intuitentityid: '77' };
    expect(qbo.parsePush?.([customer, invoice])).toEqual([
      { entity: 'customer', externalIds: ['1234'], account: '310687' },
      { entity: 'invoice', externalIds: ['77'], account: '310687' },
    ]);
  });
});
