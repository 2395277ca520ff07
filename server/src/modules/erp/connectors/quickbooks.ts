import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { Type } from 'typebox';
import {
  type Connector,
  type ConnectorContext,
  type ErpEntity,
  ErpError,
  type ErpErrorKind,
  type ExternalCustomer,
  type ExternalInvoice,
  type ExternalPayment,
  type FieldValue,
  type HttpResponse,
  type InvoiceLine,
  type Page,
  type PushedChange,
} from '../connector.ts';

/**
 * QuickBooks Online (Accounting API v3). Reads run in two phases, kept in the checkpoint: a first full read by
 * query paging (STARTPOSITION/MAXRESULTS), then Change Data Capture from the time the full read began. CDC only
 * looks back 30 days and returns at most 1,000 objects, so an older checkpoint or a full CDC answer falls back to
 * a paged query filtered on MetaData.LastUpdatedTime (which does not show deletions; CDC picks up from there).
 * Customer creation is idempotent through QuickBooks' `requestid`; updates are sparse and carry the SyncToken.
 */

const DEFAULTS = {
  baseUrl: 'https://quickbooks.api.intuit.com',
  minorVersion: '75',
  authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
  tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
};

/** QuickBooks' largest MAXRESULTS. */
export const QBO_PAGE_SIZE = 1000;
/** CDC answers at most this many objects; a full answer may have been cut. */
export const QBO_CDC_LIMIT = 1000;
/** CDC looks back 30 days at most; older checkpoints are read by query instead (a day of margin). */
const CDC_MAX_AGE_MS = 29 * 24 * 3600_000;
/** Timestamps are whole seconds and CDC lags commits a little: read again this far back (duplicates are upserted). */
const OVERLAP_MS = 60_000;

const ENTITY_NAMES: Record<ErpEntity, 'Customer' | 'Invoice' | 'Payment'> = {
  customer: 'Customer',
  invoice: 'Invoice',
  payment: 'Payment',
};

// ---------------------------------------------------------------------------------------------- wire shapes

interface Ref {
  value?: string;
  name?: string;
}

interface QboMeta {
  CreateTime?: string;
  LastUpdatedTime?: string;
}

interface QboAddress {
  Id?: string;
  Line1?: string;
  City?: string;
  PostalCode?: string;
  Country?: string;
  [other: string]: unknown;
}

interface QboRecord {
  Id: string;
  SyncToken?: string;
  MetaData?: QboMeta;
  /** "Deleted" on CDC rows of deleted entities (only Id and MetaData come with it). */
  status?: string;
  [other: string]: unknown;
}

interface QboCustomer extends QboRecord {
  DisplayName?: string;
  GivenName?: string;
  FamilyName?: string;
  CompanyName?: string;
  PrimaryEmailAddr?: { Address?: string };
  PrimaryPhone?: { FreeFormNumber?: string };
  Mobile?: { FreeFormNumber?: string };
  BillAddr?: QboAddress;
  Notes?: string;
  Active?: boolean;
}

interface QboLine {
  Description?: string;
  Amount?: number;
  DetailType?: string;
  SalesItemLineDetail?: { ItemRef?: Ref; Qty?: number; UnitPrice?: number };
  LinkedTxn?: { TxnId?: string; TxnType?: string }[];
}

interface QboInvoice extends QboRecord {
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  CurrencyRef?: Ref;
  CustomerRef?: Ref;
  TotalAmt?: number;
  Balance?: number;
  Line?: QboLine[];
}

interface QboPayment extends QboRecord {
  TxnDate?: string;
  CurrencyRef?: Ref;
  CustomerRef?: Ref;
  TotalAmt?: number;
  PaymentRefNum?: string;
  DocNumber?: string;
  Line?: QboLine[];
}

interface QueryEnvelope {
  QueryResponse?: Record<string, unknown>;
  time?: string;
}

interface CdcEnvelope {
  CDCResponse?: { QueryResponse?: Record<string, unknown>[] }[];
  time?: string;
}

interface FaultError {
  message: string;
  detail: string | null;
  code: string | null;
}

// ---------------------------------------------------------------------------------------------- settings

function setting(settings: Record<string, unknown>, name: keyof typeof DEFAULTS): string {
  const value = settings[name];
  return typeof value === 'string' && value !== '' ? value : DEFAULTS[name];
}

