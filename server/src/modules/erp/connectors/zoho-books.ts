import { Type } from 'typebox';
import {
  type Connector,
  type ConnectorContext,
  ErpError,
  type ExternalCustomer,
  type ExternalInvoice,
  type ExternalPayment,
  type FieldValue,
  type HttpResponse,
  type Page,
} from '../connector.ts';
import {
  apiDomain,
  asString,
  booksError,
  isoToMs,
  nextPosition,
  type Position,
  parsePosition,
  positionCheckpoint,
  round2,
  text,
  zohoOAuth,
  zohoTime,
  zohoTimeToIso,
} from './zoho-common.ts';

/**
 * Zoho Books v3. A customer is a Books contact with contact_type "customer"; invoices and customer payments are
 * read for the lead's money view. Every call carries `organization_id`. Books has no version token and no
 * idempotency key, so:
 * - createCustomer upserts on a unique custom field holding our key (PUT /contacts with X-Unique-Identifier-Key /
 *   X-Unique-Identifier-Value / X-Upsert: true, "Update a contact using a custom field's unique value" in the
 *   Contacts API): a second call with the same key finds the contact the first one made instead of adding one.
 *   The Books admin creates that custom field once ("iPerform Lead Id", API name cf_iperform_lead_id by default,
 *   duplicates not allowed); `leadIdField` names another one.
 * - updateCustomer reads the contact first and refuses with 'stale' when its last_modified_time is not the
 *   version we were given.
 * - reads list by last_modified_time, oldest first, from the checkpoint's time (see `nextPosition`).
 */

const PER_PAGE = 200;
/**
 * Documents older than `detailDays` cost only their list page, so a first sync of years of invoices takes full
 * pages (200); a page of recent ones also costs a detail call each, about two minutes at 100 requests a minute.
 */
const DOC_PER_PAGE = 200;

type Json = Record<string, unknown>;

function base(ctx: ConnectorContext): string {
  return `${apiDomain(ctx.settings)}/books/v3`;
}

function orgId(ctx: ConnectorContext): string {
  const id = ctx.settings.organizationId;
  if (typeof id !== 'string' || !id) throw new ErpError('validation', 'The Zoho Books organization id is not set');
  return id;
}

function url(ctx: ConnectorContext, path: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ organization_id: orgId(ctx), ...query });
  return `${base(ctx)}${path}?${params}`;
}

