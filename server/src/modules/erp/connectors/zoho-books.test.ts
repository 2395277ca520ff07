import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConnectorContext } from '../../../../test/erp-context.ts';
import { startZohoFake, type ZohoFake } from '../../../../test/fakes/erp-zoho.ts';
import { ErpError, type ExternalCustomer } from '../connector.ts';
import { zohoBooksConnector as books } from './zoho-books.ts';

let fake: ZohoFake;
beforeEach(async () => {
  fake = await startZohoFake();
});
afterEach(() => fake.close());

function context(
  settings: Record<string, unknown> = {},
  secrets: Record<string, string> = {},
  options: { maxWaitSeconds?: number; timeoutMs?: number } = {},
) {
  return testConnectorContext(
    books,
    { accountsUrl: fake.url, apiDomain: fake.url, organizationId: fake.organizationId, ...settings },
    { clientId: fake.clientId, clientSecret: fake.clientSecret, refreshToken: fake.refreshToken, ...secrets },
    options,
  );
}

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

/** Every page from `checkpoint` until caught up: the records and the last checkpoint. */
async function readAll(ctx: ReturnType<typeof context>, checkpoint: string | null) {
  const records: ExternalCustomer[] = [];
  let pages = 0;
  for (;;) {
    const page = await books.readCustomers(ctx, checkpoint);
    records.push(...page.records);
    checkpoint = page.checkpoint;
    pages++;
    if (!page.more) return { records, checkpoint, pages };
    if (pages > 100) throw new Error('paging does not end');
  }
}

const lead = {
  contact_name: 'Asha Verma',
  company_name: 'Verma Traders',
  email: 'asha@verma.test',
  phone: '+91 98200 11111',
  gst_no: '27AAPFU0939F1ZV',
  billing_city: 'Pune',
  notes: 'Won from the Diwali campaign',
};

describe('Zoho Books connection', () => {
  it('checks the organization after refreshing the access token, and sends it as a Bearer token', async () => {
    const ctx = context();
    await expect(books.check(ctx)).resolves.toBe(
      `Zoho Books: Zylker Motors Pvt Ltd (organization ${fake.organizationId}, INR)`,
    );
    expect(fake.tokenRequests).toBe(1);
    expect(ctx.saved[0]?.accessToken).toMatch(/^1000\.fakeaccess/);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/books/v3/organizations', scheme: 'Bearer' });
  });

  it('names the organizations it can see when the configured one is not among them', async () => {
    const error = await failure(books.check(context({ organizationId: '999' })));
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain(`Zylker Motors Pvt Ltd (${fake.organizationId})`);
  });

  it('offers the mapping the engine needs: name, company, email and phone at least', () => {
    const mapped = books.defaultCustomerMapping.map((m) => m.leadField);
    expect(mapped).toEqual(expect.arrayContaining(['name', 'companyName', 'emails', 'phones']));
    const names = new Set(books.customerFields.map((f) => f.name));
    for (const m of books.defaultCustomerMapping) expect(names.has(m.erpField)).toBe(true);
    for (const f of books.matchFields) expect(names.has(f)).toBe(true);
  });
});

