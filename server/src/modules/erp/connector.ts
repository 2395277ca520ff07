import type { TObject } from 'typebox';

/**
 * The connector framework's contract. A connector (Tally, QuickBooks Online, Zoho Books, Zoho CRM, SAP Business
 * One) is one file under `connectors/` exporting a `Connector`; the sync engine (erp.sync.ts, erp.push.ts) knows
 * nothing about any vendor. It talks to its ERP only through `ctx.http` (timeouts, the vendor's rate limit, 429
 * waits) and keeps credentials only through `ctx.secrets` / `ctx.saveSecrets` (sealed by the framework).
 */

export type ErpEntity = 'customer' | 'invoice' | 'payment';

export type FieldValue = string | number | boolean | null;

/** A customer (or, for Zoho CRM, a lead) as the ERP holds it: the connector's own field names, flat. */
export interface ExternalCustomer {
  externalId: string;
  /** The ERP's version token: QuickBooks SyncToken, Tally AlterID, SAP UpdateDate+UpdateTime, Zoho Modified_Time. */
  version: string | null;
  /** When the ERP last changed it (ISO 8601), for last-writer-wins. */
  updatedAt: string | null;
  fields: Record<string, FieldValue>;
  /** True when the ERP reports it deleted (CDC, Tally's deleted masters). */
  deleted?: boolean;
}

export interface InvoiceLine {
  description: string | null;
  quantity: number | null;
  rate: number | null;
  amount: number;
}

/** An invoice as every connector reports it: amounts in the invoice's currency, dates YYYY-MM-DD. */
export interface ExternalInvoice {
  externalId: string;
  customerExternalId: string;
  number: string | null;
  date: string;
  dueDate: string | null;
  currency: string | null;
  total: number;
  /** What is still owed on it. */
  balance: number;
  status: string | null;
  lines: InvoiceLine[];
  updatedAt: string | null;
  deleted?: boolean;
}

export interface ExternalPayment {
  externalId: string;
  customerExternalId: string;
  date: string;
  amount: number;
  currency: string | null;
  reference: string | null;
  /** The invoices it pays (their external ids). */
  invoiceExternalIds: string[];
  updatedAt: string | null;
  deleted?: boolean;
}

/** One page of an incremental read, and the checkpoint to read on from (stored only after the page is written). */
export interface Page<T> {
  records: T[];
  checkpoint: string | null;
  /** Whether another page follows now (false: caught up until the ERP changes again). */
  more: boolean;
}

/** A customer field the connector can write and read, offered in the mapping editor. */
export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'email' | 'phone' | 'number';
  required?: boolean;
  maxLength?: number;
}

/** A suggested mapping entry: a lead catalog field (API name) to a connector field. */
export interface DefaultMapping {
  leadField: string;
  erpField: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (throws ErpError 'unavailable' when it is not JSON). */
  json<T = unknown>(): T;
}

export interface ConnectorContext {
  /** The connection's non-secret settings, valid against the connector's `settings` schema. */
  settings: Record<string, unknown>;
  /** The connection's opened secrets (passwords, OAuth tokens, session cookies), by name. */
  secrets: Record<string, string>;
  /** Seals and stores changed secrets (a refreshed token, a new session) and merges them into `secrets`. */
  saveSecrets(update: Record<string, string | null>): Promise<void>;
  /** The one way out: a timeout, the connector's rate limit, and 429/503 Retry-After waits (or ErpError 'throttled'). */
  http(request: HttpRequest): Promise<HttpResponse>;
  /** The app clock (token expiry, overlap windows). */
  now(): Date;
}

export type ErpErrorKind =
  /** Credentials refused (wrong password, expired token that cannot be refreshed). */
  | 'auth'
  /** The OAuth grant was revoked or expired: the connection is broken until an admin reconnects. */
  | 'auth_revoked'
  /** Too many requests; `retryAfterSeconds` says when to come back. */
  | 'throttled'
  /** The version token is stale: someone changed the record in the ERP since we read it. */
  | 'stale'
  /** The ERP already holds a record with that unique value (name, email, code). */
  | 'duplicate'
  /** The ERP refused the record's data (its message says why). */
  | 'validation'
  | 'not_found'
  /** The ERP cannot be reached, timed out, or answered 5xx or something unreadable. */
  | 'unavailable'
  /** The ERP refused without saying why (Tally's CREATED=0 with exceptions and no line error). */
  | 'rejected';

