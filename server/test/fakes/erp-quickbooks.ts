import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * A local QuickBooks Online (Accounting API v3) for one company, plus Intuit's OAuth token endpoint.
 *
 * Implements, under /v3/company/{realmId}/ (always with ?minorversion=):
 * - GET query?query=SELECT * | COUNT(*) FROM Customer|Invoice|Payment [WHERE a AND b ...] [ORDERBY f [DESC]]
 *   [STARTPOSITION n] [MAXRESULTS m]: conditions `=`, `>=`, `<=`, `>`, `<`, `IN (...)` on top-level fields and
 *   MetaData.LastUpdatedTime; Customer queries leave out inactive customers unless `Active` is in the WHERE (as
 *   QuickBooks does); pages shaped like qbo_query_customer_where_response / qbo_query_paging_exchanges (the page past
 *   the end is {"QueryResponse":{},"time":...}); an unknown entity gets the 4001 fault (qbo_query_validation_fault_4001).
 * - GET cdc?entities=..&changedSince=..: {"CDCResponse":[{"QueryResponse":[{<Entity>:[...],startPosition,
 *   maxResults} | {} per entity]}]} as in qbo_cdc_response; deleted rows {"domain","status":"Deleted","Id",
 *   "MetaData":{"LastUpdatedTime"}} (the JSON form of qbo_cdc_response_with_deleted.xml); at most `cdcLimit` (1,000)
 *   objects in all, oldest change first.
 * - GET customer/{id}, invoice/{id}, payment/{id}; a missing one gets fault 610 "Object Not Found" (text from the
 *   batch sample). GET companyinfo/{realmId} (no sample: shape from the CompanyInfo entity reference,
 *   https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo).
 * - POST customer[?requestid=]: create (shape of qbo_customer_create_response; duplicate DisplayName -> fault 6240
 *   from qbo_duplicate_name_fault_6240; no name at all -> 2020 "Required param missing", text from the error codes
 *   page https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes) and update (Id +
 *   SyncToken, `sparse`; a stale SyncToken -> HTTP 400 with the 5010 fault of the batch sample). A repeated
 *   requestid gets the first answer again and changes nothing, as QuickBooks documents for `requestid`.
 * - Bearer tokens: a wrong or expired one -> 401 with the lowercase fault of qbo_auth_401_fault_lowercase and
 *   WWW-Authenticate: Bearer realm="Intuit", error="invalid_token"; another realm -> 403 fault 3100
 *   (ApplicationAuthorizationFailed, from the error codes page).
 * - POST /oauth2/v1/tokens/bearer: refresh_token and authorization_code grants -> the qbo_oauth2_token_response
 *   shape with a new access token and a ROTATED refresh token; a revoked grant or an old refresh token -> 400
 *   qbo_oauth2_token_error_invalid_grant.
 * Faults: throttleNext (429 with the XML body of qbo_throttle_429_fault and Retry-After, or the legacy 403 one),
 * failNext (500 SystemFault), hangNext (no answer for a while), faultNext (any status and body, once),
 * expireAccessToken, revokeGrant. Records live in memory with string Ids and SyncTokens that change on every
 * update; times are written in the company's offset (-07:00 like the sandbox) from a clock tests can move.
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/erp/quickbooks');
export function qboFixture(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8');
}

export type QboEntityName = 'Customer' | 'Invoice' | 'Payment';
export type QboObject = Record<string, unknown> & { Id: string; SyncToken: string };

export interface QboRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
}

interface Entry {
  id: string;
  /** LastUpdatedTime in epoch ms, kept apart for fast CDC and filters. */
  ms: number;
  record: QboObject | null;
  /** Builds a bulk-seeded record on demand (keeps 200,000 invoices cheap). */
  make: ((n: number, entry: Entry) => QboObject) | null;
  n: number;
}

type Condition = (record: QboObject, entry: Entry) => boolean;

class Store {
  readonly entries = new Map<string, Entry>();
  /** Ids in creation order (ascending), the order queries page in. */
  readonly order: string[] = [];
  readonly tombstones = new Map<string, number>();
  nextId = 1;
  /** Whether ids were removed from `entries` but are still in `order`. */
  holes = false;

  add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.order.push(entry.id);
  }

  /** A record to read (a bulk one is built afresh and not kept, so reading 200,000 stays light). */
  get(id: string): QboObject | null {
    const entry = this.entries.get(id);
    return entry ? peek(entry) : null;
  }

  remove(id: string, ms: number): void {
    if (!this.entries.delete(id)) return;
    this.tombstones.set(id, ms);
    this.holes = true;
  }

  ids(): string[] {
    if (this.holes) {
      const kept = this.order.filter((id) => this.entries.has(id));
      this.order.length = 0;
      this.order.push(...kept);
      this.holes = false;
    }
    return this.order;
  }
}

