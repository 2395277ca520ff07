import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * A local stand-in for the SAP Business One Service Layer (/b1s/v1, OData v3; or /b1s/v2, OData v4), as the
 * sapb1 connector uses it. Shapes come from the samples in fixtures/erp/sapb1 (SAP's guide "Working with SAP
 * Business One Service Layer" v1.28):
 *   - POST /Login -> 200, Set-Cookie B1SESSION (HttpOnly) and ROUTEID=.node1; path=/b1s, body as in the login
 *     sample (odata.metadata, SessionId, Version, SessionTimeout in minutes); POST /Logout -> 204. Every other
 *     request needs the B1SESSION cookie, else 401 code 301 (the invalid-session sample).
 *   - GET /BusinessPartners, /Invoices, /IncomingPayments with $filter (and-joined comparisons), $orderby
 *     (UpdateDate,UpdateTime or the key), $select, $skip, $top; pages of 20 or `Prefer: odata.maxpagesize=N`
 *     (answered with Preference-Applied) and odata.nextLink / @odata.nextLink carrying $skip (collection sample).
 *   - GET /BusinessPartners('c1'), POST /BusinessPartners (201 + entity; an existing CardCode -> the -10 sample),
 *     PATCH /BusinessPartners('c1') (204; in v2 a stale If-Match -> 412 with the v2 -2039 sample);
 *     GET /Invoices(n), /IncomingPayments(n). Documents carry the fields of the OrdersService_Preview sample.
 *   - Errors in the v1 shape {"error":{"code":<number>,"message":{"lang","value"}}} or, in v2, string code and
 *     string message (the 412 sample's shape).
 * Where no sample existed: the wrong-password reply (401, code 100000027 "Fail to get DB Credentials from SLD") is
 * what client code for Service Layer logins checks for; "No matching records found (ODBC -2028)" with 404 is SAP's
 * DI message for a missing key; "Property '<p>' of '<type>' is invalid" (-1000) and "Value too long in property"
 * (-5002) follow the Service Layer's own wording. The 503 + Retry-After throttle stands for a load balancer in
 * front of the Service Layer, which itself has no documented rate limit.
 * Record dates: UpdateDate "YYYY-MM-DD" (v2: "YYYY-MM-DDT00:00:00Z") and UpdateTime "HH:MM:SS" from a fake clock
 * that moves one second per write, so every change gets a new UpdateDate+UpdateTime and ETag.
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/erp/sapb1');
export function sapFixture(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8');
}

export interface SapError {
  status: number;
  code: number;
  message: string;
}

/**
 * A body printed in one of the guide's text samples: the JSON after the `---- <header>` line, with the PDF's
 * line breaks inside strings joined again (directly after a '/', else with one space).
 */
export function sapSampleBlock(file: string, header: string): Record<string, unknown> {
  const lines = sapFixture(file).split('\n');
  const start = lines.findIndex((line) => line.startsWith('----') && line.includes(header));
  if (start < 0) throw new Error(`No block "${header}" in ${file}`);
  let text = '';
  for (const raw of lines.slice(start + 1)) {
    if (raw.startsWith('----') || raw.startsWith('#')) break;
    const line = raw.replace(/^\s*HTTP\/1\.1 \d+ [A-Za-z ]+?(?=\s*\{|$)/, '').replace(/^\s*Set-Cookie:.*$/, '');
    if (/^\s*Content-Type:/.test(line) || !line.trim()) continue;
    text += text.endsWith('/') ? line.trim() : ` ${line.trim()}`;
  }
  text = text.trim();
  return JSON.parse(text.startsWith('{') ? text : `{${text}}`) as Record<string, unknown>;
}

/** An error sample from sapb1_errors__...txt by its SAP code (-10, -5006, 804, -6006, -1000, 301). */
export function sapErrorSample(code: number): SapError {
  const file = 'sapb1_errors__sap_service_layer_guide_v1.28.txt';
  const header = sapFixture(file)
    .split('\n')
    .find((line) => line.startsWith('---- v1') && /code (-?\d+)/.exec(line)?.[1] === String(code));
  if (!header) throw new Error(`No sample for SAP code ${code}`);
  const status = Number(/HTTP (\d{3})/.exec(header)?.[1] ?? 400);
  const error = sapSampleBlock(file, header.slice(5)).error as { code: number; message: { value: string } };
  return { status, code: error.code, message: error.message.value };
}

export type SapRow = Record<string, unknown>;

export interface SapRequest {
  method: string;
  /** The path after /b1s/vN, e.g. "/BusinessPartners('c1')". */
  path: string;
  query: Record<string, string>;
  cookie: string | null;
  prefer: string | null;
  ifMatch: string | null;
  /** The parsed JSON body (the Login password replaced by "***"). */
  body: unknown;
}

interface EntitySet {
  key: string;
  /** Kept ordered by UpdateDate+UpdateTime, then key: the order incremental reads ask for. */
  rows: SapRow[];
  byKey: Map<string, SapRow>;
  /** Bumped on every write; invalidates the cached query results. */
  version: number;
  cache: Map<string, SapRow[]>;
}

export interface FakeSapB1Options {
  /** 'v2' serves /b1s/v2 (OData v4 annotations, string error codes, ETag/If-Match). */
  odata?: 'v1' | 'v2';
  companyDb?: string;
  userName?: string;
  password?: string;
  sessionTimeoutMinutes?: number;
  /** The clock's start (ISO); each write moves it one second on. Default: now, whole seconds. */
  clock?: string;
  /** How odata.nextLink is written: "/b1s/v1/Set?...", "Set?..." (relative to the service) or a full URL. */
  nextLinkStyle?: 'path' | 'relative' | 'absolute';
}

type Predicate = (row: SapRow) => boolean;

const SETS = { BusinessPartners: 'CardCode', Invoices: 'DocEntry', IncomingPayments: 'DocEntry' } as const;
type SetName = keyof typeof SETS;

const BP_PROPERTIES: Record<string, number> = {
  CardCode: 15,
  CardName: 100,
  CardType: 20,
  GroupCode: 0,
  EmailAddress: 100,
  Phone1: 20,
  Phone2: 20,
  Cellular: 50,
  Fax: 20,
  FederalTaxID: 32,
  ContactPerson: 90,
  Address: 100,
  City: 100,
  County: 100,
  ZipCode: 20,
  Country: 3,
  Notes: 100,
  FreeText: 254,
  Currency: 3,
  Valid: 10,
  Frozen: 10,
  BPAddresses: 0,
};

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function stampParts(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

function stampOf(row: SapRow): string {
  return `${String(row.UpdateDate).slice(0, 10)}T${String(row.UpdateTime ?? '00:00:00')}`;
}

function compareRows(key: string): (a: SapRow, b: SapRow) => number {
  return (a, b) => {
    const sa = stampOf(a);
    const sb = stampOf(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ka = a[key] as string | number;
    const kb = b[key] as string | number;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export class FakeSapB1 {
  readonly requests: SapRequest[] = [];
  url = '';
  readonly odata: 'v1' | 'v2';
  companyDb: string;
  userName: string;
  password: string;
  sessionTimeoutMinutes: number;
  nextLinkStyle: 'path' | 'relative' | 'absolute';
  /** Live sessions: B1SESSION -> expiry (ms). */
  readonly sessions = new Map<string, number>();
  logins = 0;
  private clockMs: number;
  private nextDocEntry = 1;
  private readonly sets: Record<SetName, EntitySet>;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  private throttles: { count: number; retryAfter: number } = { count: 0, retryAfter: 1 };
  private failures: { status: number; body: string; contentType: string }[] = [];
  private hangs = 0;
  private stalePatches = 0;

  constructor(options: FakeSapB1Options = {}) {
    this.odata = options.odata ?? 'v1';
    this.companyDb = options.companyDb ?? 'SBODEMOUS';
    this.userName = options.userName ?? 'manager';
    this.password = options.password ?? '1234';
    this.sessionTimeoutMinutes = options.sessionTimeoutMinutes ?? 30;
    this.nextLinkStyle = options.nextLinkStyle ?? 'path';
    this.clockMs = options.clock ? Date.parse(options.clock) : Math.floor(Date.now() / 1000) * 1000;
    const set = (key: string): EntitySet => ({ key, rows: [], byKey: new Map(), version: 0, cache: new Map() });
    this.sets = { BusinessPartners: set('CardCode'), Invoices: set('DocEntry'), IncomingPayments: set('DocEntry') };
  }

  async start(): Promise<this> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/b1s/${this.odata}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  // ---- records -------------------------------------------------------------------------------------------

  get businessPartners(): Map<string, SapRow> {
    return this.sets.BusinessPartners.byKey;
  }
  get invoices(): Map<string, SapRow> {
    return this.sets.Invoices.byKey;
  }
  get payments(): Map<string, SapRow> {
    return this.sets.IncomingPayments.byKey;
  }

  /** Sets the clock (ISO, read as the server's time); the next write is stamped one second after it. */
  setClock(iso: string): void {
    this.clockMs = Date.parse(iso);
  }

  /** The UpdateDate+UpdateTime of the last write ("YYYY-MM-DDTHH:MM:SS"). */
  get clock(): string {
    const { date, time } = stampParts(this.clockMs);
    return `${date}T${time}`;
  }

  private tick(): { date: string; time: string } {
    this.clockMs += 1000;
    return stampParts(this.clockMs);
  }

  private place(setName: SetName, row: SapRow): void {
    const set = this.sets[setName];
    const keyValue = String(row[set.key]);
    const old = set.byKey.get(keyValue);
    if (old) set.rows.splice(set.rows.indexOf(old), 1);
    set.byKey.set(keyValue, row);
    // Writes come in clock order, so this is nearly always an append; seeded back-dated rows are inserted in place.
    const cmp = compareRows(set.key);
    let lo = set.rows.length;
    if (lo > 0 && cmp(set.rows[lo - 1] as SapRow, row) > 0) {
      lo = 0;
      let hi = set.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(set.rows[mid] as SapRow, row) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    set.rows.splice(lo, 0, row);
    set.version++;
    set.cache.clear();
  }

  private stamped(row: SapRow, at?: string): SapRow {
    if (at) {
      const { date, time } = stampParts(Date.parse(at.endsWith('Z') ? at : `${at}Z`));
      return { ...row, UpdateDate: date, UpdateTime: time };
    }
    const { date, time } = this.tick();
    return { ...row, UpdateDate: date, UpdateTime: time };
  }

  /** A business partner (a customer unless CardType says otherwise); `updatedAt` back-dates it (ISO). */
  addBusinessPartner(fields: SapRow & { CardCode: string }, updatedAt?: string): SapRow {
    const row = this.stamped(
      {
        CardName: null,
        CardType: 'cCustomer',
        GroupCode: 100,
        EmailAddress: null,
        Phone1: null,
        Phone2: null,
        Cellular: null,
        Fax: null,
        FederalTaxID: null,
        ContactPerson: null,
        Address: null,
        City: null,
        County: null,
        ZipCode: null,
        Country: null,
        Notes: null,
        FreeText: null,
        Currency: '##',
        Valid: 'tYES',
        Frozen: 'tNO',
        BPAddresses: [],
        ...fields,
      },
      updatedAt,
    );
    row.CreateDate ??= row.UpdateDate;
    row.CreateTime ??= row.UpdateTime;
    this.place('BusinessPartners', row);
    return row;
  }

  /** A bookkeeper's edit in SAP: the changes applied and UpdateDate/UpdateTime moved on. */
  editBusinessPartner(cardCode: string, changes: SapRow): SapRow {
    return this.edit('BusinessPartners', cardCode, changes);
  }
  editInvoice(docEntry: number, changes: SapRow): SapRow {
    return this.edit('Invoices', String(docEntry), changes);
  }
  editPayment(docEntry: number, changes: SapRow): SapRow {
    return this.edit('IncomingPayments', String(docEntry), changes);
  }

  private edit(setName: SetName, key: string, changes: SapRow): SapRow {
    const old = this.sets[setName].byKey.get(key);
    if (!old) throw new Error(`No ${setName} ${key}`);
    const row = this.stamped({ ...old, ...changes });
    this.place(setName, row);
    return row;
  }

  /** An A/R invoice; lines as { ItemDescription, Quantity, Price }, DocTotal their sum unless given. */
  addInvoice(
    fields: SapRow & {
      CardCode: string;
      lines?: { ItemCode?: string; ItemDescription: string; Quantity: number; Price: number }[];
    },
    updatedAt?: string,
  ): SapRow {
    const { lines = [], ...rest } = fields;
    const docEntry = (rest.DocEntry as number | undefined) ?? this.nextDocEntry;
    this.nextDocEntry = Math.max(this.nextDocEntry, docEntry + 1);
    const documentLines = lines.map((line, index) => ({
      LineNum: index,
      ItemCode: line.ItemCode ?? `i${index + 1}`,
      ItemDescription: line.ItemDescription,
      Quantity: line.Quantity,
      Price: line.Price,
      UnitPrice: line.Price,
      LineTotal: round2(line.Quantity * line.Price),
      Currency: (rest.DocCurrency as string | undefined) ?? '$',
      TaxCode: '',
      LineStatus: 'bost_Open',
      DocEntry: docEntry,
    }));
    const total = round2(documentLines.reduce((sum, line) => sum + line.LineTotal, 0));
    const date = stampParts(this.clockMs).date;
    const row = this.stamped(
      {
        DocEntry: docEntry,
        DocNum: docEntry,
        DocType: 'dDocument_Items',
        DocDate: date,
        DocDueDate: date,
        CardName: this.businessPartners.get(rest.CardCode)?.CardName ?? null,
        DocTotal: total,
        DocCurrency: '$',
        PaidToDate: 0,
        DocumentStatus: 'bost_Open',
        Cancelled: 'tNO',
        DocObjectCode: 'oInvoices',
        DocumentLines: documentLines,
        ...rest,
      },
      updatedAt,
    );
    this.place('Invoices', row);
    return row;
  }

  /** An incoming payment; `invoices` lists the DocEntry values it pays with the sums applied. */
  addPayment(
    fields: SapRow & { CardCode: string; invoices?: { DocEntry: number; SumApplied: number }[] },
    updatedAt?: string,
  ): SapRow {
    const { invoices = [], ...rest } = fields;
    const docEntry = (rest.DocEntry as number | undefined) ?? this.nextDocEntry;
    this.nextDocEntry = Math.max(this.nextDocEntry, docEntry + 1);
    const row = this.stamped(
      {
        DocEntry: docEntry,
        DocNum: docEntry,
        DocType: 'rCustomer',
        DocDate: stampParts(this.clockMs).date,
        CardName: this.businessPartners.get(rest.CardCode)?.CardName ?? null,
        CashSum: 0,
        TransferSum: round2(invoices.reduce((sum, line) => sum + line.SumApplied, 0)),
        TransferReference: null,
        DocCurrency: '$',
        Remarks: null,
        Cancelled: 'tNO',
        PaymentInvoices: invoices.map((line, index) => ({
          LineNum: index,
          DocEntry: line.DocEntry,
          SumApplied: line.SumApplied,
          InvoiceType: 'it_Invoice',
        })),
        ...rest,
      },
      updatedAt,
    );
    this.place('IncomingPayments', row);
    return row;
  }

  /**
   * Deterministic synthetic data for benchmarks: customers C0000001..., invoices (two lines each, every third
   * half paid) spread over customers, payments for the first invoices. Rows are built already in update order.
   */
  seedBulk(counts: { customers?: number; invoices?: number; payments?: number }): void {
    const customers = counts.customers ?? 0;
    const invoices = counts.invoices ?? 0;
    const payments = counts.payments ?? 0;
    const bulk = (setName: SetName, rows: SapRow[]): void => {
      const set = this.sets[setName];
      for (const row of rows) set.byKey.set(String(row[set.key]), row);
      set.rows = [...set.byKey.values()].sort(compareRows(set.key));
      set.version++;
      set.cache.clear();
    };
    const next = (): { date: string; time: string } => this.tick();
    const bps: SapRow[] = [];
    for (let i = 1; i <= customers; i++) {
      const { date, time } = next();
      const code = `C${pad(i, 7)}`;
      bps.push({
        CardCode: code,
        CardName: `Customer ${i}`,
        CardType: 'cCustomer',
        GroupCode: 100,
        EmailAddress: `customer${i}@example.com`,
        Phone1: `+1555${pad(i, 7)}`,
        Cellular: null,
        FederalTaxID: `TAX${pad(i, 7)}`,
        ContactPerson: `Contact ${i}`,
        Address: `${i} Main Street`,
        City: 'Springfield',
        ZipCode: pad(i % 100000, 5),
        Country: 'US',
        FreeText: null,
        Currency: '##',
        Valid: 'tYES',
        Frozen: 'tNO',
        BPAddresses: [],
        CreateDate: date,
        CreateTime: time,
        UpdateDate: date,
        UpdateTime: time,
      });
    }
    bulk('BusinessPartners', bps);
    const docs: SapRow[] = [];
    const firstInvoice = this.nextDocEntry;
    for (let i = 0; i < invoices; i++) {
      const { date, time } = next();
      const docEntry = this.nextDocEntry++;
      const qty = (i % 5) + 1;
      const price = 10 + (i % 90);
      const lineTotal = qty * price;
      const total = lineTotal + 25;
      docs.push({
        DocEntry: docEntry,
        DocNum: docEntry,
        DocType: 'dDocument_Items',
        DocDate: date,
        DocDueDate: date,
        CardCode: `C${pad((i % Math.max(customers, 1)) + 1, 7)}`,
        DocTotal: total,
        DocCurrency: '$',
        PaidToDate: i % 3 === 0 ? round2(total / 2) : 0,
        DocumentStatus: 'bost_Open',
        Cancelled: 'tNO',
        DocumentLines: [
          { LineNum: 0, ItemCode: 'i1', ItemDescription: 'Widget', Quantity: qty, Price: price, LineTotal: lineTotal },
          { LineNum: 1, ItemCode: 'i2', ItemDescription: 'Service', Quantity: 1, Price: 25, LineTotal: 25 },
        ],
        UpdateDate: date,
        UpdateTime: time,
      });
    }
    bulk('Invoices', docs);
    const pays: SapRow[] = [];
    for (let i = 0; i < payments; i++) {
      const { date, time } = next();
      const docEntry = this.nextDocEntry++;
      const invoice = invoices > 0 ? firstInvoice + (i % invoices) : null;
      pays.push({
        DocEntry: docEntry,
        DocNum: docEntry,
        DocType: 'rCustomer',
        DocDate: date,
        CardCode: `C${pad((i % Math.max(customers, 1)) + 1, 7)}`,
        CashSum: 0,
        TransferSum: 50,
        TransferReference: `TR${docEntry}`,
        DocCurrency: '$',
        Cancelled: 'tNO',
        PaymentInvoices: invoice ? [{ LineNum: 0, DocEntry: invoice, SumApplied: 50, InvoiceType: 'it_Invoice' }] : [],
        UpdateDate: date,
        UpdateTime: time,
      });
    }
    bulk('IncomingPayments', pays);
  }

  // ---- faults --------------------------------------------------------------------------------------------

  /** Ends every session, as the SessionTimeout would: the next request gets 401 code 301. */
  expireSession(): void {
    this.sessions.clear();
  }

  /** The next `count` requests get 503 with Retry-After (a load balancer shedding load). */
  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.throttles = { count, retryAfter: retryAfterSeconds };
  }

  /** The next request (other than a Login) gets this SAP error (e.g. from sapErrorSample) in the server's shape. */
  failNextWith(error: SapError): void {
    this.failures.push({ status: error.status, body: JSON.stringify(this.errorBody(error)), contentType: 'json' });
  }

  /** The next request (other than a Login) gets a bare 5xx, as a proxy before a stopped Service Layer sends it. */
  failNext(status = 502, body = 'Proxy Error'): void {
    this.failures.push({ status, body, contentType: 'text/plain' });
  }

  /** The next `count` requests get no answer at all (the client's timeout fires; close() drops the sockets). */
  hangNext(count = 1): void {
    this.hangs += count;
  }

  /** The next PATCH finds the record changed by someone else just before it (v1: new UpdateTime; v2: 412). */
  changeBeforeNextPatch(): void {
    this.stalePatches++;
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------

  private errorBody(error: { code: number; message: string }): unknown {
    return this.odata === 'v2'
      ? { error: { code: String(error.code), message: error.message } }
      : { error: { code: error.code, message: { lang: 'en-us', value: error.message } } };
  }

  private sendError(res: ServerResponse, error: SapError): void {
    this.sendJson(res, error.status, this.errorBody(error));
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private get metadata(): string {
    return `${this.url}/$metadata`;
  }

  private etag(row: SapRow): string {
    return `W/"${createHash('sha1').update(JSON.stringify(row)).digest('hex').toUpperCase()}"`;
  }

  /** A row as the wire shows it: v2 dates as date-times, the annotations of the OData version. */
  private present(row: SapRow, setName: SetName, select: string[] | null, entity: boolean): SapRow {
    const out: SapRow = {};
    if (entity) {
      if (this.odata === 'v2') {
        out['@odata.context'] = `${this.metadata}#${setName}/$entity`;
        out['@odata.etag'] = this.etag(row);
      } else {
        out['odata.metadata'] = `${this.metadata}#${setName}/@Element`;
        out['odata.etag'] = this.etag(row);
      }
    } else if (this.odata === 'v2') out['@odata.etag'] = this.etag(row);
    else out['odata.etag'] = this.etag(row);
    for (const [name, value] of Object.entries(row)) {
      if (select && !select.includes(name)) continue;
      const isDate = /Date$/.test(name) && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
      out[name] = isDate && this.odata === 'v2' ? `${value}T00:00:00Z` : value;
    }
    return out;
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private cookieSession(req: IncomingMessage): string | null {
    const cookie = req.headers.cookie ?? '';
    const match = /(?:^|;\s*)B1SESSION=([^;]+)/.exec(cookie);
    return match?.[1] ?? null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = `/b1s/${this.odata}`;
    const path = decodeURIComponent(url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname);
    const raw = await this.readBody(req);
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const recorded =
      path === '/Login' && body && typeof body === 'object' ? { ...(body as SapRow), Password: '***' } : body;
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      cookie: req.headers.cookie ?? null,
      prefer: (req.headers.prefer as string | undefined) ?? null,
      ifMatch: (req.headers['if-match'] as string | undefined) ?? null,
      body: recorded,
    });

    if (this.hangs > 0) {
      this.hangs--;
      // Never answers; the client's timeout fires and close() drops the socket.
      return;
    }
    if (this.throttles.count > 0) {
      this.throttles.count--;
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': String(this.throttles.retryAfter) });
      res.end('Service Unavailable');
      return;
    }
    // Injected failures leave the Login alone, so that a re-login between two of them goes through.
    const failure = path === '/Login' ? undefined : this.failures.shift();
    if (failure) {
      const type = failure.contentType === 'json' ? 'application/json;charset=utf-8' : failure.contentType;
      res.writeHead(failure.status, { 'content-type': type });
      res.end(failure.body);
      return;
    }

    if (req.method === 'POST' && path === '/Login') return this.login(res, body);
    const session = this.cookieSession(req);
    const expiry = session ? this.sessions.get(session) : undefined;
    if (!session || expiry === undefined || expiry < Date.now()) {
      const sample = JSON.parse(
        sapFixture('sapb1_error_invalid_session_401__sap_service_layer_guide_v1.28_sec3.1.1.json'),
      ) as { error: { code: number; message: { value: string } } };
      return this.sendError(res, { status: 401, code: sample.error.code, message: sample.error.message.value });
    }
    // Each request keeps the session alive for another SessionTimeout.
    this.sessions.set(session, Date.now() + this.sessionTimeoutMinutes * 60_000);
    if (req.method === 'POST' && path === '/Logout') {
      this.sessions.delete(session);
      res.writeHead(204);
      res.end();
      return;
    }

    const match = /^\/(BusinessPartners|Invoices|IncomingPayments)(?:\((?:'((?:[^']|'')*)'|(\d+))\))?$/.exec(path);
    if (!match) {
      return this.sendError(res, { status: 404, code: -1, message: `Resource not found for the segment '${path}'.` });
    }
    const setName = match[1] as SetName;
    const key = match[2] !== undefined ? match[2].replaceAll("''", "'") : match[3];
    if (key === undefined && req.method === 'GET')
      return this.query(res, setName, url, req.headers.prefer as string | undefined);
    if (key === undefined && req.method === 'POST' && setName === 'BusinessPartners') return this.createBp(res, body);
    if (key !== undefined && req.method === 'GET') return this.getOne(res, setName, key);
    if (key !== undefined && req.method === 'PATCH' && setName === 'BusinessPartners') {
      return this.patchBp(res, key, body, (req.headers['if-match'] as string | undefined) ?? null);
    }
    const notSupported = sapErrorSample(-5006);
    return this.sendError(res, notSupported);
  }

  private login(res: ServerResponse, body: unknown) {
    const input = (body ?? {}) as { CompanyDB?: string; UserName?: string; Password?: string };
    if (input.CompanyDB !== this.companyDb || input.UserName !== this.userName || input.Password !== this.password) {
      return this.sendError(res, { status: 401, code: 100000027, message: 'Fail to get DB Credentials from SLD' });
    }
    this.logins++;
    const id = randomUUID();
    this.sessions.set(id, Date.now() + this.sessionTimeoutMinutes * 60_000);
    const sample = sapSampleBlock(
      'sapb1_login_logout_session__sap_service_layer_guide_v1.28.txt',
      'response on success',
    );
    const reply: SapRow = { ...sample, SessionId: id, SessionTimeout: this.sessionTimeoutMinutes };
    if (this.odata === 'v2') {
      delete reply['odata.metadata'];
      reply['@odata.context'] = `${this.metadata}#B1Sessions/$entity`;
    } else reply['odata.metadata'] = `${this.metadata}#B1Sessions/@Element`;
    res.setHeader('set-cookie', [`B1SESSION=${id};HttpOnly;`, 'ROUTEID=.node1; path=/b1s']);
    this.sendJson(res, 200, reply);
  }

  private getOne(res: ServerResponse, setName: SetName, key: string) {
    const row = this.sets[setName].byKey.get(key);
    if (!row)
      return this.sendError(res, { status: 404, code: -2028, message: 'No matching records found (ODBC -2028)' });
    const entity = this.present(row, setName, null, true);
    this.sendJson(res, 200, entity, { etag: this.etag(row) });
  }

  /** SAP refuses unknown properties and over-long strings before anything is stored. */
  private checkBp(input: SapRow): SapError | null {
    for (const [name, value] of Object.entries(input)) {
      const limit = BP_PROPERTIES[name];
      if (limit === undefined)
        return { status: 400, code: -1000, message: `Property '${name}' of 'BusinessPartner' is invalid` };
      if (limit > 0 && typeof value === 'string' && value.length > limit) {
        return { status: 400, code: -5002, message: `Value too long in property '${name}' of 'BusinessPartner'` };
      }
    }
    return null;
  }

  private createBp(res: ServerResponse, body: unknown) {
    const input = (body ?? {}) as SapRow;
    const invalid = this.checkBp(input);
    if (invalid) return this.sendError(res, invalid);
    const code = typeof input.CardCode === 'string' ? input.CardCode : '';
    if (!code) return this.sendError(res, { status: 400, code: -5002, message: 'Enter a business partner code' });
    if (this.businessPartners.has(code)) {
      const duplicate = sapErrorSample(-10);
      return this.sendError(res, { ...duplicate, message: duplicate.message.replace("'c1'", `'${code}'`) });
    }
    const type = input.CardType === 'C' ? 'cCustomer' : input.CardType === 'S' ? 'cSupplier' : input.CardType;
    const row = this.addBusinessPartner({ ...input, CardCode: code, CardType: type ?? 'cCustomer' });
    const entity = this.present(row, 'BusinessPartners', null, true);
    this.sendJson(res, 201, entity, { location: `${this.url}/BusinessPartners('${code}')`, etag: this.etag(row) });
  }

  private patchBp(res: ServerResponse, code: string, body: unknown, ifMatch: string | null) {
    if (!this.businessPartners.has(code)) {
      return this.sendError(res, { status: 404, code: -2028, message: 'No matching records found (ODBC -2028)' });
    }
    if (this.stalePatches > 0) {
      this.stalePatches--;
      this.editBusinessPartner(code, { Notes: 'changed in SAP' });
    }
    const current = this.businessPartners.get(code) as SapRow;
    if (this.odata === 'v2' && ifMatch && ifMatch !== '*' && ifMatch !== this.etag(current)) {
      const sample = JSON.parse(sapFixture('sapb1_v2_error_etag_412__sap_service_layer_guide_v1.28_sec5.2.3.json'));
      return this.sendJson(res, 412, sample);
    }
    const input = { ...((body ?? {}) as SapRow) };
    // Read-only properties are silently ignored (the BusinessPartner sample).
    delete input.CardCode;
    const invalid = this.checkBp(input);
    if (invalid) return this.sendError(res, invalid);
    this.editBusinessPartner(code, input);
    res.writeHead(204);
    res.end();
  }

  private query(res: ServerResponse, setName: SetName, url: URL, prefer: string | undefined) {
    const params = url.searchParams;
    let predicate: Predicate;
    try {
      predicate = parseFilter(params.get('$filter'));
    } catch (error) {
      return this.sendError(res, { status: 400, code: -1000, message: (error as Error).message });
    }
    const orderby = (params.get('$orderby') ?? '').replace(/\s+asc\b/gi, '').replace(/\s+/g, '');
    if (orderby && orderby !== 'UpdateDate,UpdateTime' && orderby !== SETS[setName]) {
      return this.sendError(res, { status: 400, code: -1000, message: `Unsupported $orderby '${orderby}'` });
    }
    const set = this.sets[setName];
    const cacheKey = `${params.get('$filter') ?? ''}|${orderby}`;
    let matched = set.cache.get(cacheKey);
    if (!matched) {
      matched = set.rows.filter(predicate);
      if (orderby !== 'UpdateDate,UpdateTime') {
        matched.sort((a, b) => {
          const ka = a[set.key] as string | number;
          const kb = b[set.key] as string | number;
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
      }
      set.cache.set(cacheKey, matched);
    }
    const skip = Number(params.get('$skip') ?? 0);
    const top = params.has('$top') ? Number(params.get('$top')) : null;
    const asked = /odata\.maxpagesize=(\d+)/.exec(prefer ?? '');
    const pageSize = asked ? Number(asked[1]) : 20;
    const take = pageSize === 0 ? (top ?? matched.length) : Math.min(pageSize, top ?? pageSize);
    const slice = matched.slice(skip, skip + take);
    const select =
      params
        .get('$select')
        ?.split(',')
        .map((s) => s.trim()) ?? null;
    const out: SapRow = {};
    out[this.odata === 'v2' ? '@odata.context' : 'odata.metadata'] = `${this.metadata}#${setName}`;
    out.value = slice.map((row) => this.present(row, setName, select, false));
    if (top === null && skip + slice.length < matched.length) {
      const nextParams = new URLSearchParams(params);
      nextParams.set('$skip', String(skip + slice.length));
      const relative = `${setName}?${nextParams.toString()}`;
      const link =
        this.nextLinkStyle === 'relative'
          ? relative
          : this.nextLinkStyle === 'absolute'
            ? `${this.url}/${relative}`
            : `/b1s/${this.odata}/${relative}`;
      out[this.odata === 'v2' ? '@odata.nextLink' : 'odata.nextLink'] = link;
    }
    const headers: Record<string, string> = asked ? { 'preference-applied': `odata.maxpagesize=${pageSize}` } : {};
    this.sendJson(res, 200, out, headers);
  }
}

/**
 * The $filter subset the connector sends: comparisons joined by `and`, string literals ('x', quotes doubled),
 * numbers, and v4 date literals (2024-01-05). Enum names and values both match ("cCustomer" == "C").
 */
export function parseFilter(filter: string | null): Predicate {
  if (!filter?.trim()) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*(\w+)\s+(eq|ne|ge|gt|le|lt)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?(?:-\d{2}-\d{2})?|null)\s*$/i.exec(
      clause,
    );
    if (!m) throw new Error(`Invalid filter clause: ${clause.trim()}`);
    const [, field, op, literal] = m as unknown as [string, string, string, string];
    let value: string | number | null;
    if (literal === 'null') value = null;
    else if (literal.startsWith("'")) value = literal.slice(1, -1).replaceAll("''", "'");
    else if (/^\d{4}-\d{2}-\d{2}$/.test(literal)) value = literal;
    else value = Number(literal);
    const enumAlias: Record<string, string> = { C: 'cCustomer', S: 'cSupplier', L: 'cLid' };
    if (field === 'CardType' && typeof value === 'string') value = enumAlias[value] ?? value;
    return (row: SapRow): boolean => {
      let actual = row[field] as string | number | null | undefined;
      if (actual === undefined) actual = null;
      if (typeof actual === 'string' && typeof value === 'string' && /Date$/.test(field)) actual = actual.slice(0, 10);
      if (value === null || actual === null)
        return op === 'eq' ? actual === value : op === 'ne' ? actual !== value : false;
      switch (op.toLowerCase()) {
        case 'eq':
          return actual === value;
        case 'ne':
          return actual !== value;
        case 'ge':
          return actual >= value;
        case 'gt':
          return actual > value;
        case 'le':
          return actual <= value;
        default:
          return actual < value;
      }
    };
  });
  return (row) => clauses.every((clause) => clause(row));
}

export async function startFakeSapB1(options: FakeSapB1Options = {}): Promise<FakeSapB1> {
  return new FakeSapB1(options).start();
}