describe('writing customers', () => {
  it('creates a customer contact carrying our key in the unique custom field', async () => {
    const ctx = context();
    const created = await books.createCustomer(ctx, lead, '0193a1b2-0000-7000-8000-000000000001');
    const stored = fake.contacts.map.get(created.externalId);
    expect(stored).toMatchObject({
      contact_name: 'Asha Verma',
      company_name: 'Verma Traders',
      contact_type: 'customer',
      email: 'asha@verma.test',
      phone: '+91 98200 11111',
      gst_no: '27AAPFU0939F1ZV',
      notes: 'Won from the Diwali campaign',
      custom: { cf_iperform_lead_id: '0193a1b2-0000-7000-8000-000000000001' },
    });
    expect(stored?.billing.city).toBe('Pune');
    expect(created.fields).toMatchObject({ ...lead });
    // Books writes the organization's offset (+0530); updatedAt is UTC.
    expect(created.version).toMatch(/\+0530$/);
    expect(created.updatedAt).toBe(new Date(stored?.modified ?? 0).toISOString().replace('.000Z', 'Z'));
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.headers).toMatchObject({
      'x-unique-identifier-key': 'cf_iperform_lead_id',
      'x-unique-identifier-value': '0193a1b2-0000-7000-8000-000000000001',
      'x-upsert': 'true',
    });
  });

  it('creates one contact when the same key is sent twice (a retried timeout)', async () => {
    const ctx = context();
    const key = '0193a1b2-0000-7000-8000-000000000002';
    const first = await books.createCustomer(ctx, lead, key);
    const second = await books.createCustomer(ctx, lead, key);
    expect(second.externalId).toBe(first.externalId);
    expect(fake.contacts.size).toBe(1);
  });

  it('reports a display name Books already has as a duplicate, in Books’ own words', async () => {
    const ctx = context();
    fake.addContact({ contact_name: 'Asha Verma' });
    const error = await failure(books.createCustomer(ctx, lead, '0193a1b2-0000-7000-8000-000000000003'));
    expect(error).toMatchObject({ kind: 'duplicate', vendorCode: '3062', status: 400 });
    expect(error.message).toBe('The customer "Asha Verma" already exists. Please specify a different name.');
  });

  it('refuses a customer without a display name before calling Books', async () => {
    const error = await failure(books.createCustomer(context(), { email: 'x@y.test' }, 'k-1'));
    expect(error.kind).toBe('validation');
    expect(fake.requests.filter((r) => r.path.startsWith('/books'))).toHaveLength(0);
  });

  it('updates with the current version, keeping what it was not asked to change', async () => {
    const ctx = context();
    const created = await books.createCustomer(ctx, lead, 'k-update');
    const personBefore = fake.contacts.map.get(created.externalId)?.personId;
    const updated = await books.updateCustomer(ctx, created.externalId, created.version, {
      phone: '+91 98200 22222',
      company_name: 'Verma Traders LLP',
    });
    const stored = fake.contacts.map.get(created.externalId);
    expect(stored).toMatchObject({
      phone: '+91 98200 22222',
      company_name: 'Verma Traders LLP',
      email: 'asha@verma.test',
    });
    expect(stored?.billing.city).toBe('Pune');
    expect(stored?.personId).toBe(personBefore);
    expect(updated.version).not.toBe(created.version);
    expect(updated.fields.phone).toBe('+91 98200 22222');
  });

  it('refuses an update with a stale version after a bookkeeper changed the contact', async () => {
    const ctx = context();
    const created = await books.createCustomer(ctx, lead, 'k-stale');
    fake.editContact(created.externalId, { notes: 'Credit hold' });
    const error = await failure(books.updateCustomer(ctx, created.externalId, created.version, { phone: '1' }));
    expect(error.kind).toBe('stale');
    expect(fake.contacts.map.get(created.externalId)?.notes).toBe('Credit hold');
  });

  it('answers null for a contact Books does not have', async () => {
    await expect(books.getCustomer(context(), '404404')).resolves.toBeNull();
  });
});