function peek(entry: Entry): QboObject {
  if (entry.record) return entry.record;
  if (!entry.make) throw new Error(`entry ${entry.id} has no record`);
  return entry.make(entry.n, entry);
}

/** A record to change: a bulk one is kept from now on. */
function materialize(entry: Entry): QboObject {
  if (!entry.record && entry.make) entry.record = entry.make(entry.n, entry);
  if (!entry.record) throw new Error(`entry ${entry.id} has no record`);
  return entry.record;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A time as QuickBooks writes it, in the company's offset; `millis` for the envelope's "time". */
export function qboTime(ms: number, offsetMinutes: number, millis = false): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, millis ? 23 : 19);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

class Fault extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`fault ${status}`);
    this.status = status;
    this.body = body;
  }
}

export interface StartOptions {
  realmId?: string;
  clientId?: string;
  clientSecret?: string;
  companyName?: string;
  /** The company's UTC offset in minutes (QuickBooks writes every time in it). */
  offsetMinutes?: number;
}

export interface CustomerInput {
  DisplayName?: string;
  GivenName?: string;
  FamilyName?: string;
  CompanyName?: string;
  PrimaryEmailAddr?: { Address: string };
  PrimaryPhone?: { FreeFormNumber: string };
  Mobile?: { FreeFormNumber: string };
  BillAddr?: Record<string, string>;
  Notes?: string;
  Active?: boolean;
}

export interface InvoiceInput {
  customerId: string;
  docNumber?: string;
  txnDate?: string;
  dueDate?: string;
  currency?: string;
  lines: { description?: string; qty: number; unitPrice: number; itemId?: string; itemName?: string }[];
  /** Defaults to the total. */
  balance?: number;
}

export interface PaymentInput {
  customerId: string;
  amount: number;
  txnDate?: string;
  refNum?: string;
  /** Invoices paid, with the amount applied to each (the invoices' Balance goes down, their time moves). */
  invoices: { id: string; amount: number }[];
}

export class FakeQuickbooks {
  readonly requests: QboRequest[] = [];
  readonly customers = new Store();
  readonly invoices = new Store();
  readonly payments = new Store();
  readonly realmId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  companyName: string;
  offsetMinutes: number;
  /** Objects one CDC answer holds at most, over all its entities. */
  cdcLimit = 1000;
  /** The largest MAXRESULTS honoured. */
  maxResultsLimit = 1000;
  url = '';
  tokenUrl = '';
  accessToken = 'fake-qbo-access-0';
  refreshToken = 'fake-qbo-refresh-0';
  /** Every refresh token ever issued, so that an old one can be told from a made-up one. */
  private tokenSerial = 0;
  private accessValid = true;
  private revoked = false;
  private clockOffsetMs = 0;
  private throttles: { left: number; retryAfter: number; status: 429 | 403 } | null = null;
  private failures: { status: number; body: unknown; headers: Record<string, string> }[] = [];
  private hangs: number[] = [];
  private readonly answered = new Map<string, { status: number; body: unknown }>();
  private readonly names = new Map<string, string>();
  private server: Server | null = null;