function companyUrl(ctx: ConnectorContext, path: string, params: Record<string, string> = {}): string {
  const realm = ctx.settings.realmId;
  if (typeof realm !== 'string' || realm === '') throw new ErpError('auth', 'QuickBooks is not connected: no realmId');
  const url = new URL(
    `${setting(ctx.settings, 'baseUrl').replace(/\/+$/, '')}/v3/company/${encodeURIComponent(realm)}/${path}`,
  );
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  url.searchParams.set('minorversion', setting(ctx.settings, 'minorVersion'));
  return url.toString();
}

// ---------------------------------------------------------------------------------------------- faults

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** The errors of a fault in any of QuickBooks' three envelopes: `Fault.Error`, lowercase `fault.error`, XML. */
export function parseFault(res: HttpResponse): { type: string | null; errors: FaultError[] } | null {
  const text = res.text().trim();
  if (text.startsWith('<')) {
    let doc: Record<string, unknown>;
    try {
      doc = xml.parse(text) as Record<string, unknown>;
    } catch {
      return null;
    }
    const fault = (doc.IntuitResponse as Record<string, unknown> | undefined)?.Fault as
      | Record<string, unknown>
      | undefined;
    if (!fault) return null;
    const list = Array.isArray(fault.Error) ? fault.Error : [fault.Error];
    const errors = list
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ message: str(e.Message) ?? '', detail: str(e.Detail), code: str(e['@_code']) }));
    return { type: str(fault['@_type']), errors };
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const upper = body.Fault as { Error?: Record<string, unknown>[]; type?: string } | undefined;
  const lower = body.fault as { error?: Record<string, unknown>[]; type?: string } | undefined;
  const list = upper?.Error ?? lower?.error;
  if (!Array.isArray(list)) return null;
  const errors = list.map((e) => ({
    message: str(e.Message ?? e.message) ?? '',
    detail: str(e.Detail ?? e.detail),
    code: str(e.code),
  }));
  return { type: str(upper?.type ?? lower?.type), errors };
}

/** The vendor's text as the error queue shows it: Detail usually repeats Message, so only add it when it doesn't. */
function faultText(error: FaultError): string {
  if (!error.detail) return error.message;
  if (!error.message || error.detail.startsWith(error.message)) return error.detail;
  return `${error.message}: ${error.detail}`;
}

function kindOf(status: number, type: string | null, code: string | null, message: string): ErpErrorKind {
  if (code === '5010') return 'stale';
  if (code === '6240') return 'duplicate';
  if (code === '610') return 'not_found';
  if (code === '3001' || /ThrottleExceeded/i.test(message) || status === 429) return 'throttled';
  if (status === 401 || code === '3200' || code === '3100' || type === 'AUTHENTICATION') return 'auth';
  if (status === 403) return 'auth';
  if (status >= 500) return 'unavailable';
  if (status === 404) return 'not_found';
  return 'validation';
}

/** Throws the fault an answer carries (or an 'unavailable' for a non-2xx without one); returns 2xx answers. */
function ensureOk(res: HttpResponse): HttpResponse {
  if (res.status < 300) return res;
  const fault = parseFault(res);
  const first = fault?.errors[0];
  if (!fault || !first) {
    throw new ErpError(
      kindOf(res.status, null, null, ''),
      `QuickBooks answered ${res.status}: ${res.text().slice(0, 300)}`,
      { status: res.status },
    );
  }
  const message = fault.errors.map(faultText).join('; ');
  const kind = kindOf(res.status, fault.type, first.code, first.message);
  throw new ErpError(kind, message, {
    vendorCode: first.code,
    status: res.status,
    retryAfterSeconds: kind === 'throttled' ? 60 : null,
  });
}

async function getJson<T>(ctx: ConnectorContext, url: string): Promise<T> {
  const res = await ctx.http({ method: 'GET', url, headers: { accept: 'application/json' } });
  return ensureOk(res).json<T>();
}