describe('reading customers incrementally', () => {
  it('pages through every customer, then returns only what changed after the checkpoint', async () => {
    const ctx = context();
    fake.seedBulk({ customers: 450 });
    fake.addContact({ contact_name: 'Some Vendor', contact_type: 'vendor' });
    const first = await readAll(ctx, null);
    expect(first.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(first.records.map((r) => r.externalId)).size).toBe(450);
    expect(first.records.some((r) => r.fields.contact_name === 'Some Vendor')).toBe(false);
    const row = first.records.find((r) => r.fields.contact_name === 'Customer 7');
    expect(row?.fields).toMatchObject({ email: 'customer7@bulk.test', company_name: 'Company 7' });

    // A bookkeeper changes two customers; the next read starts from the checkpoint.
    fake.clock += 3_600_000;
    const target = first.records.find((r) => r.fields.contact_name === 'Customer 3');
    fake.editContact(target?.externalId ?? '', { phone: '+91 11111 11111' });
    const added = fake.addContact({ contact_name: 'New Walk-in', email: 'walkin@x.test' });
    const second = await readAll(ctx, first.checkpoint);
    const ids = second.records.map((r) => r.externalId);
    expect(ids).toEqual(expect.arrayContaining([target?.externalId, added.contact_id]));
    // Only the last second before the checkpoint is read again (the overlap), not the whole list.
    expect(second.records.length).toBeLessThanOrEqual(2 + 20);
    expect(second.records.find((r) => r.externalId === target?.externalId)?.fields.phone).toBe('+91 11111 11111');
    const list = fake.requests.filter((r) => r.path === '/books/v3/contacts').at(-1);
    expect(list?.query).toMatchObject({ sort_column: 'last_modified_time', sort_order: 'A' });
    expect(list?.query.last_modified_time).toMatch(/^2026-06-09T\d\d:\d\d:\d\d\+0000$/);

    // Nothing changed: caught up, with at most the overlap (the last second) read again.
    const third = await books.readCustomers(ctx, second.checkpoint);
    expect(third.more).toBe(false);
    expect(third.records.length).toBeLessThanOrEqual(2);
  });

  it('reads on past a page whose customers all changed in the same second', async () => {
    const ctx = context();
    fake.clock += 3_600_000;
    const at = fake.clock;
    for (let i = 0; i < 250; i++) {
      const id = `77${String(i).padStart(6, '0')}`;
      fake.contacts.put(id, {
        contact_id: id,
        contact_name: `Same Second ${i}`,
        company_name: '',
        contact_type: 'customer',
        status: 'active',
        email: '',
        phone: '',
        mobile: '',
        gst_no: '',
        notes: '',
        billing: { address: '', street2: '', city: '', state: '', zip: '', country: '' },
        personId: null,
        custom: {},
        created: at,
        modified: at,
      });
    }
    const { records, pages } = await readAll(ctx, JSON.stringify({ since: at, page: 1 }));
    expect(pages).toBe(2);
    expect(new Set(records.map((r) => r.externalId)).size).toBe(250);
    expect(fake.requests.filter((r) => r.path === '/books/v3/contacts').map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('seeds 50,000 customers and 200,000 invoices (the benchmark’s) and reads a late page', async () => {
    const started0 = fake.clock;
    fake.seedBulk({ customers: 50_000, invoices: 200_000, payments: 10_000 });
    expect(fake.invoices.size).toBe(200_000);
    const ctx = context();
    // Halfway through the customers (ten a second).
    const page = await books.readCustomers(ctx, JSON.stringify({ since: started0 + 2_500_000, page: 1 }));
    expect(page.records).toHaveLength(200);
  });
});

describe('invoices and payments', () => {
  it('reads documents older than the detail window from the list alone (totals, no lines), saving requests', async () => {
    const ctx = context({ detailDays: 30 });
    const customer = fake.addContact({ contact_name: 'Old Books Customer' });
    const invoice = fake.addInvoice({ customer_id: customer.contact_id, date: '2025-01-15' });
    const before = fake.requests.length;
    const page = await books.readInvoices?.(ctx, null);
    const read = page?.records.find((r) => r.externalId === invoice.invoice_id);
    expect(read).toMatchObject({ total: invoice.total, balance: invoice.balance, lines: [] });
    const details = fake.requests.slice(before).filter((r) => r.path.includes(`/invoices/${invoice.invoice_id}`));
    expect(details).toEqual([]);
  });

  it('reads invoices with their lines and balance, and payments with the invoices they settle', async () => {
    // These documents are dated June 2026: read within the detail window.
    const ctx = context({ detailDays: 3650 });
    const customer = fake.addContact({ contact_name: 'Kiran Rao' });
    const invoice = fake.addInvoice({
      customer_id: customer.contact_id,
      due_date: '2026-07-01',
      lines: [
        { name: 'Brake pads', description: 'Front set', quantity: 2, rate: 1250.5 },
        { name: 'Labour', quantity: 1.5, rate: 800 },
      ],
    });
    const payment = fake.addPayment({
      customer_id: customer.contact_id,
      invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 1000 }],
      reference_number: 'UTR123',
    });

    const invoices = await books.readInvoices?.(ctx, null);
    expect(invoices?.more).toBe(false);
    expect(invoices?.records).toEqual([
      {
        externalId: invoice.invoice_id,
        customerExternalId: customer.contact_id,
        number: invoice.invoice_number,
        date: '2026-06-09',
        dueDate: '2026-07-01',
        currency: 'INR',
        total: 3701,
        balance: 2701,
        status: 'partially_paid',
        lines: [
          { description: 'Front set', quantity: 2, rate: 1250.5, amount: 2501 },
          { description: 'Labour', quantity: 1.5, rate: 800, amount: 1200 },
        ],
        updatedAt: expect.stringMatching(/^2026-06-09T\d\d:\d\d:\d\dZ$/),
      },
    ]);

    const payments = await books.readPayments?.(ctx, null);
    expect(payments?.records).toEqual([
      {
        externalId: payment.payment_id,
        customerExternalId: customer.contact_id,
        date: '2026-06-10',
        amount: 1000,
        currency: 'INR',
        reference: 'UTR123',
        invoiceExternalIds: [invoice.invoice_id],
        updatedAt: expect.stringMatching(/Z$/),
      },
    ]);

    // The rest is paid later: only that invoice and that payment come back after the checkpoints.
    fake.clock += 3_600_000;
    const other = fake.addInvoice({ customer_id: customer.contact_id });
    const later = fake.addPayment({
      customer_id: customer.contact_id,
      invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 2701 }],
    });
    const nextInvoices = await books.readInvoices?.(ctx, invoices?.checkpoint ?? null);
    expect(nextInvoices?.records.map((r) => [r.externalId, r.balance, r.status])).toEqual([
      [other.invoice_id, 100, 'sent'],
      [invoice.invoice_id, 0, 'paid'],
    ]);
    const nextPayments = await books.readPayments?.(ctx, payments?.checkpoint ?? null);
    // The first payment may come again within the one-second overlap; nothing older does.
    expect(nextPayments?.records.map((r) => r.externalId)).toContain(later.payment_id);
    expect(nextPayments?.records.length).toBeLessThanOrEqual(2);
  });
});

