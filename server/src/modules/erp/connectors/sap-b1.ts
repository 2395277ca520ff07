import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import {
  type Connector,
  type ConnectorContext,
  ErpError,
  type ErpErrorKind,
  type ExternalCustomer,
  type ExternalInvoice,
  type ExternalPayment,
  type FieldValue,
  type HttpRequest,
  type HttpResponse,
  type Page,
} from '../connector.ts';

/**
 * SAP Business One through its Service Layer (OData v3 at /b1s/v1, OData v4 at /b1s/v2).
 *
 * Session: POST /Login gives the B1SESSION and ROUTEID cookies and a SessionTimeout in minutes; they are kept in
 * the connection's secrets (session, routeId, sessionExpiresAt in epoch ms) so later runs reuse them. A 401 with
 * code 301 (session timed out, or the server restarted) logs in again once and re-sends.
 *
 * Incremental reads: the Service Layer can filter UpdateDate only by day (UpdateTime is a separate field), so a
 * read asks for UpdateDate ge the day of (checkpoint - overlap), ordered by UpdateDate,UpdateTime, and drops rows
 * older than (checkpoint - overlap) itself. SAP pages with $skip (odata.nextLink); the link is kept in the
 * checkpoint so a pass resumes where it stopped. UpdateDate/UpdateTime are the SAP server's local clock; they are
 * reported as if UTC (the Service Layer does not say its zone).
 */

const DEFAULT_PAGE_SIZE = 100;
/** Log in again when the saved session has less than this left. */
const SESSION_MARGIN_MS = 60_000;

const settings = Type.Object(
  {
    baseUrl: Type.String({ minLength: 1, description: 'Service Layer root, e.g. https://host:50000/b1s/v1' }),
    companyDb: Type.String({ minLength: 1 }),
    userName: Type.String({ minLength: 1 }),
    overlapMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, default: 10 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: DEFAULT_PAGE_SIZE })),
  },
  { additionalProperties: false },
);

/** BusinessPartner properties the connector writes; FreeText is the BP's long remarks text. */
const WRITABLE = [
  'CardName',
  'EmailAddress',
  'Phone1',
  'Cellular',
  'FederalTaxID',
  'ContactPerson',
  'Address',
  'City',
  'ZipCode',
  'Country',
  'FreeText',
] as const;

const BP_SELECT = ['CardCode', 'CardType', ...WRITABLE, 'BPAddresses', 'UpdateDate', 'UpdateTime'].join(',');
const INVOICE_SELECT = [
  'DocEntry',
  'DocNum',
  'CardCode',
  'DocDate',
  'DocDueDate',
  'DocCurrency',
  'DocTotal',
  'PaidToDate',
  'DocumentStatus',
  'Cancelled',
  'DocumentLines',
  'UpdateDate',
  'UpdateTime',
].join(',');

type Row = Record<string, unknown>;

interface SapErrorBody {
  error?: { code?: number | string; message?: string | { lang?: string; value?: string } };
}

interface Checkpoint {
  /** Latest UpdateDate+UpdateTime seen ("YYYY-MM-DDTHH:MM:SS"). */
  at: string | null;
  /** The nextLink of an unfinished pass, and the cutoff that pass reads from. */
  next?: string;
  from?: string | null;
}

// ---- settings and session ---------------------------------------------------------------------------------

function base(ctx: ConnectorContext): string {
  return String(ctx.settings.baseUrl).replace(/\/+$/, '');
}

function isV2(ctx: ConnectorContext): boolean {
  return /\/b1s\/v2$/i.test(base(ctx));
}

function cookieHeader(ctx: ConnectorContext): string {
  const parts = [`B1SESSION=${ctx.secrets.session}`];
  if (ctx.secrets.routeId) parts.push(`ROUTEID=${ctx.secrets.routeId}`);
  return parts.join('; ');
}

function cookieValue(setCookies: string[], name: string): string | null {
  for (const line of setCookies) {
    const match = new RegExp(`^\\s*${name}=([^;]*)`).exec(line);
    if (match) return match[1] ?? null;
  }
  return null;
}