async function postJson<T>(ctx: ConnectorContext, url: string, body: unknown): Promise<T> {
  const res = await ctx.http({
    method: 'POST',
    url,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ensureOk(res).json<T>();
}

// ---------------------------------------------------------------------------------------------- mapping

const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** MetaData times carry the company's offset ("2020-09-29T05:58:07-07:00"); the app wants UTC. */
function utc(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const isDeleted = (record: QboRecord): boolean => record.status === 'Deleted';

function customerOf(record: QboCustomer): ExternalCustomer {
  const updatedAt = utc(record.MetaData?.LastUpdatedTime);
  if (isDeleted(record)) return { externalId: record.Id, version: null, updatedAt, fields: {}, deleted: true };
  const address = record.BillAddr ?? {};
  const fields: Record<string, FieldValue> = {
    DisplayName: record.DisplayName ?? null,
    GivenName: record.GivenName ?? null,
    FamilyName: record.FamilyName ?? null,
    CompanyName: record.CompanyName ?? null,
    PrimaryEmailAddr: record.PrimaryEmailAddr?.Address ?? null,
    PrimaryPhone: record.PrimaryPhone?.FreeFormNumber ?? null,
    Mobile: record.Mobile?.FreeFormNumber ?? null,
    BillAddrLine1: address.Line1 ?? null,
    BillAddrCity: address.City ?? null,
    BillAddrPostalCode: address.PostalCode ?? null,
    BillAddrCountry: address.Country ?? null,
    Notes: record.Notes ?? null,
  };
  // Customers cannot be deleted in QuickBooks; "deleting" one in the UI makes it inactive.
  const customer: ExternalCustomer = { externalId: record.Id, version: record.SyncToken ?? null, updatedAt, fields };
  if (record.Active === false) customer.deleted = true;
  return customer;
}

function linesOf(lines: QboLine[] | undefined): InvoiceLine[] {
  const out: InvoiceLine[] = [];
  for (const line of lines ?? []) {
    const amount = num(line.Amount) ?? 0;
    if (line.DetailType === 'SalesItemLineDetail') {
      const detail = line.SalesItemLineDetail ?? {};
      const qty = num(detail.Qty);
      const rate = num(detail.UnitPrice);
      out.push({
        description: line.Description ?? detail.ItemRef?.name ?? null,
        quantity: qty,
        rate: rate === null ? null : round2(rate),
        amount: round2(amount),
      });
    } else if (line.DetailType === 'DiscountLineDetail') {
      // QuickBooks writes the discount as a positive amount on its own line.
      out.push({ description: line.Description ?? 'Discount', quantity: null, rate: null, amount: -round2(amount) });
    }
    // SubTotalLineDetail only repeats the sum of the lines above it.
  }
  return out;
}

function statusOf(total: number, balance: number): string {
  if (balance <= 0) return 'Paid';
  if (balance < total) return 'PartiallyPaid';
  return 'Open';
}

function invoiceOf(record: QboInvoice): ExternalInvoice {
  const updatedAt = utc(record.MetaData?.LastUpdatedTime);
  if (isDeleted(record)) {
    // A deleted row carries only Id and MetaData; the rest is placeholder, the engine acts on `deleted`.
    return {
      externalId: record.Id,
      customerExternalId: '',
      number: null,
      date: (updatedAt ?? '').slice(0, 10),
      dueDate: null,
      currency: null,
      total: 0,
      balance: 0,
      status: 'Deleted',
      lines: [],
      updatedAt,
      deleted: true,
    };
  }
  const total = round2(num(record.TotalAmt) ?? 0);
  const balance = round2(num(record.Balance) ?? 0);
  return {
    externalId: record.Id,
    customerExternalId: record.CustomerRef?.value ?? '',
    number: record.DocNumber ?? null,
    date: record.TxnDate ?? '',
    dueDate: record.DueDate ?? null,
    currency: record.CurrencyRef?.value ?? null,
    total,
    balance,
    status: statusOf(total, balance),
    lines: linesOf(record.Line),
    updatedAt,
  };
}

function paymentOf(record: QboPayment): ExternalPayment {
  const updatedAt = utc(record.MetaData?.LastUpdatedTime);
  if (isDeleted(record)) {
    return {
      externalId: record.Id,
      customerExternalId: '',
      date: (updatedAt ?? '').slice(0, 10),
      amount: 0,
      currency: null,
      reference: null,
      invoiceExternalIds: [],
      updatedAt,
      deleted: true,
    };
  }
  const invoices = new Set<string>();
  for (const line of record.Line ?? []) {
    for (const linked of line.LinkedTxn ?? []) {
      if (linked.TxnType === 'Invoice' && linked.TxnId) invoices.add(linked.TxnId);
    }
  }
  return {
    externalId: record.Id,
    customerExternalId: record.CustomerRef?.value ?? '',
    date: record.TxnDate ?? '',
    amount: round2(num(record.TotalAmt) ?? 0),
    currency: record.CurrencyRef?.value ?? null,
    reference: record.PaymentRefNum ?? record.DocNumber ?? null,
    invoiceExternalIds: [...invoices],
    updatedAt,
  };
}

const text = (value: FieldValue | undefined): string | undefined =>
  value === undefined ? undefined : value === null ? '' : String(value).trim();

const ADDRESS_FIELDS: Record<string, keyof QboAddress> = {
  BillAddrLine1: 'Line1',
  BillAddrCity: 'City',
  BillAddrPostalCode: 'PostalCode',
  BillAddrCountry: 'Country',
};

/** The body fields for the given flat fields (only those given: updates are sparse). Null clears a field. */
function customerBody(fields: Record<string, FieldValue>, address: QboAddress | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of ['DisplayName', 'GivenName', 'FamilyName', 'CompanyName', 'Notes'] as const) {
    const value = text(fields[name]);
    if (value !== undefined) body[name] = value;
  }
  const email = text(fields.PrimaryEmailAddr);
  if (email !== undefined) body.PrimaryEmailAddr = { Address: email };
  const phone = text(fields.PrimaryPhone);
  if (phone !== undefined) body.PrimaryPhone = { FreeFormNumber: phone };
  const mobile = text(fields.Mobile);
  if (mobile !== undefined) body.Mobile = { FreeFormNumber: mobile };
  const addressChanges = Object.entries(ADDRESS_FIELDS).filter(([flat]) => fields[flat] !== undefined);
  if (addressChanges.length > 0) {
    // A sparse update replaces BillAddr as a whole: start from what QuickBooks holds (its Id keeps the same address).
    const merged: QboAddress = { ...(address ?? {}) };
    for (const [flat, key] of addressChanges) merged[key] = text(fields[flat]);
    body.BillAddr = merged;
  }
  return body;
}

/** QuickBooks wants a name; fall back from DisplayName to the company or the person's name. */
function withDisplayName(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.DisplayName === 'string' && body.DisplayName !== '') return body;
  const person = [body.GivenName, body.FamilyName].filter((p) => typeof p === 'string' && p !== '').join(' ');
  const name = typeof body.CompanyName === 'string' && body.CompanyName !== '' ? body.CompanyName : person;
  if (name) return { ...body, DisplayName: name };
  const { DisplayName: _dropped, ...rest } = body;
  return rest;
}

/** `requestid` must be short and plain; a longer or odd key is hashed (deterministically, so retries match). */
export function requestIdFor(key: string): string {
  if (/^[A-Za-z0-9-]{1,50}$/.test(key)) return key;
  return createHash('sha256').update(key).digest('hex').slice(0, 36);
}

// ---------------------------------------------------------------------------------------------- checkpoints

interface QueryPhase {
  phase: 'query';
  /** Next STARTPOSITION (1-based). */
  pos: number;
  /** Lower bound on MetaData.LastUpdatedTime (null: the first full read). */
  from: string | null;
  /** Where CDC takes over afterwards: the server's time when this phase began, less the overlap. */
  since: string | null;
}

interface CdcPhase {
  phase: 'cdc';
  since: string;
}

type Checkpoint = QueryPhase | CdcPhase;

function parseCheckpoint(checkpoint: string | null): Checkpoint {
  if (checkpoint) {
    try {
      const value = JSON.parse(checkpoint) as Partial<Checkpoint>;
      if (value.phase === 'cdc' && typeof value.since === 'string') return { phase: 'cdc', since: value.since };
      if (value.phase === 'query' && typeof value.pos === 'number') {
        return { phase: 'query', pos: value.pos, from: value.from ?? null, since: value.since ?? null };
      }
    } catch {
      // An unreadable checkpoint starts over with a full read: duplicates are harmless, gaps are not.
    }
  }
  return { phase: 'query', pos: 1, from: null, since: null };
}

/** A time the server wrote ("...-07:00"), moved back by `ms`, keeping its offset (QuickBooks' own format). */
export function shiftTime(value: string, ms: number): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) return value;
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  const offsetMin = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(at - ms + offsetMin * 60_000).toISOString().slice(0, 19);
  if (!match) return `${local}Z`;
  const abs = Math.abs(offsetMin);
  const sign = offsetMin < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function serverSince(envelopeTime: string | undefined, ctx: ConnectorContext): string {
  return shiftTime(envelopeTime ?? ctx.now().toISOString(), OVERLAP_MS);
}