describe('faults', () => {
  it('waits out a 429 with Retry-After and goes on', async () => {
    const ctx = context();
    await books.check(ctx);
    fake.throttleNext(1, 1);
    await expect(books.check(ctx)).resolves.toContain('Zylker Motors');
  });

  it('gives up with throttled, carrying Books’ message, when the throttling outlasts the wait allowed', async () => {
    const ctx = context({}, {}, { maxWaitSeconds: 1 });
    await books.check(ctx);
    fake.throttleNext(5, 1);
    const error = await failure(books.readCustomers(ctx, null));
    expect(error.kind).toBe('throttled');
    expect(error.message).toContain('You have made too many requests continuously');
  });

  it('refreshes an expired access token once and retries the call', async () => {
    const ctx = context({}, { accessToken: fake.issueToken(), expiresAt: String(Date.now() + 3_600_000) });
    fake.expireSession();
    await expect(books.check(ctx)).resolves.toContain('Zylker Motors');
    expect(fake.tokenRequests).toBe(1);
    expect(ctx.saved).toHaveLength(1);
  });

  it('reports a revoked grant (Zoho answers 200 {"error":"invalid_code"}) as auth_revoked', async () => {
    fake.revokeGrant();
    const error = await failure(books.check(context()));
    expect(error).toMatchObject({ kind: 'auth_revoked', vendorCode: 'invalid_code' });
  });

  it('reports a 5xx as unavailable with Books’ message, and works again after it', async () => {
    const ctx = context();
    fake.failNext(1, 500);
    const error = await failure(books.readCustomers(ctx, null));
    expect(error).toMatchObject({ kind: 'unavailable', vendorCode: '1000', message: 'Internal error', status: 500 });
    await expect(books.readCustomers(ctx, null)).resolves.toMatchObject({ more: false });
  });

  it('reports an unanswered call as unavailable', async () => {
    const ctx = context({}, {}, { timeoutMs: 300 });
    await books.check(ctx);
    fake.hangNext(1, 1_000);
    const error = await failure(books.check(ctx));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('no answer within');
  });
});