  constructor(options: StartOptions = {}) {
    this.realmId = options.realmId ?? '9341455130166501';
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.companyName = options.companyName ?? 'Sandbox Company_US_1';
    this.offsetMinutes = options.offsetMinutes ?? -420;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.url = base;
    this.tokenUrl = `${base}/oauth2/v1/tokens/bearer`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** Settings and secrets for a connection to this fake, tokens current. */
  connection(): { settings: Record<string, unknown>; secrets: Record<string, string> } {
    return {
      settings: { baseUrl: this.url, realmId: this.realmId, minorVersion: '75', tokenUrl: this.tokenUrl },
      secrets: {
        clientId: this.clientId,
        clientSecret: this.clientSecret,
        accessToken: this.accessToken,
        refreshToken: this.refreshToken,
        expiresAt: String(Date.now() + 3600_000),
      },
    };
  }

  // ------------------------------------------------------------------------------------------ clock

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the company's clock (record times, CDC, the envelope "time"). */
  advance(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  // ------------------------------------------------------------------------------------------ fault switches

  /** The next `count` API calls get the throttle fault (XML, as QuickBooks sends it even to JSON clients). */
  throttleNext(count: number, retryAfterSeconds = 1, status: 429 | 403 = 429): void {
    this.throttles = { left: count, retryAfter: retryAfterSeconds, status };
  }

  /** The next API call gets a 500 SystemFault (or the given status). */
  failNext(status = 500): void {
    const body = {
      Fault: {
        Error: [
          {
            Message: 'An application error has occurred while processing your request',
            Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data.',
            code: '10000',
          },
        ],
        type: 'SystemFault',
      },
      time: this.envelopeTime(),
    };
    this.failures.push({ status, body, headers: {} });
  }

  /** The next API call answers with this status and body (a sample's fault, say), once. */
  faultNext(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.failures.push({ status, body, headers });
  }

  /** The next API call gets no answer for `ms` (longer than the client's timeout). */
  hangNext(ms = 10_000): void {
    this.hangs.push(ms);
  }

  /** The current access token stops working (it expired early); a refresh gets a new one. */
  expireAccessToken(): void {
    this.accessValid = false;
  }

  /** The same, under the name the other ERP fakes use. */
  expireSession(): void {
    this.expireAccessToken();
  }

  /** The user disconnected the app: every refresh gets invalid_grant from now on. */
  revokeGrant(): void {
    this.revoked = true;
    this.accessValid = false;
  }

  // ------------------------------------------------------------------------------------------ records

  private store(entity: string): Store | null {
    const key = entity.toLowerCase();
    if (key === 'customer') return this.customers;
    if (key === 'invoice') return this.invoices;
    if (key === 'payment') return this.payments;
    return null;
  }

  private meta(createMs: number, updateMs: number): Record<string, string> {
    return {
      CreateTime: qboTime(createMs, this.offsetMinutes),
      LastUpdatedTime: qboTime(updateMs, this.offsetMinutes),
    };
  }

  private touch(entry: Entry, record: QboObject): void {
    const ms = Math.max(this.now(), entry.ms + 1000);
    entry.ms = ms;
    record.SyncToken = String(Number(record.SyncToken) + 1);
    const meta = (record.MetaData ?? {}) as Record<string, string>;
    record.MetaData = { ...meta, LastUpdatedTime: qboTime(ms, this.offsetMinutes) };
    entry.record = record;
  }

  private customerRecord(id: string, input: CustomerInput, ms: number): QboObject {
    const display =
      input.DisplayName ??
      input.CompanyName ??
      ([input.GivenName, input.FamilyName].filter(Boolean).join(' ') || `Customer ${id}`);
    const record: QboObject = {
      Taxable: false,
      Job: false,
      BillWithParent: false,
      Balance: 0,
      BalanceWithJobs: 0,
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      PreferredDeliveryMethod: 'Print',
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: '0',
      MetaData: this.meta(ms, ms),
      FullyQualifiedName: display,
      DisplayName: display,
      PrintOnCheckName: input.CompanyName ?? display,
      Active: input.Active ?? true,
    };
    for (const key of ['GivenName', 'FamilyName', 'CompanyName', 'Notes'] as const) {
      if (input[key] !== undefined) record[key] = input[key];
    }
    if (input.PrimaryEmailAddr) record.PrimaryEmailAddr = { ...input.PrimaryEmailAddr };
    if (input.PrimaryPhone) record.PrimaryPhone = { ...input.PrimaryPhone };
    if (input.Mobile) record.Mobile = { ...input.Mobile };
    if (input.BillAddr) record.BillAddr = { Id: String(100 + Number(id)), ...input.BillAddr };
    return record;
  }

  /** A customer as a bookkeeper would key it in. */
  addCustomer(input: CustomerInput = {}): QboObject {
    const id = String(this.customers.nextId++);
    const ms = this.now();
    const record = this.customerRecord(id, input, ms);
    this.customers.add({ id, ms, record, make: null, n: 0 });
    this.names.set(String(record.DisplayName).toLowerCase(), id);
    return record;
  }

  private invoiceRecord(id: string, input: InvoiceInput, ms: number): QboObject {
    const lines = input.lines.map((line, i) => ({
      Id: String(i + 1),
      LineNum: i + 1,
      ...(line.description ? { Description: line.description } : {}),
      Amount: round2(line.qty * line.unitPrice),
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: {
        ItemRef: { value: line.itemId ?? '1', name: line.itemName ?? 'Services' },
        UnitPrice: line.unitPrice,
        Qty: line.qty,
        TaxCodeRef: { value: 'NON' },
      },
    }));
    const total = round2(lines.reduce((sum, line) => sum + line.Amount, 0));
    const customer = this.customers.get(input.customerId);
    const date = input.txnDate ?? qboTime(ms, this.offsetMinutes).slice(0, 10);
    return {
      AllowIPNPayment: false,
      AllowOnlinePayment: false,
      AllowOnlineCreditCardPayment: false,
      AllowOnlineACHPayment: false,
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: '0',
      MetaData: this.meta(ms, ms),
      CustomField: [],
      DocNumber: input.docNumber ?? String(1000 + Number(id)),
      TxnDate: date,
      CurrencyRef: { value: input.currency ?? 'USD', name: 'United States Dollar' },
      LinkedTxn: [],
      Line: [...lines, { Amount: total, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }],
      TxnTaxDetail: { TotalTax: 0 },
      CustomerRef: { value: input.customerId, name: String(customer?.DisplayName ?? '') },
      DueDate: input.dueDate ?? date,
      TotalAmt: total,
      ApplyTaxAfterDiscount: false,
      PrintStatus: 'NeedToPrint',
      EmailStatus: 'NotSet',
      Balance: input.balance ?? total,
    };
  }

  addInvoice(input: InvoiceInput): QboObject {
    const id = String(this.invoices.nextId++);
    const ms = this.now();
    const record = this.invoiceRecord(id, input, ms);
    this.invoices.add({ id, ms, record, make: null, n: 0 });
    return record;
  }

  private paymentRecord(id: string, input: PaymentInput, ms: number): QboObject {
    const applied = input.invoices.reduce((sum, i) => sum + i.amount, 0);
    return {
      CustomerRef: { value: input.customerId, name: String(this.customers.get(input.customerId)?.DisplayName ?? '') },
      DepositToAccountRef: { value: '4' },
      TotalAmt: round2(input.amount),
      UnappliedAmt: round2(input.amount - applied),
      ProcessPayment: false,
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: '0',
      MetaData: this.meta(ms, ms),
      TxnDate: input.txnDate ?? qboTime(ms, this.offsetMinutes).slice(0, 10),
      ...(input.refNum ? { PaymentRefNum: input.refNum } : {}),
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      Line: input.invoices.map((invoice) => ({
        Amount: round2(invoice.amount),
        LinkedTxn: [{ TxnId: invoice.id, TxnType: 'Invoice' }],
      })),
    };
  }

  /** A payment received against invoices: their Balance goes down and they change (CDC shows them again). */
  addPayment(input: PaymentInput): QboObject {
    const id = String(this.payments.nextId++);
    const ms = this.now();
    const record = this.paymentRecord(id, input, ms);
    this.payments.add({ id, ms, record, make: null, n: 0 });
    for (const applied of input.invoices) {
      const entry = this.invoices.entries.get(applied.id);
      if (!entry) continue;
      const invoice = materialize(entry);
      invoice.Balance = round2(Number(invoice.Balance) - applied.amount);
      invoice.LinkedTxn = [...((invoice.LinkedTxn as unknown[]) ?? []), { TxnId: id, TxnType: 'Payment' }];
      this.touch(entry, invoice);
    }
    return record;
  }

  /** Changes a record "in QuickBooks" (top-level fields): new SyncToken, new LastUpdatedTime. */
  edit(entity: QboEntityName, id: string, patch: Record<string, unknown>): QboObject {
    const store = this.store(entity);
    const entry = store?.entries.get(id);
    if (!entry) throw new Error(`no ${entity} ${id}`);
    const record = materialize(entry);
    if (entity === 'Customer' && typeof patch.DisplayName === 'string') {
      this.names.delete(String(record.DisplayName).toLowerCase());
      this.names.set(patch.DisplayName.toLowerCase(), id);
    }
    Object.assign(record, patch);
    this.touch(entry, record);
    return record;
  }

  /** Deletes an invoice or payment (CDC reports it with status "Deleted"); customers can only be made inactive. */
  remove(entity: 'Invoice' | 'Payment', id: string): void {
    this.store(entity)?.remove(id, this.now());
  }

  /**
   * Deterministic synthetic data: `customers` customers, `invoices` invoices spread over them (two lines each),
   * and `payments` payments, each paying one invoice in full. Records are built when first read, so 50,000
   * customers and 200,000 invoices seed in well under a second. Their times lie in early 2026.
   */
  seedBulk(counts: { customers?: number; invoices?: number; payments?: number }): void {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const nCustomers = counts.customers ?? 0;
    const nInvoices = counts.invoices ?? 0;
    const nPayments = Math.min(counts.payments ?? 0, nInvoices);
    const firstCustomer = this.customers.nextId;
    const firstInvoice = this.invoices.nextId;
    const firstPayment = this.payments.nextId;
    const customerIds = nCustomers > 0 ? { first: firstCustomer, count: nCustomers } : null;
    const customerOf = (n: number): string =>
      customerIds
        ? String(customerIds.first + (n % customerIds.count))
        : String(1 + (n % Math.max(1, firstCustomer - 1)));
    const invoiceLines = (n: number) => [
      { description: `Consulting hours #${n}`, qty: 1 + (n % 5), unitPrice: 40 + (n % 7) * 5.5, itemId: '1' },
      { description: 'Travel', qty: 1, unitPrice: 12.25 + (n % 3), itemId: '2', itemName: 'Travel' },
    ];
    const paidInvoices = nPayments;

    const makeCustomer = (n: number, entry: Entry): QboObject => {
      const record = this.customerRecord(
        entry.id,
        {
          DisplayName: `Bulk Customer ${entry.id}`,
          GivenName: `Given${n}`,
          FamilyName: `Family${n}`,
          CompanyName: `Bulk Company ${entry.id}`,
          PrimaryEmailAddr: { Address: `customer${entry.id}@example.com` },
          PrimaryPhone: { FreeFormNumber: `(555) ${String(100 + (n % 900))}-${String(n % 10000).padStart(4, '0')}` },
          BillAddr: { Line1: `${1 + (n % 999)} Main St.`, City: 'Middlefield', PostalCode: '94303', Country: 'USA' },
        },
        entry.ms,
      );
      return record;
    };
    for (let n = 0; n < nCustomers; n++) {
      const id = String(this.customers.nextId++);
      this.customers.add({ id, ms: base + n * 1000, record: null, make: makeCustomer, n });
      this.names.set(`bulk customer ${id}`, id);
    }

    const makeInvoice = (n: number, entry: Entry): QboObject => {
      const record = this.invoiceRecord(entry.id, { customerId: customerOf(n), lines: invoiceLines(n) }, entry.ms);
      record.TxnDate = qboTime(entry.ms, this.offsetMinutes).slice(0, 10);
      record.DueDate = qboTime(entry.ms + 30 * 86_400_000, this.offsetMinutes).slice(0, 10);
      if (n < paidInvoices) {
        record.Balance = 0;
        record.LinkedTxn = [{ TxnId: String(firstPayment + n), TxnType: 'Payment' }];
      }
      return record;
    };
    for (let n = 0; n < nInvoices; n++) {
      const id = String(this.invoices.nextId++);
      this.invoices.add({ id, ms: base + n * 1000, record: null, make: makeInvoice, n });
    }

    const makePayment = (n: number, entry: Entry): QboObject => {
      const total = round2(invoiceLines(n).reduce((sum, l) => sum + round2(l.qty * l.unitPrice), 0));
      return this.paymentRecord(
        entry.id,
        {
          customerId: customerOf(n),
          amount: total,
          refNum: `CHK-${n}`,
          invoices: [{ id: String(firstInvoice + n), amount: total }],
        },
        entry.ms,
      );
    };
    for (let n = 0; n < nPayments; n++) {
      const id = String(this.payments.nextId++);
      this.payments.add({ id, ms: base + (n + 1) * 1000 + 500, record: null, make: makePayment, n });
    }
  }

  // ------------------------------------------------------------------------------------------ HTTP

  private envelopeTime(): string {
    return qboTime(this.now(), this.offsetMinutes, true);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = status < 300 ? 'application/json;charset=utf-8' : 'application/json';
    res.writeHead(status, {
      'content-type': type,
      'intuit-tid': `1-${Math.floor(this.now() / 1000).toString(16)}-fake`,
      ...headers,
    });
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await this.readBody(req);
    const method = req.method ?? 'GET';
    // The client secret stays out of the log (the tokens are the fake's own).
    const logged = body.replace(/(client_secret=)[^&]*/, '$1***');
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: logged });

    if (url.pathname === '/oauth2/v1/tokens/bearer' && method === 'POST') {
      this.token(res, new URLSearchParams(body));
      return;
    }
    const hang = this.hangs.shift();
    if (hang !== undefined) {
      await new Promise((ok) => setTimeout(ok, hang));
      if (res.destroyed || req.destroyed) return;
    }
    const auth = req.headers.authorization ?? '';
    if (!this.accessValid || auth !== `Bearer ${this.accessToken}`) {
      this.send(res, 401, qboFixture('qbo_auth_401_fault_lowercase__minimul_qbo_api_vcr.json'), {
        'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"',
      });
      return;
    }
    if (this.throttles && this.throttles.left > 0) {
      this.throttles.left--;
      const { status, retryAfter } = this.throttles;
      const file =
        status === 429
          ? 'qbo_throttle_429_fault__ruckus_quickbooks-ruby.xml'
          : 'qbo_throttle_403_fault_legacy__ruckus_quickbooks-ruby.xml';
      res.writeHead(status, {
        'content-type': 'application/xml',
        ...(status === 429 ? { 'retry-after': String(retryAfter) } : {}),
      });
      res.end(qboFixture(file));
      return;
    }
    const failure = this.failures.shift();
    if (failure) {
      this.send(res, failure.status, failure.body, failure.headers);
      return;
    }
    try {
      const [status, answer] = this.api(method, url, body);
      this.send(res, status, answer);
    } catch (error) {
      if (error instanceof Fault) this.send(res, error.status, error.body);
      else throw error;
    }
  }