/** An ERP's refusal, carrying its own message and code so the error queue can show them verbatim. */
export class ErpError extends Error {
  readonly kind: ErpErrorKind;
  readonly vendorCode: string | null;
  readonly retryAfterSeconds: number | null;
  readonly status: number | null;

  constructor(
    kind: ErpErrorKind,
    message: string,
    options: { vendorCode?: string | null; retryAfterSeconds?: number | null; status?: number | null } = {},
  ) {
    super(message);
    this.name = 'ErpError';
    this.kind = kind;
    this.vendorCode = options.vendorCode ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.status = options.status ?? null;
  }

  /** Whether trying again later may succeed (as opposed to needing a person: bad data, revoked grant). */
  get transient(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable' || this.kind === 'stale';
  }
}

/** OAuth 2.0 (authorization code) as a connector uses it; the framework runs the flow and the refreshes. */
export interface OAuthSpec {
  /** Built from the connection's settings (the fakes in tests, the vendor's hosts in production). */
  authorizeUrl(settings: Record<string, unknown>): string;
  tokenUrl(settings: Record<string, unknown>): string;
  scopes: string[];
  /** Extra parameters the vendor's authorize URL needs (Zoho: access_type=offline, prompt=consent). */
  authorizeParams?: Record<string, string>;
  /** Fields of the token response kept as settings (QuickBooks: realmId arrives on the redirect; Zoho: api_domain). */
  keepFromToken?: string[];
  /** Query parameters of the redirect kept as settings (QuickBooks: `realmId`). */
  keepFromCallback?: string[];
}

/** A change the ERP pushed (QuickBooks webhook, Zoho notification): which records to read again. */
export interface PushedChange {
  entity: ErpEntity;
  externalIds: string[];
  /** Which connection it concerns, as the ERP names the account (QuickBooks realmId, Zoho channel id). */
  account: string | null;
}

export interface Connector {
  id: 'tally' | 'quickbooks' | 'zoho_books' | 'zoho_crm' | 'sapb1';
  label: string;
  /** Non-secret settings (host, company name, realm, organization id...) as a TypeBox object (additionalProperties false). */
  settings: TObject;
  /** Secrets an admin types in (passwords, client secrets); OAuth tokens are added by the framework. */
  secretFields: { name: string; label: string; required: boolean }[];
  oauth?: OAuthSpec;
  /** Requests the vendor allows per second and per minute for one company (QuickBooks: 10 and 500). */
  rateLimit: { perSecond?: number; perMinute?: number };
  /** What the connector reads and writes. */
  reads: ErpEntity[];
  writes: ErpEntity[];
  customerFields: FieldSpec[];
  defaultCustomerMapping: DefaultMapping[];
  /** Matching keys, strongest first: connector field names whose equality with a lead's mapped value is a match. */
  matchFields: string[];
  /**
   * A record that matches no lead becomes a lead (through the one write path) instead of waiting for review: for a
   * CRM run beside us (Zoho CRM), whose records are leads too.
   */
  unmatchedBecomeLeads?: boolean;

  /** Checks that the connection works (credentials, company); resolves a one-line description, throws ErpError. */
  check(ctx: ConnectorContext): Promise<string>;
  /** Customers changed after `checkpoint` (all when null), oldest change first. */
  readCustomers(ctx: ConnectorContext, checkpoint: string | null): Promise<Page<ExternalCustomer>>;
  readInvoices?(ctx: ConnectorContext, checkpoint: string | null): Promise<Page<ExternalInvoice>>;
  readPayments?(ctx: ConnectorContext, checkpoint: string | null): Promise<Page<ExternalPayment>>;
  /** One customer by its id, or null when the ERP has none. */
  getCustomer(ctx: ConnectorContext, externalId: string): Promise<ExternalCustomer | null>;
  /**
   * Creates a customer. Idempotent on the ERP's side for the same `key` (a stable id of the lead and connection):
   * QuickBooks' requestid, a code or name derived from it, or a lookup before creating. Returns what was stored.
   */
  createCustomer(ctx: ConnectorContext, fields: Record<string, FieldValue>, key: string): Promise<ExternalCustomer>;
  /** Changes the given fields; `version` is the token read last (a stale one throws ErpError 'stale'). */
  updateCustomer(
    ctx: ConnectorContext,
    externalId: string,
    version: string | null,
    fields: Record<string, FieldValue>,
  ): Promise<ExternalCustomer>;
  /** Verifies a pushed notification's signature (or token) against the connection's secrets. */
  verifyPush?(headers: Record<string, string | undefined>, rawBody: Buffer, secrets: Record<string, string>): boolean;
  parsePush?(body: unknown): PushedChange[];
}