async function login(ctx: ConnectorContext): Promise<{ version: string | null }> {
  const res = await ctx.http({
    method: 'POST',
    url: `${base(ctx)}/Login`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      CompanyDB: ctx.settings.companyDb,
      UserName: ctx.settings.userName,
      Password: ctx.secrets.password ?? '',
    }),
  });
  // Any refusal of the Login itself is about the credentials or the company, whatever the code.
  if (res.status >= 400) throw sapError(res, res.status === 401 || res.status === 403 ? 'auth' : undefined);
  const body = res.json<{ SessionId?: string; SessionTimeout?: number; Version?: string }>();
  const setCookies = res.headers.getSetCookie();
  const session = cookieValue(setCookies, 'B1SESSION') ?? body.SessionId ?? null;
  if (!session)
    throw new ErpError('unavailable', 'SAP Business One answered the login without a session', { status: res.status });
  const minutes = typeof body.SessionTimeout === 'number' && body.SessionTimeout > 0 ? body.SessionTimeout : 30;
  await ctx.saveSecrets({
    session,
    routeId: cookieValue(setCookies, 'ROUTEID'),
    sessionExpiresAt: String(ctx.now().getTime() + minutes * 60_000),
  });
  return { version: body.Version ?? null };
}

function sessionUsable(ctx: ConnectorContext): boolean {
  const expiresAt = Number(ctx.secrets.sessionExpiresAt ?? 0);
  return Boolean(ctx.secrets.session) && expiresAt - ctx.now().getTime() > SESSION_MARGIN_MS;
}

function errorOf(res: HttpResponse): { code: string | null; message: string | null } {
  let body: SapErrorBody;
  try {
    body = JSON.parse(res.text()) as SapErrorBody;
  } catch {
    return { code: null, message: null };
  }
  const error = body?.error;
  if (!error) return { code: null, message: null };
  const message = typeof error.message === 'string' ? error.message : (error.message?.value ?? null);
  return { code: error.code === undefined || error.code === null ? null : String(error.code), message };
}

/** SAP's refusal as an ErpError carrying SAP's own text and code (v1: number + {lang,value}; v2: strings). */
function sapError(res: HttpResponse, forced?: ErpErrorKind): ErpError {
  const { code, message } = errorOf(res);
  const status = res.status;
  const text = message ?? `SAP Business One answered ${status}: ${res.text().slice(0, 300) || 'no body'}`;
  let kind: ErpErrorKind;
  if (forced) kind = forced;
  else if (status >= 500) kind = 'unavailable';
  // Not SAP's body (a proxy, a wrong baseUrl): only the status says anything.
  else if (message === null) kind = status === 401 || status === 403 ? 'auth' : 'rejected';
  else if (status === 412 || code === '-2039') kind = 'stale';
  else if (status === 401 || code === '301' || code === '100000027' || code === '-304') kind = 'auth';
  // No permission for the object (804, -6006): only an administrator can grant it.
  else if (status === 403) kind = 'auth';
  else if (code === '-10' && /already (assigned|exists)|unique/i.test(message)) kind = 'duplicate';
  else if (status === 404 || code === '-2028') kind = 'not_found';
  else if (code === '-5006') kind = 'rejected';
  else if (status === 400) kind = 'validation';
  else kind = 'rejected';
  return new ErpError(kind, text, { vendorCode: code, status });
}