  private token(res: ServerResponse, form: URLSearchParams): void {
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      this.send(res, 401, { error: 'invalid_client' });
      return;
    }
    const grant = form.get('grant_type');
    const ok =
      !this.revoked &&
      ((grant === 'refresh_token' && form.get('refresh_token') === this.refreshToken) ||
        (grant === 'authorization_code' && Boolean(form.get('code'))));
    if (!ok) {
      this.send(
        res,
        400,
        qboFixture('qbo_oauth2_token_error_invalid_grant__intuit_oauth-jsclient_errorResponse_mock.json'),
      );
      return;
    }
    this.tokenSerial++;
    this.accessToken = `fake-qbo-access-${this.tokenSerial}`;
    this.refreshToken = `fake-qbo-refresh-${this.tokenSerial}`;
    this.accessValid = true;
    const answer = JSON.parse(
      qboFixture('qbo_oauth2_token_response__intuit_oauth-jsclient_authResponse_mock.json'),
    ) as Record<string, unknown>;
    answer.access_token = this.accessToken;
    answer.refresh_token = this.refreshToken;
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', intuit_tid: `fake-${this.tokenSerial}` });
    res.end(JSON.stringify(answer));
  }

  private fault(status: number, code: string, message: string, detail: string, type = 'ValidationFault'): Fault {
    return new Fault(status, {
      Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type },
      time: this.envelopeTime(),
    });
  }

  private notFound(): Fault {
    return this.fault(
      400,
      '610',
      'Object Not Found',
      "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
    );
  }

  private api(method: string, url: URL, body: string): [number, unknown] {
    const match = /^\/v3\/company\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match) return [404, { Fault: { Error: [{ Message: 'Not found', code: '404' }], type: 'SERVICE' } }];
    if (match[1] !== this.realmId) {
      throw this.fault(
        403,
        '3100',
        'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
        '',
        'SERVICE',
      );
    }
    const [resource, id] = (match[2] ?? '').split('/');
    const params = url.searchParams;
    if (method === 'GET' && resource === 'query') return [200, this.query(params.get('query') ?? '')];
    if (method === 'GET' && resource === 'cdc')
      return [200, this.cdc(params.get('entities') ?? '', params.get('changedSince'))];
    if (method === 'GET' && resource === 'companyinfo') return [200, this.companyInfo()];
    const store = this.store(resource ?? '');
    if (method === 'GET' && store && id) {
      const record = store.get(decodeURIComponent(id));
      if (!record) throw this.notFound();
      return [200, { [entityName(resource ?? '')]: record, time: this.envelopeTime() }];
    }
    if (method === 'POST' && resource === 'customer') return this.postCustomer(params.get('requestid'), body);
    return [400, { Fault: { Error: [{ Message: 'Unsupported operation', code: '500' }], type: 'ValidationFault' } }];
  }

  private companyInfo(): Record<string, unknown> {
    return {
      CompanyInfo: {
        CompanyName: this.companyName,
        LegalName: this.companyName,
        CompanyAddr: {
          Id: '1',
          Line1: '123 Sierra Way',
          City: 'San Pablo',
          CountrySubDivisionCode: 'CA',
          PostalCode: '87999',
        },
        Country: 'US',
        domain: 'QBO',
        sparse: false,
        Id: '1',
        SyncToken: '4',
        MetaData: this.meta(Date.parse('2026-04-01T10:00:00Z'), Date.parse('2026-04-01T10:00:00Z')),
      },
      time: this.envelopeTime(),
    };
  }

  private postCustomer(requestId: string | null, raw: string): [number, unknown] {
    const key = requestId ? `customer:${requestId}` : null;
    const earlier = key ? this.answered.get(key) : undefined;
    if (earlier) return [earlier.status, earlier.body];
    let result: [number, unknown];
    try {
      result = [
        200,
        { Customer: this.writeCustomer(JSON.parse(raw) as Record<string, unknown>), time: this.envelopeTime() },
      ];
    } catch (error) {
      if (!(error instanceof Fault)) {
        result = [
          400,
          {
            Fault: {
              Error: [{ Message: 'Request has invalid or unsupported property', code: '2010' }],
              type: 'ValidationFault',
            },
          },
        ];
      } else result = [error.status, error.body];
    }
    if (key) this.answered.set(key, { status: result[0], body: result[1] });
    return result;
  }

  private writeCustomer(input: Record<string, unknown>): QboObject {
    const name = typeof input.DisplayName === 'string' ? input.DisplayName.trim() : '';
    if (typeof input.Id === 'string') {
      const entry = this.customers.entries.get(input.Id);
      if (!entry) throw this.notFound();
      const record = materialize(entry);
      if (input.SyncToken !== record.SyncToken) {
        const stale = JSON.parse(qboFixture('qbo_batch_response_stale_synctoken_5010__minimul_qbo_api_vcr.json')) as {
          BatchItemResponse: { Fault?: unknown }[];
        };
        throw new Fault(400, { Fault: stale.BatchItemResponse[2]?.Fault, time: this.envelopeTime() });
      }
      if (name && name.toLowerCase() !== String(record.DisplayName).toLowerCase()) this.checkName(name);
      const { Id: _id, SyncToken: _token, sparse, MetaData: _meta, domain: _domain, ...changes } = input;
      if (sparse !== true) {
        // A full update: what the body leaves out is cleared.
        for (const field of [
          'GivenName',
          'FamilyName',
          'CompanyName',
          'Notes',
          'PrimaryEmailAddr',
          'PrimaryPhone',
          'Mobile',
          'BillAddr',
        ]) {
          if (!(field in changes)) delete record[field];
        }
      }
      return this.edit('Customer', record.Id, {
        ...changes,
        ...(name ? { DisplayName: name, FullyQualifiedName: name } : {}),
      });
    }
    const display =
      name ||
      (typeof input.CompanyName === 'string' ? input.CompanyName : '') ||
      [input.GivenName, input.FamilyName].filter((p) => typeof p === 'string' && p).join(' ');
    if (!display) {
      throw this.fault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        'Required parameter DisplayName is missing in the request',
      );
    }
    this.checkName(display);
    return this.addCustomer({ ...(input as CustomerInput), DisplayName: display });
  }

  private checkName(name: string): void {
    if (this.names.has(name.toLowerCase())) {
      throw new Fault(400, {
        ...(JSON.parse(qboFixture('qbo_duplicate_name_fault_6240__minimul_qbo_api_vcr.json')) as object),
        time: this.envelopeTime(),
      });
    }
  }

  // ------------------------------------------------------------------------------------------ query language

  private query(sql: string): Record<string, unknown> {
    let text = sql.trim();
    let start = 1;
    let max = 100;
    text = text.replace(/\s+STARTPOSITION\s+(\d+)/i, (_m, n: string) => {
      start = Math.max(1, Number(n));
      return '';
    });
    text = text.replace(/\s+MAXRESULTS\s+(\d+)/i, (_m, n: string) => {
      max = Math.min(this.maxResultsLimit, Math.max(1, Number(n)));
      return '';
    });
    const parsed =
      /^SELECT\s+(\*|COUNT\(\*\))\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s*BY\s+([\w.]+)(?:\s+(ASC|DESC))?)?$/i.exec(
        text,
      );
    if (!parsed) {
      throw this.fault(400, '4000', 'Error parsing query', `QueryParserError: Encountered an error parsing: ${sql}`);
    }
    const [, what, entityRaw, where, orderBy, direction] = parsed;
    const store = this.store(entityRaw ?? '');
    if (!store) {
      throw new Fault(400, {
        Fault: {
          Error: [
            {
              Message: 'Invalid query',
              Detail: `QueryValidationError: invalid context declaration: ${entityRaw}`,
              code: '4001',
            },
          ],
          type: 'ValidationFault',
        },
        time: this.envelopeTime(),
      });
    }
    const entity = entityName(entityRaw ?? '');
    const conditions = (where ? where.split(/\s+AND\s+/i).map((c) => this.condition(c)) : []).filter(
      (c): c is Condition => c !== null,
    );
    if (entity === 'Customer' && !/\bActive\b/i.test(where ?? '')) conditions.push((r) => r.Active !== false);
    const counting = what?.toUpperCase() !== '*';

    const ids = store.ids();
    let rows: QboObject[];
    if (conditions.length === 0 && !orderBy && !counting) {
      // Fast path for plain paging: no scan of the whole table.
      rows = ids.slice(start - 1, start - 1 + max).map((id) => store.get(id) as QboObject);
    } else {
      const all: { r: QboObject; ms: number }[] = [];
      const limit = orderBy || counting ? Number.POSITIVE_INFINITY : start - 1 + max;
      for (const id of ids) {
        const entry = store.entries.get(id);
        if (!entry) continue;
        const record = peek(entry);
        if (conditions.every((c) => c(record, entry))) all.push({ r: record, ms: entry.ms });
        if (all.length >= limit) break;
      }
      if (counting) return { QueryResponse: { totalCount: all.length }, time: this.envelopeTime() };
      if (orderBy) {
        const sign = direction?.toUpperCase() === 'DESC' ? -1 : 1;
        all.sort((a, b) =>
          orderBy === 'MetaData.LastUpdatedTime'
            ? sign * (a.ms - b.ms)
            : sign * compare(field(a.r, orderBy), field(b.r, orderBy)),
        );
      }
      rows = all.slice(start - 1, start - 1 + max).map((x) => x.r);
    }
    if (rows.length === 0) return { QueryResponse: {}, time: this.envelopeTime() };
    return {
      QueryResponse: { [entity]: rows, startPosition: start, maxResults: rows.length },
      time: this.envelopeTime(),
    };
  }

  /** A WHERE condition as a test, or null when it holds for every row (`Active IN (true, false)`). */
  private condition(text: string): Condition | null {
    const inList = /^([\w.]+)\s+IN\s*\((.*)\)$/i.exec(text.trim());
    if (inList) {
      const values = (inList[2] ?? '').split(',').map((v) => literal(v.trim()));
      const name = inList[1] ?? '';
      if (name === 'Active' && values.includes(true) && values.includes(false)) return null;
      return (record) => values.some((v) => equal(field(record, name), v));
    }
    const cmp = /^([\w.]+)\s*(>=|<=|=|>|<)\s*(.+)$/.exec(text.trim());
    if (!cmp) throw this.fault(400, '4000', 'Error parsing query', `QueryParserError: Encountered "${text}"`);
    const [, name = '', op, raw = ''] = cmp;
    const value = literal(raw.trim());
    const isTime = name === 'MetaData.LastUpdatedTime' || name === 'MetaData.CreateTime';
    const valueMs = isTime ? Date.parse(String(value)) : Number.NaN;
    return (record, entry) => {
      const c = isTime
        ? (name === 'MetaData.LastUpdatedTime' ? entry.ms : Date.parse(String(field(record, name)))) - valueMs
        : compare(field(record, name), value);
      if (op === '=') return isTime ? c === 0 : equal(field(record, name), value);
      if (op === '>=') return c >= 0;
      if (op === '<=') return c <= 0;
      if (op === '>') return c > 0;
      return c < 0;
    };
  }

  private cdc(entities: string, changedSince: string | null): Record<string, unknown> {
    const since = Date.parse(changedSince ?? '');
    if (Number.isNaN(since)) {
      throw this.fault(
        400,
        '2010',
        'Request has invalid or unsupported property',
        `Property Name:changedSince invalid`,
      );
    }
    let budget = this.cdcLimit;
    const responses: Record<string, unknown>[] = [];
    for (const raw of entities.split(',')) {
      const store = this.store(raw.trim());
      if (!store || budget <= 0) {
        responses.push({});
        continue;
      }
      const name = entityName(raw.trim());
      const changed: { ms: number; row: Record<string, unknown> }[] = [];
      for (const entry of store.entries.values()) {
        if (entry.ms >= since) changed.push({ ms: entry.ms, row: peek(entry) });
      }
      for (const [id, ms] of store.tombstones) {
        if (ms >= since) {
          changed.push({
            ms,
            row: {
              domain: 'QBO',
              status: 'Deleted',
              Id: id,
              MetaData: { LastUpdatedTime: qboTime(ms, this.offsetMinutes) },
            },
          });
        }
      }
      changed.sort((a, b) => a.ms - b.ms);
      const rows = changed.slice(0, budget).map((c) => c.row);
      budget -= rows.length;
      responses.push(rows.length ? { [name]: rows, startPosition: 1, maxResults: rows.length } : {});
    }
    return { CDCResponse: [{ QueryResponse: responses }], time: this.envelopeTime() };
  }
}

function entityName(resource: string): QboEntityName {
  const lower = resource.toLowerCase();
  return lower === 'invoice' ? 'Invoice' : lower === 'payment' ? 'Payment' : 'Customer';
}

function literal(raw: string): unknown {
  if (/^'.*'$/s.test(raw)) return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function field(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function equal(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return String(a) === String(b);
}

function compare(a: unknown, b: unknown): number {
  const x = Number(a);
  const y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** A started fake QuickBooks company on 127.0.0.1 (port 0). */
export async function startFakeQuickbooks(options: StartOptions = {}): Promise<FakeQuickbooks> {
  return new FakeQuickbooks(options).start();
}
