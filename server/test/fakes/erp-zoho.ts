import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * A local stand-in for Zoho: the Accounts token endpoint, Zoho Books v3 and Zoho CRM v7, on one 127.0.0.1 port
 * (so a connection's accountsUrl and apiDomain both point here). Shapes come from the samples copied into
 * server/test/fixtures/erp/zoho (see the Zoho part of their README) and, where none existed, from Zoho's pages:
 *
 * Accounts
 * - POST /oauth/v2/token (refresh_token grant): the refresh response sample (access_token, expires_in 3600,
 *   api_domain, token_type Bearer; no refresh_token: Zoho does not rotate it). A revoked grant answers HTTP 200
 *   {"error":"invalid_code"} and a wrong client 200 {"error":"invalid_client"} (the asciisd/zoho#6 capture).
 * - API calls accept `Authorization: Zoho-oauthtoken <t>` and `Bearer <t>`, both documented as accepted on
 *   https://www.zoho.com/accounts/protocol/oauth/use-access-token.html.
 *
 * Books (/books/v3, organization_id on every call)
 * - GET /organizations; GET /contacts (page, per_page, sort_column=last_modified_time, sort_order A|D,
 *   last_modified_time=<time>: rows changed at or after it; page_context.has_more_page); GET/PUT /contacts/{id};
 *   POST /contacts; PUT /contacts with X-Unique-Identifier-Key / -Value / X-Upsert ("Update a contact using a
 *   custom field's unique value", https://www.zoho.com/books/api/v3/contacts/). Contact bodies from the contact
 *   create response sample; list rows as the List Contacts example (plus gst_no, as Indian organizations show).
 *   The `last_modified_time` filter on list calls is an assumption (the contacts page documents the sort only).
 * - GET /invoices (rows from the invoices list sample) and GET /invoices/{id} with line_items
 *   (https://www.zoho.com/books/api/v3/invoices/); GET /customerpayments and /customerpayments/{id} with
 *   invoices[] {invoice_id, invoice_number, date, invoice_amount, amount_applied, balance_amount}
 *   (https://www.zoho.com/books/api/v3/customer-payments/, its payment example).
 * - Errors {"code": <n>, "message"} (https://www.zoho.com/books/api/v3/errors/): 3062 "The customer \"X\" already
 *   exists. Please specify a different name." (400, as quoted from production in public repositories), 1002
 *   "... does not exist." (404), 1000 "Internal error" (500), 57 on a bad token (401), 429 rate limit (its body
 *   code 44 is assumed).
 *
 * CRM (/crm/v7)
 * - GET /org; GET /Leads (fields required, per_page <= 200, page <= 10 then page_token, sort_by=Modified_Time,
 *   If-Modified-Since -> 304 when nothing changed; info as the v7 get-records samples); GET /Leads/{id} (204 when
 *   unknown); PUT /Leads/{id}; POST /Leads/upsert with duplicate_check_fields (response as the upsert sample;
 *   https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html).
 * - Errors: INVALID_TOKEN (401, sample); per-record DUPLICATE_DATA / MANDATORY_NOT_FOUND / INVALID_DATA with
 *   details.api_name/json_path as the v7 insert-records page documents; TOO_MANY_REQUESTS on 429 (body assumed).
 * - POST /oauth/v2/token also takes the authorization-code grant (the consent redirect), answering a refresh token.
 * - `notification()` builds what Zoho posts to a channel's notify_url (the v7 notifications sample).
 *
 * Every change stamps a fake clock that moves one second per change (seedBulk: ten records a second), so reads by
 * modification time are deterministic. Lists walk an append-only change log from a binary-searched start: no
 * O(n^2) paging with 50,000 contacts and 200,000 invoices.
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/erp/zoho');
export function zohoFixture(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8');
}

type Json = Record<string, unknown>;
type Value = string | number | boolean | null;

export interface BooksContact {
  contact_id: string;
  contact_name: string;
  company_name: string;
  contact_type: 'customer' | 'vendor';
  status: 'active' | 'inactive';
  email: string;
  phone: string;
  mobile: string;
  gst_no: string;
  notes: string;
  billing: { address: string; street2: string; city: string; state: string; zip: string; country: string };
  personId: string | null;
  custom: Record<string, string>;
  created: number;
  modified: number;
}

export interface BooksLine {
  line_item_id: string;
  name: string;
  description: string;
  quantity: number;
  rate: number;
  item_total: number;
}

export interface BooksInvoice {
  invoice_id: string;
  invoice_number: string;
  customer_id: string;
  date: string;
  due_date: string;
  currency_code: string;
  status: string;
  lines: BooksLine[];
  total: number;
  balance: number;
  created: number;
  modified: number;
}

export interface BooksPayment {
  payment_id: string;
  payment_number: string;
  customer_id: string;
  date: string;
  amount: number;
  currency_code: string;
  reference_number: string;
  payment_mode: string;
  invoices: { invoice_id: string; amount_applied: number }[];
  created: number;
  modified: number;
}

export interface CrmLead {
  id: string;
  fields: Record<string, Value>;
  created: number;
  modified: number;
}

export interface ZohoRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** How the token was sent: 'Zoho-oauthtoken', 'Bearer' or null. */
  scheme: string | null;
  body: string;
}

/** Records with a modification time, listed oldest change first through an append-only log. */
class Timeline<T extends { modified: number }> {
  readonly map = new Map<string, T>();
  private readonly log: { id: string; at: number }[] = [];
  private readonly latest = new Map<string, number>();

  put(id: string, record: T): void {
    this.map.set(id, record);
    this.latest.set(id, this.log.length);
    this.log.push({ id, at: record.modified });
  }

  get size(): number {
    return this.map.size;
  }

  /** Records changed at or after `since`, oldest first, skipping `skip` and taking `take`. */
  slice(since: number, skip: number, take: number, keep: (record: T) => boolean = () => true): T[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.log[mid]?.at ?? 0) < since) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    let skipped = 0;
    for (let i = lo; i < this.log.length && out.length < take; i++) {
      const entry = this.log[i];
      if (!entry || this.latest.get(entry.id) !== i) continue;
      const record = this.map.get(entry.id);
      if (!record || !keep(record)) continue;
      if (skipped < skip) skipped++;
      else out.push(record);
    }
    return out;
  }
}

const ORG_ID = '60012345678';
const OFFSET_MINUTES = 330;

/** A time as Books writes it, in the organization's zone: 2026-06-09T15:30:00+0530. */
function booksTime(ms: number): string {
  const local = new Date(ms + OFFSET_MINUTES * 60_000).toISOString().slice(0, 19);
  return `${local}+0530`;
}

/** A time as CRM writes it: 2026-06-09T15:30:00+05:30. */
function crmTime(ms: number): string {
  const local = new Date(ms + OFFSET_MINUTES * 60_000).toISOString().slice(0, 19);
  return `${local}+05:30`;
}

function parseTime(value: string): number {
  return Date.parse(
    value
      .trim()
      .replace(/ /g, '+')
      .replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
  );
}

function json(body: string): Json {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

const money = (n: number) => Math.round(n * 100) / 100;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ZohoFakeOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
}

export class ZohoFake {
  url = '';
  readonly requests: ZohoRequest[] = [];
  readonly clientId: string;
  readonly clientSecret: string;
  refreshToken: string;
  readonly organizationId = ORG_ID;
  /** Fake clock (epoch ms); every change moves it one second. */
  clock = Date.parse('2026-06-09T04:30:00Z');
  tokenRequests = 0;

  readonly contacts = new Timeline<BooksContact>();
  readonly invoices = new Timeline<BooksInvoice>();
  readonly payments = new Timeline<BooksPayment>();
  readonly leads = new Timeline<CrmLead>();
  /** Custom fields configured as unique ("do not allow duplicates") in Books. */
  readonly uniqueCustomFields = new Set(['cf_iperform_lead_id']);
  /** CRM fields configured as unique in Leads (besides the External ID field). */
  readonly uniqueLeadFields = new Set(['Email']);

  private server: Server | null = null;
  private readonly tokens = new Set<string>();
  private grantRevoked = false;
  private seq = 0;
  private throttle = { count: 0, retryAfter: 1 };
  private fail = { count: 0, status: 500 };
  private hang = { count: 0, ms: 0 };
  private readonly pageTokens = new Map<string, { since: number; offset: number }>();
  private readonly contactTemplate: Json;
  private readonly invoiceTemplate: Json;

  constructor(options: ZohoFakeOptions = {}) {
    this.clientId = options.clientId ?? '1000.FAKECLIENTID';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.refreshToken = options.refreshToken ?? '1000.fake-refresh-token';
    this.contactTemplate = (
      JSON.parse(zohoFixture('zoho_books_contact_create_response__nango_integration-templates.json')) as {
        contact: Json;
      }
    ).contact;
    const invoices = JSON.parse(zohoFixture('zoho_books_invoices_list_response__nango_integration-templates.json')) as {
      invoices: Json[];
    };
    this.invoiceTemplate = invoices.invoices[0] ?? {};
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  // ---- controls -------------------------------------------------------------------------------------------

  /** A valid access token, as if freshly issued. */
  issueToken(): string {
    const token = `1000.fakeaccess${++this.seq}.${Math.random().toString(16).slice(2, 10)}`;
    this.tokens.add(token);
    return token;
  }

  /** Every access token issued so far stops working (401 until the client refreshes). */
  expireSession(): void {
    this.tokens.clear();
  }

  /** The grant is revoked: refreshing answers {"error":"invalid_code"}, and current tokens stop working. */
  revokeGrant(): void {
    this.grantRevoked = true;
    this.tokens.clear();
  }

  /** The next `n` API calls answer 429 with Retry-After. */
  throttleNext(n: number, retryAfterSeconds = 1): void {
    this.throttle = { count: n, retryAfter: retryAfterSeconds };
  }

  /** The next `n` API calls answer a 5xx. */
  failNext(n = 1, status = 500): void {
    this.fail = { count: n, status };
  }

  /** The next `n` API calls answer only after `ms` (longer than the client's timeout). */
  hangNext(n = 1, ms = 2_000): void {
    this.hang = { count: n, ms };
  }

  private tick(): number {
    this.clock += 1_000;
    return this.clock;
  }

  private id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(8, '0')}`;
  }

  // ---- Books records ---------------------------------------------------------------------------------------

  addContact(input: Partial<Omit<BooksContact, 'billing'>> & { billing?: Partial<BooksContact['billing']> }) {
    const now = this.tick();
    const contact: BooksContact = {
      contact_id: input.contact_id ?? this.id('2608150000'),
      contact_name: input.contact_name ?? `Contact ${this.seq}`,
      company_name: input.company_name ?? '',
      contact_type: input.contact_type ?? 'customer',
      status: input.status ?? 'active',
      email: input.email ?? '',
      phone: input.phone ?? '',
      mobile: input.mobile ?? '',
      gst_no: input.gst_no ?? '',
      notes: input.notes ?? '',
      billing: { address: '', street2: '', city: '', state: '', zip: '', country: '', ...input.billing },
      personId: input.email || input.phone || input.mobile ? this.id('2608150001') : null,
      custom: { ...input.custom },
      created: now,
      modified: now,
    };
    this.contacts.put(contact.contact_id, contact);
    return contact;
  }

  /** A bookkeeper edits a contact in Books: new last_modified_time. */
  editContact(
    id: string,
    changes: Partial<Omit<BooksContact, 'billing'>> & { billing?: Partial<BooksContact['billing']> },
  ) {
    const contact = this.contacts.map.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    const next: BooksContact = {
      ...contact,
      ...changes,
      billing: { ...contact.billing, ...changes.billing },
      modified: this.tick(),
    };
    this.contacts.put(id, next);
    return next;
  }

  addInvoice(input: { customer_id: string; lines?: Partial<BooksLine>[] } & Partial<Omit<BooksInvoice, 'lines'>>) {
    const now = this.tick();
    const given: Partial<BooksLine>[] = input.lines ?? [{ name: 'Service', quantity: 1, rate: 100 }];
    const lines = given.map((line) => {
      const quantity = line.quantity ?? 1;
      const rate = line.rate ?? 0;
      return {
        line_item_id: this.id('2608150002'),
        name: line.name ?? 'Item',
        description: line.description ?? '',
        quantity,
        rate,
        item_total: money(line.item_total ?? quantity * rate),
      };
    });
    const total = money(lines.reduce((sum, line) => sum + line.item_total, 0));
    const invoice: BooksInvoice = {
      invoice_id: input.invoice_id ?? this.id('2608150003'),
      invoice_number: input.invoice_number ?? `INV-${String(this.invoices.size + 1).padStart(6, '0')}`,
      customer_id: input.customer_id,
      date: input.date ?? '2026-06-09',
      due_date: input.due_date ?? '2026-07-09',
      currency_code: input.currency_code ?? 'INR',
      status: input.status ?? 'sent',
      lines,
      total,
      balance: input.balance ?? total,
      created: now,
      modified: now,
    };
    this.invoices.put(invoice.invoice_id, invoice);
    return invoice;
  }

  editInvoice(id: string, changes: Partial<BooksInvoice>) {
    const invoice = this.invoices.map.get(id);
    if (!invoice) throw new Error(`no invoice ${id}`);
    const next = { ...invoice, ...changes, modified: this.tick() };
    this.invoices.put(id, next);
    return next;
  }

  /** A payment recorded in Books; the invoices it settles lose that much balance (and change). */
  addPayment(
    input: { customer_id: string; invoices: { invoice_id: string; amount_applied: number }[] } & Partial<BooksPayment>,
  ) {
    const amount = input.amount ?? money(input.invoices.reduce((sum, entry) => sum + entry.amount_applied, 0));
    for (const entry of input.invoices) {
      const invoice = this.invoices.map.get(entry.invoice_id);
      if (!invoice) continue;
      const balance = money(invoice.balance - entry.amount_applied);
      this.editInvoice(invoice.invoice_id, { balance, status: balance <= 0 ? 'paid' : 'partially_paid' });
    }
    const now = this.tick();
    const payment: BooksPayment = {
      payment_id: input.payment_id ?? this.id('2608150004'),
      payment_number: input.payment_number ?? String(this.payments.size + 1),
      customer_id: input.customer_id,
      date: input.date ?? '2026-06-10',
      amount,
      currency_code: input.currency_code ?? 'INR',
      reference_number: input.reference_number ?? '',
      payment_mode: input.payment_mode ?? 'banktransfer',
      invoices: input.invoices,
      created: now,
      modified: now,
    };
    this.payments.put(payment.payment_id, payment);
    return payment;
  }

  // ---- CRM records -----------------------------------------------------------------------------------------

  addLead(fields: Record<string, Value>): CrmLead {
    const now = this.tick();
    const lead: CrmLead = { id: this.id('57257670000'), fields: { ...fields }, created: now, modified: now };
    this.leads.put(lead.id, lead);
    return lead;
  }

  /** A salesperson edits a Lead in Zoho CRM: new Modified_Time. */
  editLead(id: string, fields: Record<string, Value>): CrmLead {
    const lead = this.leads.map.get(id);
    if (!lead) throw new Error(`no lead ${id}`);
    const next = { ...lead, fields: { ...lead.fields, ...fields }, modified: this.tick() };
    this.leads.put(id, next);
    return next;
  }

  leadByKey(key: string): CrmLead | undefined {
    for (const lead of this.leads.map.values()) if (lead.fields.iPerform_Lead_Id === key) return lead;
    return undefined;
  }

  /** What Zoho posts to a channel's notify_url, from the v7 sample. */
  notification(input: { ids: string[]; operation?: string; channelId?: string; token: string; module?: string }) {
    const sample = JSON.parse(
      zohoFixture('zoho_crm_notification_payload__zoho_docs_v7_notifications-enable.json'),
    ) as Json;
    return {
      ...sample,
      server_time: this.clock,
      module: input.module ?? 'Leads',
      ids: input.ids,
      operation: input.operation ?? 'update',
      channel_id: input.channelId ?? String(sample.channel_id),
      token: input.token,
    };
  }

  /**
   * Deterministic synthetic data, ten records per clock second: Books contacts, invoices (one line each, spread
   * over the contacts) and payments (each settling one invoice in full) — or, with `product: 'crm'`, CRM Leads.
   */
  seedBulk(counts: { customers?: number; invoices?: number; payments?: number; product?: 'books' | 'crm' }): void {
    const start = this.clock + 1_000;
    let n = 0;
    const at = () => start + Math.floor(n++ / 10) * 1_000;
    const customers = counts.customers ?? 0;
    if (counts.product === 'crm') {
      for (let i = 0; i < customers; i++) {
        const time = at();
        const id = `5725767${String(i + 1).padStart(12, '0')}`;
        this.leads.put(id, {
          id,
          fields: {
            Last_Name: `Lead ${i}`,
            Company: `Company ${i % 997}`,
            Email: `lead${i}@bulk.test`,
            Phone: `+9198${String(i).padStart(8, '0')}`,
          },
          created: time,
          modified: time,
        });
      }
    } else {
      const ids: string[] = [];
      for (let i = 0; i < customers; i++) {
        const time = at();
        const id = `2608159${String(i + 1).padStart(11, '0')}`;
        ids.push(id);
        this.contacts.put(id, {
          contact_id: id,
          contact_name: `Customer ${i}`,
          company_name: `Company ${i % 997}`,
          contact_type: 'customer',
          status: 'active',
          email: `customer${i}@bulk.test`,
          phone: `+9198${String(i).padStart(8, '0')}`,
          mobile: '',
          gst_no: '',
          notes: '',
          billing: {
            address: `${i} MG Road`,
            street2: '',
            city: 'Pune',
            state: 'Maharashtra',
            zip: '411001',
            country: 'India',
          },
          personId: `2608158${String(i + 1).padStart(11, '0')}`,
          custom: {},
          created: time,
          modified: time,
        });
      }
      const invoiceIds: string[] = [];
      for (let j = 0; j < (counts.invoices ?? 0) && ids.length > 0; j++) {
        const time = at();
        const id = `2608157${String(j + 1).padStart(11, '0')}`;
        invoiceIds.push(id);
        const rate = 100 + (j % 97) * 10;
        const paid = j < (counts.payments ?? 0);
        this.invoices.put(id, {
          invoice_id: id,
          invoice_number: `INV-${String(j + 1).padStart(7, '0')}`,
          customer_id: ids[j % ids.length] ?? '',
          date: '2026-06-09',
          due_date: '2026-07-09',
          currency_code: 'INR',
          status: paid ? 'paid' : 'sent',
          lines: [
            {
              line_item_id: `${id}1`,
              name: 'Service',
              description: 'Monthly service',
              quantity: 1,
              rate,
              item_total: rate,
            },
          ],
          total: rate,
          balance: paid ? 0 : rate,
          created: time,
          modified: time,
        });
      }
      for (let k = 0; k < (counts.payments ?? 0) && k < invoiceIds.length; k++) {
        const time = at();
        const invoice = this.invoices.map.get(invoiceIds[k] ?? '');
        if (!invoice) continue;
        const id = `2608156${String(k + 1).padStart(11, '0')}`;
        this.payments.put(id, {
          payment_id: id,
          payment_number: String(k + 1),
          customer_id: invoice.customer_id,
          date: '2026-06-10',
          amount: invoice.total,
          currency_code: 'INR',
          reference_number: `UTR${k}`,
          payment_mode: 'banktransfer',
          invoices: [{ invoice_id: invoice.invoice_id, amount_applied: invoice.total }],
          created: time,
          modified: time,
        });
      }
    }
    this.clock = Math.max(this.clock, start + Math.floor(n / 10) * 1_000);
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== 'authorization' && typeof value === 'string') headers[name] = value;
    }
    const auth = req.headers.authorization ?? '';
    const match = /^(Zoho-oauthtoken|Bearer) (.+)$/.exec(auth);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      scheme: match?.[1] ?? null,
      body,
    });
    const answer = await this.answer(req.method ?? 'GET', url, match?.[2] ?? null, req.headers, body);
    if (res.destroyed) return;
    const outHeaders: Record<string, string> = { ...answer.headers };
    if (answer.body !== undefined) outHeaders['content-type'] = 'application/json;charset=UTF-8';
    res.writeHead(answer.status, outHeaders);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  private async answer(
    method: string,
    url: URL,
    token: string | null,
    headers: IncomingMessage['headers'],
    body: string,
  ): Promise<Answer> {
    const path = url.pathname;
    if (path === '/oauth/v2/token' && method === 'POST') return this.token(new URLSearchParams(body));
    const books = path.startsWith('/books/v3/');
    const crm = path.startsWith('/crm/v7/');
    if (!books && !crm) return { status: 404, body: { code: 5, message: 'Invalid URL Passed' } };
    if (this.hang.count > 0) {
      this.hang.count--;
      await new Promise((ok) => setTimeout(ok, this.hang.ms));
    }
    if (this.throttle.count > 0) {
      this.throttle.count--;
      const retry = { 'retry-after': String(this.throttle.retryAfter) };
      return books
        ? {
            status: 429,
            headers: retry,
            body: {
              code: 44,
              message: 'You have made too many requests continuously. Please try again after some time.',
            },
          }
        : {
            status: 429,
            headers: retry,
            body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' },
          };
    }
    if (this.fail.count > 0) {
      this.fail.count--;
      return books
        ? { status: this.fail.status, body: { code: 1000, message: 'Internal error' } }
        : {
            status: this.fail.status,
            body: { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' },
          };
    }
    if (!token || !this.tokens.has(token)) {
      return books
        ? { status: 401, body: { code: 57, message: 'You are not authorized to perform this operation' } }
        : {
            status: 401,
            body: JSON.parse(zohoFixture('zoho_crm_error_invalid_token__solspace_craft-freeform_issue1372.json')),
          };
    }
    return books
      ? this.books(method, path.slice('/books/v3'.length), url.searchParams, headers, json(body))
      : this.crm(method, path.slice('/crm/v7'.length), url.searchParams, headers, json(body));
  }

  private token(form: URLSearchParams): Answer {
    this.tokenRequests++;
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return { status: 200, body: { error: 'invalid_client' } };
    }
    // The authorization-code grant (the admin's consent, once) answers a refresh token too, as Zoho does with
    // access_type=offline (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html).
    if (form.get('grant_type') === 'authorization_code' && form.get('code') && !this.grantRevoked) {
      return {
        status: 200,
        body: {
          access_token: this.issueToken(),
          refresh_token: this.refreshToken,
          api_domain: this.url,
          token_type: 'Bearer',
          expires_in: 3600,
        },
      };
    }
    if (
      form.get('grant_type') !== 'refresh_token' ||
      form.get('refresh_token') !== this.refreshToken ||
      this.grantRevoked
    ) {
      return { status: 200, body: { error: 'invalid_code' } };
    }
    const sample = JSON.parse(
      zohoFixture('zoho_oauth_refresh_response__zoho_docs_assist_refresh-access-token.json'),
    ) as Json;
    return { status: 200, body: { ...sample, access_token: this.issueToken(), api_domain: this.url } };
  }

  // ---- Books -----------------------------------------------------------------------------------------------

  private books(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingMessage['headers'],
    body: Json,
  ): Answer {
    if (path === '/organizations' && method === 'GET') {
      return {
        status: 200,
        body: {
          code: 0,
          message: 'success',
          organizations: [
            {
              organization_id: ORG_ID,
              name: 'Zylker Motors Pvt Ltd',
              currency_code: 'INR',
              time_zone: 'Asia/Calcutta',
              is_default_org: true,
            },
          ],
        },
      };
    }
    if (query.get('organization_id') !== ORG_ID) {
      return { status: 400, body: { code: 6041, message: 'This user is not associated with the organization' } };
    }
    const [, resource, id] = path.split('/');
    if (resource === 'contacts') {
      if (!id && method === 'GET') return this.listContacts(query);
      if (!id && method === 'POST') return this.saveContact(null, body, true);
      if (!id && method === 'PUT') return this.upsertContact(headers, body);
      const contact = id ? this.contacts.map.get(id) : undefined;
      if (!contact) return { status: 404, body: { code: 1002, message: 'Contact does not exist.' } };
      if (method === 'GET')
        return { status: 200, body: { code: 0, message: 'success', contact: this.contactDetail(contact) } };
      if (method === 'PUT') return this.saveContact(contact, body, false);
    }
    if (resource === 'invoices' && method === 'GET') {
      if (!id) return this.list(query, this.invoices, 'invoices', (invoice) => this.invoiceRow(invoice));
      const invoice = this.invoices.map.get(id);
      if (!invoice) return { status: 404, body: { code: 1002, message: 'Invoice does not exist.' } };
      return { status: 200, body: { code: 0, message: 'success', invoice: this.invoiceDetail(invoice) } };
    }
    if (resource === 'customerpayments' && method === 'GET') {
      if (!id) return this.list(query, this.payments, 'customerpayments', (payment) => this.paymentRow(payment));
      const payment = this.payments.map.get(id);
      if (!payment) return { status: 404, body: { code: 1002, message: 'Payment does not exist.' } };
      return { status: 200, body: { code: 0, message: 'success', payment: this.paymentDetail(payment) } };
    }
    return { status: 405, body: { code: 37, message: 'The HTTP method is not supported for the requested resource' } };
  }

  private list<T extends { modified: number }>(
    query: URLSearchParams,
    timeline: Timeline<T>,
    key: string,
    row: (record: T) => Json,
    keep?: (record: T) => boolean,
  ): Answer {
    const page = Math.max(1, Number(query.get('page') ?? 1));
    const perPage = Math.min(200, Math.max(1, Number(query.get('per_page') ?? 200)));
    const sinceText = query.get('last_modified_time');
    const since = sinceText ? parseTime(sinceText) : 0;
    if (Number.isNaN(since))
      return { status: 400, body: { code: 2, message: 'Invalid value passed for last_modified_time' } };
    // Only the modification-time order is implemented: that is the one the connector asks for.
    const records = timeline.slice(since, (page - 1) * perPage, perPage + 1, keep);
    const more = records.length > perPage;
    return {
      status: 200,
      body: {
        code: 0,
        message: 'success',
        [key]: records.slice(0, perPage).map(row),
        page_context: {
          page,
          per_page: perPage,
          has_more_page: more,
          report_name: key === 'contacts' ? 'Contacts' : key === 'invoices' ? 'Invoices' : 'Customer Payments',
          applied_filter: 'Status.All',
          custom_fields: [],
          sort_column: query.get('sort_column') ?? 'last_modified_time',
          sort_order: query.get('sort_order') ?? 'A',
        },
      },
    };
  }

  private listContacts(query: URLSearchParams): Answer {
    return this.list(query, this.contacts, 'contacts', (contact) => ({
      contact_id: contact.contact_id,
      contact_name: contact.contact_name,
      customer_name: contact.contact_name,
      company_name: contact.company_name,
      contact_type: contact.contact_type,
      status: contact.status,
      payment_terms: 0,
      payment_terms_label: 'Due on Receipt',
      currency_id: '260815000000000097',
      currency_code: 'INR',
      outstanding_receivable_amount: 0,
      unused_credits_receivable_amount: 0,
      first_name: '',
      last_name: '',
      email: contact.email,
      phone: contact.phone,
      mobile: contact.mobile,
      gst_no: contact.gst_no,
      created_time: booksTime(contact.created),
      last_modified_time: booksTime(contact.modified),
    }));
  }

  contactDetail(contact: BooksContact): Json {
    return {
      ...this.contactTemplate,
      contact_id: contact.contact_id,
      contact_name: contact.contact_name,
      company_name: contact.company_name,
      contact_type: contact.contact_type,
      status: contact.status,
      email: contact.email,
      phone: contact.phone,
      mobile: contact.mobile,
      gst_no: contact.gst_no,
      notes: contact.notes,
      currency_code: 'INR',
      billing_address: {
        ...(this.contactTemplate.billing_address as Json),
        ...contact.billing,
      },
      contact_persons: contact.personId
        ? [
            {
              contact_person_id: contact.personId,
              first_name: contact.contact_name.slice(0, 100),
              last_name: '',
              email: contact.email,
              phone: contact.phone,
              mobile: contact.mobile,
              is_primary_contact: true,
            },
          ]
        : [],
      primary_contact_id: contact.personId ?? '',
      custom_fields: Object.entries(contact.custom).map(([apiName, value], index) => ({
        index: index + 1,
        api_name: apiName,
        label: apiName,
        value,
      })),
      custom_field_hash: { ...contact.custom },
      created_time: booksTime(contact.created),
      last_modified_time: booksTime(contact.modified),
    };
  }

  private nameTaken(name: string, except: string | null): BooksContact | undefined {
    const wanted = name.trim().toLowerCase();
    for (const contact of this.contacts.map.values()) {
      if (contact.contact_id !== except && contact.contact_name.trim().toLowerCase() === wanted) return contact;
    }
    return undefined;
  }

  private upsertContact(headers: IncomingMessage['headers'], body: Json): Answer {
    const key = str(headers['x-unique-identifier-key']);
    const value = str(headers['x-unique-identifier-value']);
    if (!this.uniqueCustomFields.has(key)) {
      return { status: 400, body: { code: 4, message: `The custom field ${key} does not accept unique values.` } };
    }
    const existing = [...this.contacts.map.values()].find((contact) => contact.custom[key] === value);
    if (existing) return this.saveContact(existing, body, false);
    if (str(headers['x-upsert']) !== 'true')
      return { status: 404, body: { code: 1002, message: 'Contact does not exist.' } };
    return this.saveContact(null, body, true, { [key]: value });
  }

  /** Creates or updates a contact from a Books request body. */
  private saveContact(
    current: BooksContact | null,
    body: Json,
    create: boolean,
    custom: Record<string, string> = {},
  ): Answer {
    const name = current && body.contact_name === undefined ? current.contact_name : str(body.contact_name).trim();
    if (!name) return { status: 400, body: { code: 4, message: 'Please enter the contact name.' } };
    const clash = this.nameTaken(name, current?.contact_id ?? null);
    if (clash) {
      return {
        status: 400,
        body: { code: 3062, message: `The customer "${name}" already exists. Please specify a different name.` },
      };
    }
    const persons = Array.isArray(body.contact_persons) ? (body.contact_persons as Json[]) : null;
    const primary = persons ? (persons.find((p) => p.is_primary_contact) ?? persons[0]) : undefined;
    const billing = (body.billing_address ?? {}) as Json;
    for (const entry of Array.isArray(body.custom_fields) ? (body.custom_fields as Json[]) : []) {
      if (typeof entry.api_name === 'string') custom[entry.api_name] = str(entry.value);
    }
    const fields = {
      contact_name: name,
      company_name: body.company_name === undefined ? (current?.company_name ?? '') : str(body.company_name),
      notes: body.notes === undefined ? (current?.notes ?? '') : str(body.notes),
      gst_no: body.gst_no === undefined ? (current?.gst_no ?? '') : str(body.gst_no),
      email: persons ? str(primary?.email) : (current?.email ?? ''),
      phone: persons ? str(primary?.phone) : (current?.phone ?? ''),
      mobile: persons ? str(primary?.mobile) : (current?.mobile ?? ''),
      billing: {
        address: str(billing.address),
        street2: str(billing.street2),
        city: str(billing.city),
        state: str(billing.state),
        zip: str(billing.zip),
        country: str(billing.country),
      },
    };
    if (!body.billing_address && current) fields.billing = current.billing;
    if (current) {
      // A person sent without its id replaces the old one (Books drops persons left out of the list).
      const personId = persons
        ? primary
          ? str(primary.contact_person_id) || this.id('2608150001')
          : null
        : current.personId;
      const next = this.editContact(current.contact_id, {
        ...fields,
        personId,
        custom: { ...current.custom, ...custom },
      });
      return {
        status: 200,
        body: { code: 0, message: 'Contact has been updated successfully', contact: this.contactDetail(next) },
      };
    }
    if (!create) return { status: 404, body: { code: 1002, message: 'Contact does not exist.' } };
    const contact = this.addContact({
      ...fields,
      contact_type: body.contact_type === 'vendor' ? 'vendor' : 'customer',
      custom,
    });
    return {
      status: 201,
      body: { code: 0, message: 'The contact has been added.', contact: this.contactDetail(contact) },
    };
  }

  private invoiceRow(invoice: BooksInvoice): Json {
    const customer = this.contacts.map.get(invoice.customer_id);
    return {
      ...this.invoiceTemplate,
      invoice_id: invoice.invoice_id,
      customer_id: invoice.customer_id,
      customer_name: customer?.contact_name ?? '',
      company_name: customer?.company_name ?? '',
      status: invoice.status,
      current_sub_status: invoice.status,
      invoice_number: invoice.invoice_number,
      date: invoice.date,
      due_date: invoice.due_date,
      currency_code: invoice.currency_code,
      currency_symbol: invoice.currency_code === 'INR' ? '₹' : '$',
      total: invoice.total,
      balance: invoice.balance,
      created_time: booksTime(invoice.created),
      last_modified_time: booksTime(invoice.modified),
      updated_time: booksTime(invoice.modified),
    };
  }

  private invoiceDetail(invoice: BooksInvoice): Json {
    return {
      ...this.invoiceRow(invoice),
      line_items: invoice.lines.map((line, index) => ({
        line_item_id: line.line_item_id,
        item_order: index + 1,
        name: line.name,
        description: line.description,
        quantity: line.quantity,
        rate: line.rate,
        discount: 0,
        item_total: line.item_total,
      })),
      sub_total: invoice.total,
      payment_made: money(invoice.total - invoice.balance),
    };
  }

  private paymentRow(payment: BooksPayment): Json {
    return {
      payment_id: payment.payment_id,
      payment_number: payment.payment_number,
      customer_id: payment.customer_id,
      customer_name: this.contacts.map.get(payment.customer_id)?.contact_name ?? '',
      payment_mode: payment.payment_mode,
      date: payment.date,
      reference_number: payment.reference_number,
      amount: payment.amount,
      bank_charges: 0,
      unused_amount: 0,
      currency_code: payment.currency_code,
      description: '',
      created_time: booksTime(payment.created),
      last_modified_time: booksTime(payment.modified),
    };
  }

  private paymentDetail(payment: BooksPayment): Json {
    return {
      ...this.paymentRow(payment),
      status: 'success',
      invoices: payment.invoices.map((entry) => {
        const invoice = this.invoices.map.get(entry.invoice_id);
        return {
          invoice_id: entry.invoice_id,
          invoice_payment_id: `${payment.payment_id}${entry.invoice_id.slice(-4)}`,
          invoice_number: invoice?.invoice_number ?? '',
          date: invoice?.date ?? '',
          invoice_amount: invoice?.total ?? 0,
          amount_applied: entry.amount_applied,
          balance_amount: invoice?.balance ?? 0,
        };
      }),
    };
  }

  // ---- CRM -------------------------------------------------------------------------------------------------

  private crm(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingMessage['headers'],
    body: Json,
  ): Answer {
    if (path === '/org' && method === 'GET') {
      return {
        status: 200,
        body: {
          org: [{ company_name: 'Zylker Motors', id: '4150868000000225013', country_code: 'IN', currency: 'INR' }],
        },
      };
    }
    const [, module, id] = path.split('/');
    if (module !== 'Leads') {
      return {
        status: 400,
        body: {
          code: 'INVALID_MODULE',
          details: {},
          message: 'the module name given seems to be invalid',
          status: 'error',
        },
      };
    }
    if (id === 'upsert' && method === 'POST') return this.upsertLeads(body);
    if (!id && method === 'GET') return this.listLeads(query, headers);
    if (id && method === 'GET') {
      const lead = this.leads.map.get(id);
      if (!lead) return { status: 204 };
      const fields = query.get('fields')?.split(',') ?? null;
      return { status: 200, body: { data: [this.leadRecord(lead, fields)] } };
    }
    if (id && method === 'PUT') {
      const data = Array.isArray(body.data) ? (body.data as Json[]) : [];
      const lead = this.leads.map.get(id);
      if (!lead) {
        return {
          status: 400,
          body: {
            data: [
              {
                code: 'INVALID_DATA',
                details: { id },
                message: 'the related id given seems to be invalid',
                status: 'error',
              },
            ],
          },
        };
      }
      const result = this.writeLead(lead, data[0] ?? {}, 0);
      return { status: result.status === 'success' ? 200 : 400, body: { data: [result] } };
    }
    return {
      status: 405,
      body: {
        code: 'INVALID_REQUEST_METHOD',
        details: {},
        message: 'The http request method type is not a valid one',
        status: 'error',
      },
    };
  }

  private leadRecord(lead: CrmLead, fields: string[] | null): Json {
    const record: Json = {
      Owner: { name: 'Patricia Boyle', id: '111111000000044700', email: 'p.boyle@zylker.test' },
      ...lead.fields,
      id: lead.id,
      Created_Time: crmTime(lead.created),
      Modified_Time: crmTime(lead.modified),
    };
    if (!fields) return record;
    const picked: Json = { id: lead.id };
    for (const name of fields) picked[name] = record[name] ?? null;
    return picked;
  }

  private listLeads(query: URLSearchParams, headers: IncomingMessage['headers']): Answer {
    const fields = query.get('fields');
    if (!fields) {
      return {
        status: 400,
        body: {
          code: 'REQUIRED_PARAM_MISSING',
          details: { param: 'fields' },
          message: 'One of the expected parameter is missing',
          status: 'error',
        },
      };
    }
    const perPage = Math.min(200, Math.max(1, Number(query.get('per_page') ?? 200)));
    const tokenText = query.get('page_token');
    let since = 0;
    let offset = 0;
    let page = 1;
    if (tokenText) {
      const token = this.pageTokens.get(tokenText);
      if (!token) {
        return {
          status: 400,
          body: {
            code: 'INVALID_DATA',
            details: { param: 'page_token' },
            message: 'invalid page token',
            status: 'error',
          },
        };
      }
      ({ since, offset } = token);
    } else {
      page = Math.max(1, Number(query.get('page') ?? 1));
      // v7 serves the first 2,000 records by page only (https://www.zoho.com/crm/developer/docs/api/v7/get-records.html).
      if ((page - 1) * perPage >= 2_000) {
        return {
          status: 400,
          body: {
            code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
            details: {},
            message: 'cannot fetch more than 2000 records using page; use page_token',
            status: 'error',
          },
        };
      }
      offset = (page - 1) * perPage;
      const modifiedSince = headers['if-modified-since'];
      if (typeof modifiedSince === 'string') {
        const at = parseTime(modifiedSince);
        if (Number.isNaN(at)) {
          return {
            status: 400,
            body: {
              code: 'INVALID_DATA',
              details: { header: 'If-Modified-Since' },
              message: 'invalid data',
              status: 'error',
            },
          };
        }
        // Modified after the given time; the log's resolution is a second.
        since = at + 1_000;
      }
    }
    const rows = this.leads.slice(since, offset, perPage + 1);
    if (rows.length === 0) return { status: headers['if-modified-since'] || tokenText ? 304 : 204 };
    const more = rows.length > perPage;
    let nextToken: string | null = null;
    if (more) {
      nextToken = `${Math.random().toString(16).slice(2, 8)}xx${(++this.seq).toString(16)}`;
      this.pageTokens.set(nextToken, { since, offset: offset + perPage });
    }
    const sample = JSON.parse(
      zohoFixture('zoho_crm_get_records_v7_first_page_response__zoho_docs_v7_get-records.json'),
    ) as {
      info: Json;
    };
    const picked = fields.split(',');
    return {
      status: 200,
      body: {
        data: rows.slice(0, perPage).map((lead) => this.leadRecord(lead, picked)),
        info: {
          ...sample.info,
          per_page: perPage,
          next_page_token: nextToken,
          count: Math.min(rows.length, perPage),
          sort_by: query.get('sort_by') ?? 'Modified_Time',
          page: tokenText ? 1 : page,
          previous_page_token: null,
          page_token_expiry: nextToken ? crmTime(this.clock + 86_400_000) : null,
          sort_order: query.get('sort_order') ?? 'asc',
          more_records: more,
        },
      },
    };
  }

  private upsertLeads(body: Json): Answer {
    const data = Array.isArray(body.data) ? (body.data as Json[]) : [];
    const checks = Array.isArray(body.duplicate_check_fields) ? (body.duplicate_check_fields as string[]) : ['Email'];
    const sample = JSON.parse(zohoFixture('zoho_upsert_response__zoho_docs_v7_upsert-records-ext.json')) as {
      data: Json[];
    };
    const results = data.map((entry, index) => {
      let existing: CrmLead | undefined;
      let matched: string | null = null;
      for (const field of checks) {
        const value = entry[field];
        if (value === undefined || value === null || value === '') continue;
        existing = [...this.leads.map.values()].find((lead) => lead.fields[field] === value);
        if (existing) {
          matched = field;
          break;
        }
      }
      const result = this.writeLead(existing ?? null, entry, index);
      if (result.status !== 'success') return result;
      return {
        ...sample.data[0],
        ...result,
        duplicate_field: matched,
        action: existing ? 'update' : 'insert',
        message: existing ? 'record updated' : 'record added',
      };
    });
    const anyOk = results.some((r) => r.status === 'success');
    const anyInsert = results.some((r) => r.action === 'insert');
    return { status: anyOk ? (anyInsert ? 201 : 200) : 400, body: { data: results } };
  }

  /** Inserts (lead null) or updates one Lead; its data[] result entry. */
  private writeLead(lead: CrmLead | null, entry: Json, index: number): Json {
    const fields: Record<string, Value> = {};
    for (const [name, value] of Object.entries(entry)) {
      if (name === 'id' || name.startsWith('$')) continue;
      fields[name] = value === null || typeof value !== 'object' ? (value as Value) : JSON.stringify(value);
    }
    const merged = { ...lead?.fields, ...fields };
    if (!merged.Last_Name) {
      return {
        code: 'MANDATORY_NOT_FOUND',
        details: { api_name: 'Last_Name', json_path: `$.data[${index}].Last_Name` },
        message: 'required field not found',
        status: 'error',
      };
    }
    const email = merged.Email;
    if (typeof email === 'string' && email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      return {
        code: 'INVALID_DATA',
        details: { expected_data_type: 'email', api_name: 'Email', json_path: `$.data[${index}].Email` },
        message: 'invalid data',
        status: 'error',
      };
    }
    for (const field of this.uniqueLeadFields) {
      const value = fields[field];
      if (value === undefined || value === null || value === '') continue;
      const other = [...this.leads.map.values()].find((l) => l.id !== lead?.id && l.fields[field] === value);
      if (other) {
        return {
          code: 'DUPLICATE_DATA',
          details: {
            api_name: field,
            json_path: `$.data[${index}].${field}`,
            duplicate_record: { id: other.id, module: { api_name: 'Leads', id: '4150868000000002175' } },
          },
          message: 'duplicate data',
          status: 'error',
        };
      }
    }
    const saved = lead ? this.editLead(lead.id, fields) : this.addLead(fields);
    const who = { name: 'Patricia Boyle', id: '111111000000044700' };
    return {
      code: 'SUCCESS',
      details: {
        Modified_Time: crmTime(saved.modified),
        Modified_By: who,
        Created_Time: crmTime(saved.created),
        id: saved.id,
        Created_By: who,
      },
      message: lead ? 'record updated' : 'record added',
      status: 'success',
    };
  }
}

/** Starts the fake on 127.0.0.1, port 0. */
export async function startZohoFake(options: ZohoFakeOptions = {}): Promise<ZohoFake> {
  return new ZohoFake(options).start();
}