/** A Service Layer call with the session cookie; logs in first when needed and once more on code 301. */
async function call(
  ctx: ConnectorContext,
  request: { method: HttpRequest['method']; url: string; body?: unknown; headers?: Record<string, string> },
): Promise<HttpResponse> {
  if (!sessionUsable(ctx)) await login(ctx);
  const send = () =>
    ctx.http({
      method: request.method,
      url: request.url,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
        cookie: cookieHeader(ctx),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  let res = await send();
  if (res.status === 401 && errorOf(res).code === '301') {
    await login(ctx);
    res = await send();
  }
  if (res.status >= 400) throw sapError(res);
  return res;
}

// ---- mapping ------------------------------------------------------------------------------------------------

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "YYYY-MM-DD" from v1's "2024-01-05" or v2's "2024-01-05T00:00:00Z". */
function dateOf(value: unknown): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(String(value ?? ''));
  return match?.[1] ?? null;
}

/** "HH:MM:SS" from "10:20:30", "10:20" or a date-time form. */
function timeOf(value: unknown): string {
  const match = /(\d{2}):(\d{2})(?::(\d{2}))?(?!.*\d{2}:\d{2})/.exec(String(value ?? ''));
  return match ? `${match[1]}:${match[2]}:${match[3] ?? '00'}` : '00:00:00';
}

/** UpdateDate+UpdateTime as "YYYY-MM-DDTHH:MM:SS", or null when the row has no UpdateDate. */
function stampOf(row: Row): string | null {
  const date = dateOf(row.UpdateDate);
  return date ? `${date}T${timeOf(row.UpdateTime)}` : null;
}

function isoOf(stamp: string | null): string | null {
  return stamp ? `${stamp}.000Z` : null;
}

function toCustomer(row: Row): ExternalCustomer {
  // The header's Address/City/ZipCode/Country mirror the default bill-to address; fall back to the first address.
  const addresses = Array.isArray(row.BPAddresses) ? (row.BPAddresses as Row[]) : [];
  const address = addresses.find((a) => a.AddressType === 'bo_BillTo') ?? addresses[0] ?? {};
  const fields: Record<string, FieldValue> = { CardCode: str(row.CardCode) };
  for (const name of WRITABLE) fields[name] = str(row[name]);
  fields.Address ??= str(address.Street) ?? str(address.AddressName);
  fields.City ??= str(address.City);
  fields.ZipCode ??= str(address.ZipCode);
  fields.Country ??= str(address.Country);
  const stamp = stampOf(row);
  return { externalId: String(row.CardCode), version: stamp, updatedAt: isoOf(stamp), fields };
}

function toInvoice(row: Row): ExternalInvoice {
  const total = round2(num(row.DocTotal));
  const cancelled = row.Cancelled === 'tYES' || row.Cancelled === 'Y';
  const closed = row.DocumentStatus === 'bost_Close' || row.DocumentStatus === 'C';
  const lines = Array.isArray(row.DocumentLines) ? (row.DocumentLines as Row[]) : [];
  return {
    externalId: String(row.DocEntry),
    customerExternalId: String(row.CardCode ?? ''),
    number: str(row.DocNum),
    date: dateOf(row.DocDate) ?? '',
    dueDate: dateOf(row.DocDueDate),
    currency: str(row.DocCurrency),
    total,
    balance: cancelled ? 0 : round2(total - num(row.PaidToDate)),
    status: cancelled ? 'cancelled' : closed ? 'closed' : 'open',
    lines: lines.map((line) => ({
      description: str(line.ItemDescription) ?? str(line.ItemCode),
      quantity: line.Quantity === null || line.Quantity === undefined ? null : num(line.Quantity),
      rate: line.Price === null || line.Price === undefined ? null : round2(num(line.Price)),
      amount: round2(num(line.LineTotal)),
    })),
    updatedAt: isoOf(stampOf(row)),
  };
}

function toPayment(row: Row): ExternalPayment {
  const checks = Array.isArray(row.PaymentChecks) ? (row.PaymentChecks as Row[]) : [];
  const cards = Array.isArray(row.PaymentCreditCards) ? (row.PaymentCreditCards as Row[]) : [];
  // DocTotal when the payment carries it; otherwise the sum of its means of payment.
  const amount =
    typeof row.DocTotal === 'number'
      ? row.DocTotal
      : num(row.CashSum) +
        num(row.TransferSum) +
        checks.reduce((sum, c) => sum + num(c.CheckSum), 0) +
        cards.reduce((sum, c) => sum + num(c.CreditSum), 0);
  const applied = Array.isArray(row.PaymentInvoices) ? (row.PaymentInvoices as Row[]) : [];
  return {
    externalId: String(row.DocEntry),
    customerExternalId: String(row.CardCode ?? ''),
    date: dateOf(row.DocDate) ?? '',
    amount: round2(amount),
    currency: str(row.DocCurrency),
    reference: str(row.TransferReference) ?? str(row.CounterReference) ?? str(row.DocNum),
    invoiceExternalIds: applied
      .filter((line) => line.InvoiceType === undefined || line.InvoiceType === 'it_Invoice')
      .map((line) => String(line.DocEntry)),
    updatedAt: isoOf(stampOf(row)),
    deleted: row.Cancelled === 'tYES' ? true : undefined,
  };
}

/** The connector's fields as a BusinessPartner body: known names only, numbers as text, null clears. */
function bpBody(fields: Record<string, FieldValue>): Row {
  const body: Row = {};
  for (const name of WRITABLE) {
    if (!(name in fields)) continue;
    const value = fields[name];
    body[name] = value === null || value === undefined ? '' : String(value);
  }
  return body;
}

function quoteKey(code: string): string {
  return `'${code.replaceAll("'", "''")}'`;
}

/** A CardCode from the push key: a hash, because uuid v7 keys share their leading (time) digits. */
export function cardCodeForKey(key: string): string {
  return `IP${createHash('sha256').update(key).digest('hex').slice(0, 13).toUpperCase()}`;
}

// ---- incremental reads ---------------------------------------------------------------------------------------

function parseCheckpoint(checkpoint: string | null): Checkpoint {
  if (!checkpoint) return { at: null };
  try {
    const parsed = JSON.parse(checkpoint) as Checkpoint;
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // A bare "YYYY-MM-DDTHH:MM:SS" (set by hand to re-read from a time).
  }
  return { at: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(checkpoint) ? checkpoint : null };
}

function minusMinutes(stamp: string, minutes: number): string {
  return new Date(Date.parse(`${stamp}Z`) - minutes * 60_000).toISOString().slice(0, 19);
}

async function readSet<T>(
  ctx: ConnectorContext,
  set: string,
  filter: string | null,
  select: string,
  checkpoint: string | null,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const state = parseCheckpoint(checkpoint);
  const overlap = typeof ctx.settings.overlapMinutes === 'number' ? ctx.settings.overlapMinutes : 10;
  const pageSize = typeof ctx.settings.pageSize === 'number' ? ctx.settings.pageSize : DEFAULT_PAGE_SIZE;
  const from = state.next ? (state.from ?? null) : state.at ? minusMinutes(state.at, overlap) : null;
  let url: string;
  if (state.next) {
    // nextLink comes as "/b1s/v1/Set?...", "Set?..." (relative to the service root) or a full URL.
    url = new URL(state.next, `${base(ctx)}/`).toString();
  } else {
    const clauses = filter ? [filter] : [];
    if (from) {
      const day = from.slice(0, 10);
      clauses.push(`UpdateDate ge ${isV2(ctx) ? day : `'${day}'`}`);
    }
    const query = new URLSearchParams({ $orderby: 'UpdateDate,UpdateTime' });
    if (select) query.set('$select', select);
    if (clauses.length) query.set('$filter', clauses.join(' and '));
    url = `${base(ctx)}/${set}?${query.toString().replaceAll('+', '%20')}`;
  }
  const res = await call(ctx, { method: 'GET', url, headers: { prefer: `odata.maxpagesize=${pageSize}` } });
  const body = res.json<{ value?: Row[]; 'odata.nextLink'?: string; '@odata.nextLink'?: string }>();
  const rows = body.value ?? [];
  let at = state.at;
  const records: T[] = [];
  for (const row of rows) {
    const stamp = stampOf(row);
    if (from && stamp && stamp < from) continue;
    if (stamp && (!at || stamp > at)) at = stamp;
    records.push(map(row));
  }
  const next = body['odata.nextLink'] ?? body['@odata.nextLink'];
  if (next) return { records, checkpoint: JSON.stringify({ at, next, from } satisfies Checkpoint), more: true };
  return { records, checkpoint: JSON.stringify({ at } satisfies Checkpoint), more: false };
}

// ---- the connector --------------------------------------------------------------------------------------------

async function getBp(ctx: ConnectorContext, code: string): Promise<Row | null> {
  try {
    const res = await call(ctx, { method: 'GET', url: `${base(ctx)}/BusinessPartners(${quoteKey(code)})` });
    return res.json<Row>();
  } catch (error) {
    if (error instanceof ErpError && error.kind === 'not_found') return null;
    throw error;
  }
}

export const sapB1Connector: Connector = {
  id: 'sapb1',
  label: 'SAP Business One',
  settings,
  secretFields: [{ name: 'password', label: 'Password', required: true }],
  // The Service Layer has no published limit; this keeps one connection from crowding a shared server.
  rateLimit: { perSecond: 20 },
  reads: ['customer', 'invoice', 'payment'],
  writes: ['customer'],
  customerFields: [
    { name: 'CardName', label: 'Name', type: 'text', required: true, maxLength: 100 },
    { name: 'EmailAddress', label: 'E-mail', type: 'email', maxLength: 100 },
    { name: 'Phone1', label: 'Telephone 1', type: 'phone', maxLength: 20 },
    { name: 'Cellular', label: 'Mobile phone', type: 'phone', maxLength: 50 },
    { name: 'FederalTaxID', label: 'Federal tax ID', type: 'text', maxLength: 32 },
    { name: 'ContactPerson', label: 'Contact person', type: 'text', maxLength: 90 },
    { name: 'Address', label: 'Address', type: 'text', maxLength: 100 },
    { name: 'City', label: 'City', type: 'text', maxLength: 100 },
    { name: 'ZipCode', label: 'Zip code', type: 'text', maxLength: 20 },
    { name: 'Country', label: 'Country (code)', type: 'text', maxLength: 3 },
    { name: 'FreeText', label: 'Remarks', type: 'text', maxLength: 254 },
  ],
  defaultCustomerMapping: [
    { leadField: 'companyName', erpField: 'CardName' },
    { leadField: 'name', erpField: 'ContactPerson' },
    { leadField: 'emails', erpField: 'EmailAddress' },
    { leadField: 'phones', erpField: 'Phone1' },
    { leadField: 'city', erpField: 'City' },
    { leadField: 'notes', erpField: 'FreeText' },
  ],
  matchFields: ['FederalTaxID', 'EmailAddress', 'Phone1', 'Cellular', 'CardName'],

  async check(ctx) {
    // Always a fresh login: a cached session would hide a changed password.
    const { version } = await login(ctx);
    await call(ctx, {
      method: 'GET',
      url: `${base(ctx)}/BusinessPartners?$select=CardCode&$top=1&$filter=${encodeURIComponent("CardType eq 'cCustomer'")}`,
    });
    const release = version ? ` (Service Layer ${version})` : '';
    return `SAP Business One company ${String(ctx.settings.companyDb)} as ${String(ctx.settings.userName)}${release}`;
  },

  readCustomers(ctx, checkpoint) {
    return readSet(ctx, 'BusinessPartners', "CardType eq 'cCustomer'", BP_SELECT, checkpoint, toCustomer);
  },

  readInvoices(ctx, checkpoint) {
    return readSet(ctx, 'Invoices', null, INVOICE_SELECT, checkpoint, toInvoice);
  },

  readPayments(ctx, checkpoint) {
    // No $select: the payment's sums and PaymentInvoices vary by release; the whole entity is small.
    return readSet(ctx, 'IncomingPayments', null, '', checkpoint, toPayment);
  },

  async getCustomer(ctx, externalId) {
    const row = await getBp(ctx, externalId);
    return row ? toCustomer(row) : null;
  },

  async createCustomer(ctx, fields, key) {
    const code = cardCodeForKey(key);
    try {
      const res = await call(ctx, {
        method: 'POST',
        url: `${base(ctx)}/BusinessPartners`,
        body: { CardCode: code, CardType: 'cCustomer', ...bpBody(fields) },
      });
      return toCustomer(res.json<Row>());
    } catch (error) {
      if (!(error instanceof ErpError) || error.kind !== 'duplicate') throw error;
      // A retry of this key (the first attempt may have timed out after SAP stored it): return what is there.
      const existing = await getBp(ctx, code);
      const type = existing?.CardType;
      if (existing && (type === 'cCustomer' || type === 'C')) return toCustomer(existing);
      throw error;
    }
  },

  async updateCustomer(ctx, externalId, version, fields) {
    const url = `${base(ctx)}/BusinessPartners(${quoteKey(externalId)})`;
    const current = (await call(ctx, { method: 'GET', url })).json<Row>();
    const stamp = stampOf(current);
    // v1 has no ETag, so the UpdateDate+UpdateTime read earlier is compared here.
    if (version && stamp !== version) {
      throw new ErpError(
        'stale',
        `Business partner '${externalId}' was changed in SAP Business One at ${stamp ?? 'an unknown time'}, after it was read (${version})`,
      );
    }
    const etag = typeof current['@odata.etag'] === 'string' ? current['@odata.etag'] : null;
    await call(ctx, {
      method: 'PATCH',
      url,
      body: bpBody(fields),
      headers: isV2(ctx) && etag ? { 'if-match': etag } : {},
    });
    const updated = await getBp(ctx, externalId);
    if (!updated) throw new ErpError('not_found', `Business partner '${externalId}' is gone from SAP Business One`);
    return toCustomer(updated);
  },
};