const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function rowsOf<T>(entity: string, container: Record<string, unknown> | undefined): T[] {
  const rows = container?.[entity];
  return Array.isArray(rows) ? (rows as T[]) : [];
}

const byUpdate = (a: QboRecord, b: QboRecord): number =>
  Date.parse(a.MetaData?.LastUpdatedTime ?? '') - Date.parse(b.MetaData?.LastUpdatedTime ?? '') ||
  Number(a.Id) - Number(b.Id);

/** One page of an entity, whichever phase the checkpoint is in; returns the raw rows, oldest change first. */
async function readPage(
  ctx: ConnectorContext,
  entity: 'Customer' | 'Invoice' | 'Payment',
  checkpoint: string | null,
): Promise<{ rows: QboRecord[]; checkpoint: string; more: boolean }> {
  const state = parseCheckpoint(checkpoint);
  if (state.phase === 'cdc') {
    if (ctx.now().getTime() - Date.parse(state.since) > CDC_MAX_AGE_MS) {
      // Past CDC's 30-day look-back: catch up by query (deletions in that gap are not reported by QuickBooks).
      return readPage(ctx, entity, JSON.stringify({ phase: 'query', pos: 1, from: state.since, since: null }));
    }
    const url = companyUrl(ctx, 'cdc', { entities: entity, changedSince: state.since });
    const body = await getJson<CdcEnvelope>(ctx, url);
    const rows: QboRecord[] = [];
    for (const part of body.CDCResponse ?? []) {
      for (const response of part.QueryResponse ?? []) rows.push(...rowsOf<QboRecord>(entity, response));
    }
    rows.sort(byUpdate);
    const next = serverSince(body.time, ctx);
    if (rows.length >= QBO_CDC_LIMIT) {
      // The answer may have been cut at 1,000: read the window again by paged query, then CDC from now on.
      const query: QueryPhase = { phase: 'query', pos: 1, from: state.since, since: next };
      return { rows, checkpoint: JSON.stringify(query), more: true };
    }
    return { rows, checkpoint: JSON.stringify({ phase: 'cdc', since: next } satisfies CdcPhase), more: false };
  }

  const where: string[] = [];
  // Without it a Customer query leaves out inactive customers, which is how QuickBooks "deletes" them.
  if (entity === 'Customer') where.push('Active IN (true, false)');
  if (state.from) where.push(`MetaData.LastUpdatedTime >= ${quote(state.from)}`);
  const sql =
    `SELECT * FROM ${entity}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
    ` STARTPOSITION ${state.pos} MAXRESULTS ${QBO_PAGE_SIZE}`;
  const body = await getJson<QueryEnvelope>(ctx, companyUrl(ctx, 'query', { query: sql }));
  const rows = rowsOf<QboRecord>(entity, body.QueryResponse);
  const since = state.since ?? serverSince(body.time, ctx);
  if (rows.length < QBO_PAGE_SIZE) {
    // Done paging. After the first full read, `more` so that the engine reads at once (by CDC) what changed while
    // the pages were read; after a catch-up window, stop: were more than 1,000 changes still inside the overlap,
    // going on at once would loop until the clock moved past them.
    const cdc: CdcPhase = { phase: 'cdc', since };
    return { rows, checkpoint: JSON.stringify(cdc), more: state.from === null };
  }
  const next: QueryPhase = { phase: 'query', pos: state.pos + rows.length, from: state.from, since };
  return { rows, checkpoint: JSON.stringify(next), more: true };
}

// ---------------------------------------------------------------------------------------------- webhooks

const PUSH_ENTITIES: Record<string, ErpEntity> = { customer: 'customer', invoice: 'invoice', payment: 'payment' };

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

export function verifyQuickbooksSignature(
  headers: Record<string, string | undefined>,
  rawBody: Buffer,
  verifier: string | undefined,
): boolean {
  const signature = header(headers, 'intuit-signature');
  if (!signature || !verifier) return false;
  const expected = createHmac('sha256', verifier).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function parseQuickbooksPush(body: unknown): PushedChange[] {
  const changes = new Map<string, PushedChange>();
  const add = (entityName: unknown, id: unknown, account: unknown): void => {
    const entity = typeof entityName === 'string' ? PUSH_ENTITIES[entityName.toLowerCase()] : undefined;
    const externalId = str(id);
    if (!entity || !externalId) return;
    const realm = str(account);
    const key = `${entity}\u0000${realm ?? ''}`;
    const change = changes.get(key) ?? { entity, externalIds: [], account: realm };
    if (!change.externalIds.includes(externalId)) change.externalIds.push(externalId);
    changes.set(key, change);
  };
  if (Array.isArray(body)) {
    // CloudEvents: type "qbo.customer.created.v1".
    for (const event of body as Record<string, unknown>[]) {
      const type = typeof event?.type === 'string' ? event.type.split('.') : [];
      if (type[0] !== 'qbo') continue;
      add(type[1], event.intuitentityid, event.intuitaccountid);
    }
  } else if (body && typeof body === 'object') {
    const notifications = (body as { eventNotifications?: unknown }).eventNotifications;
    for (const notification of Array.isArray(notifications) ? notifications : []) {
      const n = notification as { realmId?: unknown; dataChangeEvent?: { entities?: unknown } };
      const entities = n.dataChangeEvent?.entities;
      for (const item of Array.isArray(entities) ? entities : []) {
        const e = item as { name?: unknown; id?: unknown; deletedId?: unknown };
        add(e.name, e.id, n.realmId);
        // A merge names the customer merged away too: read it again, it is gone.
        if (e.deletedId !== undefined) add(e.name, e.deletedId, n.realmId);
      }
    }
  }
  return [...changes.values()];
}

// ---------------------------------------------------------------------------------------------- connector

async function fetchCustomer(ctx: ConnectorContext, id: string): Promise<QboCustomer | null> {
  try {
    const body = await getJson<{ Customer?: QboCustomer }>(ctx, companyUrl(ctx, `customer/${encodeURIComponent(id)}`));
    return body.Customer ?? null;
  } catch (error) {
    if (error instanceof ErpError && error.kind === 'not_found') return null;
    throw error;
  }
}

export const quickbooksConnector: Connector = {
  id: 'quickbooks',
  label: 'QuickBooks Online',
  settings: Type.Object(
    {
      baseUrl: Type.Optional(Type.String({ format: 'uri', default: DEFAULTS.baseUrl })),
      realmId: Type.Optional(Type.String({ pattern: '^[0-9]+$', maxLength: 40 })),
      minorVersion: Type.Optional(Type.String({ pattern: '^[0-9]+$', default: DEFAULTS.minorVersion })),
      authorizeUrl: Type.Optional(Type.String({ format: 'uri', default: DEFAULTS.authorizeUrl })),
      tokenUrl: Type.Optional(Type.String({ format: 'uri', default: DEFAULTS.tokenUrl })),
    },
    { additionalProperties: false },
  ),
  secretFields: [
    { name: 'clientId', label: 'Client ID', required: true },
    { name: 'clientSecret', label: 'Client secret', required: true },
    { name: 'webhookVerifier', label: 'Webhook verifier token', required: false },
  ],
  oauth: {
    authorizeUrl: (settings) => setting(settings, 'authorizeUrl'),
    tokenUrl: (settings) => setting(settings, 'tokenUrl'),
    scopes: ['com.intuit.quickbooks.accounting'],
    keepFromCallback: ['realmId'],
  },
  rateLimit: { perSecond: 10, perMinute: 500 },
  reads: ['customer', 'invoice', 'payment'],
  writes: ['customer'],
  // Lengths as QuickBooks' Customer entity reference states them.
  customerFields: [
    { name: 'DisplayName', label: 'Display name', type: 'text', required: true, maxLength: 500 },
    { name: 'GivenName', label: 'First name', type: 'text', maxLength: 100 },
    { name: 'FamilyName', label: 'Last name', type: 'text', maxLength: 100 },
    { name: 'CompanyName', label: 'Company name', type: 'text', maxLength: 100 },
    { name: 'PrimaryEmailAddr', label: 'Email', type: 'email', maxLength: 100 },
    { name: 'PrimaryPhone', label: 'Phone', type: 'phone', maxLength: 30 },
    { name: 'Mobile', label: 'Mobile', type: 'phone', maxLength: 30 },
    { name: 'BillAddrLine1', label: 'Billing address', type: 'text', maxLength: 500 },
    { name: 'BillAddrCity', label: 'Billing city', type: 'text', maxLength: 255 },
    { name: 'BillAddrPostalCode', label: 'Billing postal code', type: 'text', maxLength: 30 },
    { name: 'BillAddrCountry', label: 'Billing country', type: 'text', maxLength: 255 },
    { name: 'Notes', label: 'Notes', type: 'text', maxLength: 2000 },
  ],
  defaultCustomerMapping: [
    { leadField: 'name', erpField: 'DisplayName' },
    { leadField: 'companyName', erpField: 'CompanyName' },
    { leadField: 'emails', erpField: 'PrimaryEmailAddr' },
    { leadField: 'phones', erpField: 'PrimaryPhone' },
    { leadField: 'notes', erpField: 'Notes' },
    { leadField: 'city', erpField: 'BillAddrCity' },
  ],
  matchFields: ['PrimaryEmailAddr', 'PrimaryPhone', 'Mobile', 'DisplayName'],

  async check(ctx) {
    const realm = String(ctx.settings.realmId ?? '');
    const body = await getJson<{ CompanyInfo?: { CompanyName?: string; Country?: string } }>(
      ctx,
      companyUrl(ctx, `companyinfo/${encodeURIComponent(realm)}`),
    );
    const name = body.CompanyInfo?.CompanyName ?? 'unnamed company';
    return `QuickBooks Online company "${name}" (realm ${realm})`;
  },

  async readCustomers(ctx, checkpoint) {
    const page = await readPage(ctx, 'Customer', checkpoint);
    return {
      records: page.rows.map((r) => customerOf(r as QboCustomer)),
      checkpoint: page.checkpoint,
      more: page.more,
    };
  },

  async readInvoices(ctx, checkpoint): Promise<Page<ExternalInvoice>> {
    const page = await readPage(ctx, ENTITY_NAMES.invoice, checkpoint);
    return { records: page.rows.map((r) => invoiceOf(r as QboInvoice)), checkpoint: page.checkpoint, more: page.more };
  },

  async readPayments(ctx, checkpoint): Promise<Page<ExternalPayment>> {
    const page = await readPage(ctx, ENTITY_NAMES.payment, checkpoint);
    return { records: page.rows.map((r) => paymentOf(r as QboPayment)), checkpoint: page.checkpoint, more: page.more };
  },

  async getCustomer(ctx, externalId) {
    const record = await fetchCustomer(ctx, externalId);
    return record ? customerOf(record) : null;
  },

  async createCustomer(ctx, fields, key) {
    const body = withDisplayName(customerBody(fields, undefined));
    // QuickBooks answers a repeated requestid with the first answer, creating nothing new.
    const url = companyUrl(ctx, 'customer', { requestid: requestIdFor(key) });
    const res = await postJson<{ Customer?: QboCustomer }>(ctx, url, body);
    if (!res.Customer) throw new ErpError('unavailable', 'QuickBooks answered a customer create without a Customer');
    return customerOf(res.Customer);
  },

  async updateCustomer(ctx, externalId, version, fields) {
    const needsCurrent = version === null || Object.keys(ADDRESS_FIELDS).some((f) => fields[f] !== undefined);
    const current = needsCurrent ? await fetchCustomer(ctx, externalId) : null;
    if (needsCurrent && !current) {
      throw new ErpError('not_found', `QuickBooks has no customer ${externalId}`, { vendorCode: '610' });
    }
    const body = {
      ...customerBody(fields, current?.BillAddr),
      Id: externalId,
      SyncToken: version ?? current?.SyncToken ?? '0',
      sparse: true,
    };
    const res = await postJson<{ Customer?: QboCustomer }>(ctx, companyUrl(ctx, 'customer'), body);
    if (!res.Customer) throw new ErpError('unavailable', 'QuickBooks answered a customer update without a Customer');
    return customerOf(res.Customer);
  },

  verifyPush(headers, rawBody, secrets) {
    return verifyQuickbooksSignature(headers, rawBody, secrets.webhookVerifier);
  },

  parsePush(body) {
    return parseQuickbooksPush(body);
  },
};