async function call(
  ctx: ConnectorContext,
  method: 'GET' | 'POST' | 'PUT',
  target: string,
  body?: Json,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  const res = await ctx.http({
    method,
    url: target,
    headers: {
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 400) throw booksError(res);
  return res;
}

/** A 2xx body whose `code` is not 0 is still a refusal. */
function ok(res: HttpResponse): Json {
  const body = res.json<Json>();
  if (typeof body.code === 'number' && body.code !== 0) throw booksError(res);
  return body;
}

function leadIdField(ctx: ConnectorContext): string {
  const field = ctx.settings.leadIdField;
  return typeof field === 'string' && field ? field : 'cf_iperform_lead_id';
}

/** Flattened billing address fields and the Books keys they come from. */
const BILLING: Record<string, string> = {
  billing_street: 'address',
  billing_street2: 'street2',
  billing_city: 'city',
  billing_state: 'state',
  billing_zip: 'zip',
  billing_country: 'country',
};

const TOP_LEVEL = ['contact_name', 'company_name', 'email', 'phone', 'mobile', 'gst_no', 'notes'] as const;

/** The contact as our flat fields; only what the answer holds (a list row has no address or notes). */
function customerOf(contact: Json): ExternalCustomer {
  const fields: Record<string, FieldValue> = {};
  for (const name of TOP_LEVEL) if (name in contact) fields[name] = text(contact[name]);
  const billing = contact.billing_address;
  if (billing && typeof billing === 'object') {
    for (const [name, key] of Object.entries(BILLING)) fields[name] = text((billing as Json)[key]);
  }
  const modified = typeof contact.last_modified_time === 'string' ? contact.last_modified_time : null;
  return {
    externalId: String(contact.contact_id),
    version: modified,
    updatedAt: zohoTimeToIso(modified),
    fields,
    ...(contact.status === 'deleted' ? { deleted: true } : {}),
  };
}

function primaryPersonId(contact: Json): string | null {
  const persons = Array.isArray(contact.contact_persons) ? (contact.contact_persons as Json[]) : [];
  const primary = persons.find((p) => p.is_primary_contact) ?? persons[0];
  return primary?.contact_person_id ? String(primary.contact_person_id) : null;
}

/** The Books body for a full set of our fields (email and phones live on the primary contact person). */
function contactBody(fields: Record<string, FieldValue>, personId: string | null): Json {
  const body: Json = {
    contact_name: asString(fields.contact_name),
    company_name: asString(fields.company_name),
    notes: asString(fields.notes),
  };
  if (fields.gst_no) body.gst_no = asString(fields.gst_no);
  const address: Json = {};
  for (const [name, key] of Object.entries(BILLING)) address[key] = asString(fields[name]);
  body.billing_address = address;
  if (fields.email || fields.phone || fields.mobile || personId) {
    const person: Json = {
      first_name: asString(fields.contact_name).slice(0, 100),
      email: asString(fields.email),
      phone: asString(fields.phone),
      mobile: asString(fields.mobile),
      is_primary_contact: true,
    };
    if (personId) person.contact_person_id = personId;
    body.contact_persons = [person];
  }
  return body;
}

function timeOf(record: Json): number {
  const value = record.last_modified_time;
  return typeof value === 'string' ? isoToMs(value) : 0;
}

interface ListPage {
  rows: Json[];
  position: Position;
  more: boolean;
}

/** One page of a list sorted by last_modified_time, oldest first, from `position`. */
async function listPage(
  ctx: ConnectorContext,
  path: string,
  key: string,
  position: Position,
  perPage: number,
): Promise<ListPage> {
  const query: Record<string, string> = {
    page: String(position.page),
    per_page: String(perPage),
    sort_column: 'last_modified_time',
    sort_order: 'A',
  };
  if (position.since > 0) query.last_modified_time = zohoTime(position.since, false);
  const body = ok(await call(ctx, 'GET', url(ctx, path, query)));
  const all = Array.isArray(body[key]) ? (body[key] as Json[]) : [];
  const pageContext = (body.page_context ?? {}) as Json;
  const more = pageContext.has_more_page === true;
  const times = all.map(timeOf);
  // Should the time filter be ignored, page through the whole list instead of re-reading its first page forever.
  const filtered = times.every((t) => t >= position.since);
  const next =
    !filtered && more ? { since: position.since, page: position.page + 1 } : nextPosition(position, times, more);
  return { rows: all.filter((_, i) => (times[i] ?? 0) >= position.since), position: next, more };
}

async function getContact(ctx: ConnectorContext, externalId: string): Promise<Json | null> {
  try {
    const body = ok(await call(ctx, 'GET', url(ctx, `/contacts/${encodeURIComponent(externalId)}`)));
    return (body.contact as Json) ?? null;
  } catch (error) {
    if (error instanceof ErpError && error.kind === 'not_found') return null;
    throw error;
  }
}

function invoiceOf(invoice: Json): ExternalInvoice {
  const items = Array.isArray(invoice.line_items) ? (invoice.line_items as Json[]) : [];
  return {
    externalId: String(invoice.invoice_id),
    customerExternalId: String(invoice.customer_id ?? ''),
    number: text(invoice.invoice_number),
    date: String(invoice.date ?? ''),
    dueDate: text(invoice.due_date),
    currency: text(invoice.currency_code),
    total: round2(invoice.total),
    balance: round2(invoice.balance),
    status: text(invoice.status),
    lines: items.map((item) => ({
      description: text(item.description) ?? text(item.name),
      quantity: item.quantity === undefined || item.quantity === null ? null : Number(item.quantity),
      rate: item.rate === undefined || item.rate === null ? null : round2(item.rate),
      amount: round2(item.item_total ?? item.amount),
    })),
    updatedAt: zohoTimeToIso(invoice.last_modified_time),
  };
}

function paymentOf(payment: Json): ExternalPayment {
  const applied = Array.isArray(payment.invoices) ? (payment.invoices as Json[]) : [];
  return {
    externalId: String(payment.payment_id),
    customerExternalId: String(payment.customer_id ?? ''),
    date: String(payment.date ?? ''),
    amount: round2(payment.amount),
    currency: text(payment.currency_code),
    reference: text(payment.reference_number),
    invoiceExternalIds: applied.map((entry) => String(entry.invoice_id)),
    updatedAt: zohoTimeToIso(payment.last_modified_time),
  };
}

/** Whether a document's date (YYYY-MM-DD) falls within the connection's `detailDays` (90 by default). */
function recent(ctx: ConnectorContext, date: unknown): boolean {
  const days = typeof ctx.settings.detailDays === 'number' ? ctx.settings.detailDays : 90;
  const at = typeof date === 'string' ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  return Number.isNaN(at) || ctx.now().getTime() - at <= days * 86_400_000;
}

export const zohoBooksConnector: Connector = {
  id: 'zoho_books',
  label: 'Zoho Books',
  settings: Type.Object(
    {
      accountsUrl: Type.Optional(Type.String({ format: 'uri', default: 'https://accounts.zoho.com' })),
      apiDomain: Type.Optional(Type.String({ format: 'uri', default: 'https://www.zohoapis.com' })),
      organizationId: Type.String({ minLength: 1, maxLength: 40 }),
      /** The unique custom field holding our key (see the header). */
      leadIdField: Type.Optional(Type.String({ pattern: '^cf_[a-z0-9_]+$', maxLength: 100 })),
      /**
       * Invoices and payments dated within this many days are read with their detail (line items, the invoices a
       * payment settles): Books lists carry neither, and at 100 requests a minute one detail per document would
       * take a day and a half for 200,000 old invoices. Older ones come with totals and balances only.
       */
      detailDays: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 3650, default: 90, description: 'Days of invoices read with their lines' }),
      ),
      /** Kept from the token response: the account's data centre. */
      api_domain: Type.Optional(Type.String({ format: 'uri' })),
    },
    { additionalProperties: false },
  ),
  secretFields: [
    { name: 'clientId', label: 'Client ID', required: true },
    { name: 'clientSecret', label: 'Client secret', required: true },
  ],
  oauth: zohoOAuth([
    'ZohoBooks.contacts.ALL',
    'ZohoBooks.invoices.READ',
    'ZohoBooks.customerpayments.READ',
    'ZohoBooks.settings.READ',
  ]),
  // Books allows 100 requests a minute per organization.
  rateLimit: { perMinute: 100 },
  reads: ['customer', 'invoice', 'payment'],
  writes: ['customer'],
  customerFields: [
    { name: 'contact_name', label: 'Display name', type: 'text', required: true, maxLength: 200 },
    { name: 'company_name', label: 'Company name', type: 'text', maxLength: 200 },
    { name: 'email', label: 'Email', type: 'email', maxLength: 100 },
    { name: 'phone', label: 'Phone', type: 'phone', maxLength: 50 },
    { name: 'mobile', label: 'Mobile', type: 'phone', maxLength: 50 },
    { name: 'gst_no', label: 'GSTIN', type: 'text', maxLength: 15 },
    { name: 'billing_street', label: 'Billing street', type: 'text', maxLength: 500 },
    { name: 'billing_street2', label: 'Billing street 2', type: 'text', maxLength: 255 },
    { name: 'billing_city', label: 'Billing city', type: 'text', maxLength: 100 },
    { name: 'billing_state', label: 'Billing state', type: 'text', maxLength: 100 },
    { name: 'billing_zip', label: 'Billing PIN / ZIP', type: 'text', maxLength: 50 },
    { name: 'billing_country', label: 'Billing country', type: 'text', maxLength: 100 },
    { name: 'notes', label: 'Notes', type: 'text', maxLength: 2000 },
  ],
  defaultCustomerMapping: [
    { leadField: 'name', erpField: 'contact_name' },
    { leadField: 'companyName', erpField: 'company_name' },
    { leadField: 'emails', erpField: 'email' },
    { leadField: 'phones', erpField: 'phone' },
    { leadField: 'custom:gstin', erpField: 'gst_no' },
    { leadField: 'city', erpField: 'billing_city' },
    { leadField: 'notes', erpField: 'notes' },
  ],
  matchFields: ['gst_no', 'email', 'phone', 'mobile', 'contact_name'],

  async check(ctx) {
    const body = ok(await call(ctx, 'GET', `${base(ctx)}/organizations`));
    const orgs = Array.isArray(body.organizations) ? (body.organizations as Json[]) : [];
    const id = orgId(ctx);
    const org = orgs.find((o) => String(o.organization_id) === id);
    if (!org) {
      const known = orgs.map((o) => `${o.name} (${o.organization_id})`).join(', ') || 'none';
      throw new ErpError('not_found', `Zoho Books organization ${id} is not one of this account's: ${known}`);
    }
    return `Zoho Books: ${org.name} (organization ${id}, ${org.currency_code ?? 'no currency'})`;
  },

  async readCustomers(ctx, checkpoint): Promise<Page<ExternalCustomer>> {
    const page = await listPage(ctx, '/contacts', 'contacts', parsePosition(checkpoint), PER_PAGE);
    const records = page.rows.filter((row) => (row.contact_type ?? 'customer') === 'customer').map(customerOf);
    return { records, checkpoint: positionCheckpoint(page.position), more: page.more };
  },

  async readInvoices(ctx, checkpoint): Promise<Page<ExternalInvoice>> {
    const page = await listPage(ctx, '/invoices', 'invoices', parsePosition(checkpoint), DOC_PER_PAGE);
    const records: ExternalInvoice[] = [];
    // The list has no line items; the detail does (read for recent invoices only, see `detailDays`).
    for (const row of page.rows) {
      if (!recent(ctx, row.date)) {
        records.push(invoiceOf(row));
        continue;
      }
      const body = ok(await call(ctx, 'GET', url(ctx, `/invoices/${encodeURIComponent(String(row.invoice_id))}`)));
      records.push(invoiceOf({ ...row, ...((body.invoice as Json) ?? {}) }));
    }
    return { records, checkpoint: positionCheckpoint(page.position), more: page.more };
  },

  async readPayments(ctx, checkpoint): Promise<Page<ExternalPayment>> {
    const page = await listPage(ctx, '/customerpayments', 'customerpayments', parsePosition(checkpoint), DOC_PER_PAGE);
    const records: ExternalPayment[] = [];
    // The list does not say which invoices a payment settles; the detail's invoices[] does (recent ones only).
    for (const row of page.rows) {
      if (!recent(ctx, row.date)) {
        records.push(paymentOf(row));
        continue;
      }
      const id = encodeURIComponent(String(row.payment_id));
      const body = ok(await call(ctx, 'GET', url(ctx, `/customerpayments/${id}`)));
      records.push(paymentOf({ ...row, ...((body.payment as Json) ?? {}) }));
    }
    return { records, checkpoint: positionCheckpoint(page.position), more: page.more };
  },

  async getCustomer(ctx, externalId) {
    const contact = await getContact(ctx, externalId);
    return contact ? customerOf(contact) : null;
  },

  async createCustomer(ctx, fields, key) {
    if (!text(fields.contact_name)) {
      throw new ErpError('validation', 'Display name (contact_name) is required by Zoho Books');
    }
    const field = leadIdField(ctx);
    const body = {
      ...contactBody(fields, null),
      contact_type: 'customer',
      custom_fields: [{ api_name: field, value: key }],
    };
    const res = await call(ctx, 'PUT', url(ctx, '/contacts'), body, {
      'X-Unique-Identifier-Key': field,
      'X-Unique-Identifier-Value': key,
      'X-Upsert': 'true',
    });
    const contact = ok(res).contact as Json | undefined;
    if (!contact) throw new ErpError('unavailable', 'Zoho Books answered without the contact');
    return customerOf(contact);
  },

  async updateCustomer(ctx, externalId, version, fields) {
    const current = await getContact(ctx, externalId);
    if (!current) throw new ErpError('not_found', `Zoho Books has no contact ${externalId}`);
    const now = typeof current.last_modified_time === 'string' ? current.last_modified_time : null;
    if (version !== null && now !== version) {
      throw new ErpError('stale', `The contact was changed in Zoho Books at ${now} (we last read it at ${version})`, {
        vendorCode: 'last_modified_time',
      });
    }
    // Books replaces the address and contact persons it is sent: send the whole contact with our changes on top.
    const merged = { ...customerOf(current).fields, ...fields };
    const target = url(ctx, `/contacts/${encodeURIComponent(externalId)}`);
    const res = await call(ctx, 'PUT', target, contactBody(merged, primaryPersonId(current)));
    const contact = ok(res).contact as Json | undefined;
    if (!contact) throw new ErpError('unavailable', 'Zoho Books answered without the contact');
    return customerOf(contact);
  },
};
