import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';

/**
 * A local stand-in for TallyPrime's XML-over-HTTP gateway (POST /, no auth), built from the samples in
 * test/fixtures/erp/tally (see README.txt there):
 * - both request dialects: A (VERSION 1, TALLYREQUEST Export|Import, TYPE, ID; DESC/STATICVARIABLES/TDL,
 *   DATA/TALLYMESSAGE) and B (TALLYREQUEST 'Export Data'|'Import Data', REQUESTDESC/REPORTNAME, REQUESTDATA);
 * - exports of inline TDL collections (Company, Ledger, Voucher, Bills) with CHILDOF, FILTER (a SYSTEM Formulae of
 *   $Method comparisons, AND/OR/NOT, $$IsSales/$$IsReceipt), SORT by $AlterID, and COMPUTE of
 *   `$Method:Ledger:$Field` / `$$IsSales:$VoucherTypeName`. Dialect A replies in the shape of
 *   collection_export_response__demo-samples.xml; dialect B replies as Tally's Export Data does (an IMPORTDATA
 *   envelope of TALLYMESSAGEs; no sample existed: modelled on Tally's Export Data replies, not captured). B carrying
 *   inline TDL in REQUESTDESC mirrors A's DESC (no sample either);
 * - imports of LEDGER masters (Create/Alter): dialect B answers the bare <RESPONSE> of
 *   import_response__srinidhi-bs_TallyPrime6.1_real.xml, dialect A the <IMPORTRESULT> envelope of
 *   import_response_envelope_variant__demo-samples.xml; the rejection replays rejection_response__captured_rehearsal.xml.
 *   LINEERROR texts ("Ledger 'X' already exists", "Could not set 'SVCurrentCompany' to 'X'") are modelled on
 *   Tally's wording, not captured;
 * - request bodies in UTF-8 or UTF-16LE (by charset/BOM, as tally-database-loader sends); replies mirror the
 *   request's encoding, or are forced to UTF-8, UTF-16LE (with BOM) or windows-1252 (no charset: em dash = 0x97);
 * - amounts as in the samples: debit positive with ISDEEMEDPOSITIVE Yes, credit negative; dates YYYYMMDD; the
 *   ALTERID counters per masters and vouchers (company AltMstId/AltVchId) bump on every change.
 * Not modelled: group hierarchy (CHILDOF matches the ledger's direct parent), deleted objects, forex.
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/erp/tally');
export function tallyFixture(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8').replace(/<!--[\s\S]*?-->\s*/g, '');
}

export interface FakeLedger {
  guid: string;
  masterId: number;
  alterId: number;
  name: string;
  aliases: string[];
  parent: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  contact: string | null;
  gstin: string | null;
  address: string[];
  state: string | null;
  pincode: string | null;
  country: string | null;
}

export interface FakeBillAllocation {
  name: string;
  type: 'New Ref' | 'Agst Ref' | 'On Account';
  amount: number;
}

export interface FakeEntry {
  ledger: string;
  /** Debit positive, credit negative (as the samples write them). */
  amount: number;
  bills?: FakeBillAllocation[];
}

export interface FakeItem {
  stockItem: string;
  quantity: number;
  unit: string;
  rate: number;
  /** Credit (negative) on a sales voucher. */
  amount: number;
  salesLedger: string;
}

export interface FakeVoucher {
  guid: string;
  masterId: number;
  alterId: number;
  type: string;
  /** The voucher type's class: what $$IsSales / $$IsReceipt test. */
  baseType: 'Sales' | 'Receipt' | 'Journal';
  date: string;
  number: string;
  party: string;
  narration: string | null;
  entries: FakeEntry[];
  items: FakeItem[];
  cancelled: boolean;
}

export interface FakeBill {
  party: string;
  name: string;
  date: string;
  /** Sum of the allocations: debit positive (what the party still owes). */
  closing: number;
}

export interface TallyRequestRecord {
  dialect: 'A' | 'B' | '?';
  kind: 'export' | 'import' | 'function' | 'unknown';
  id: string | null;
  company: string | null;
  contentType: string | null;
  encoding: 'utf-8' | 'utf-16';
  body: string;
}

type ReplyEncoding = 'auto' | 'utf-8' | 'utf-16' | 'windows-1252';
type Value = string | number | boolean | null;

// ---------------------------------------------------------------- TDL formulae (a small, honest subset)

type Operand =
  | { kind: 'field'; name: string }
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'fn'; name: string; arg: Operand };
type Formula =
  | { op: 'and' | 'or'; items: Formula[] }
  | { op: 'not'; item: Formula }
  | { op: 'cmp'; left: Operand; cmp: string; right: Operand }
  | { op: 'bool'; operand: Operand };

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\$\$\w+|\$\w+|"[^"]*"|-?\d+(?:\.\d+)?|<=|>=|<>|!=|=|<|>|\(|\)|:|[A-Za-z]+)/y;
  let pos = 0;
  while (source.slice(pos).trim()) {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) throw new Error(`Cannot read formula at: ${source.slice(pos)}`);
    tokens.push(m[1] ?? '');
    pos = re.lastIndex;
  }
  return tokens;
}

export function parseFormula(source: string): Formula {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const operand = (): Operand => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('Formula ends early');
    if (t.startsWith('$$')) {
      if (tokens[i] !== ':') throw new Error(`${t} needs an argument`);
      i++;
      return { kind: 'fn', name: t.slice(2).toLowerCase(), arg: operand() };
    }
    if (t.startsWith('$')) return { kind: 'field', name: t.slice(1).toLowerCase() };
    if (t.startsWith('"')) return { kind: 'str', value: t.slice(1, -1) };
    if (/^-?\d/.test(t)) return { kind: 'num', value: Number(t) };
    throw new Error(`Unexpected '${t}' in formula`);
  };
  const unary = (): Formula => {
    const t = peek();
    if (t?.toUpperCase() === 'NOT') {
      i++;
      return { op: 'not', item: unary() };
    }
    if (t === '(') {
      i++;
      const inner = or();
      if (tokens[i++] !== ')') throw new Error('Missing )');
      return inner;
    }
    const left = operand();
    const cmp = peek();
    if (cmp && ['=', '<', '>', '<=', '>=', '<>', '!='].includes(cmp)) {
      i++;
      return { op: 'cmp', left, cmp, right: operand() };
    }
    return { op: 'bool', operand: left };
  };
  const chain = (op: 'and' | 'or', next: () => Formula) => (): Formula => {
    const items = [next()];
    while (peek()?.toUpperCase() === op.toUpperCase()) {
      i++;
      items.push(next());
    }
    return items.length === 1 ? (items[0] as Formula) : { op, items };
  };
  const and = chain('and', unary);
  const or = chain('or', and);
  const result = or();
  if (i < tokens.length) throw new Error(`Unexpected '${tokens[i]}' in formula`);
  return result;
}

type Methods = (name: string) => Value;
type Functions = (name: string, arg: Value) => Value;

function operandValue(o: Operand, get: Methods, fns: Functions): Value {
  if (o.kind === 'field') return get(o.name);
  if (o.kind === 'fn') return fns(o.name, operandValue(o.arg, get, fns));
  return o.value;
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' || typeof b === 'number') return Number(a ?? 0) - Number(b ?? 0);
  return String(a ?? '').localeCompare(String(b ?? ''), 'en', { sensitivity: 'accent' });
}

export function evaluate(f: Formula, get: Methods, fns: Functions): boolean {
  switch (f.op) {
    case 'and':
      return f.items.every((x) => evaluate(x, get, fns));
    case 'or':
      return f.items.some((x) => evaluate(x, get, fns));
    case 'not':
      return !evaluate(f.item, get, fns);
    case 'bool':
      return Boolean(operandValue(f.operand, get, fns));
    case 'cmp': {
      const c = compare(operandValue(f.left, get, fns), operandValue(f.right, get, fns));
      if (f.cmp === '=') return c === 0;
      if (f.cmp === '<>' || f.cmp === '!=') return c !== 0;
      if (f.cmp === '<') return c < 0;
      if (f.cmp === '<=') return c <= 0;
      if (f.cmp === '>') return c > 0;
      return c >= 0;
    }
  }
}

/** The AlterID bounds a formula's top-level AND imposes (so a window reads an index, not every object). */
function alterRange(f: Formula): { above: number; atMost: number } {
  const range = { above: Number.NEGATIVE_INFINITY, atMost: Number.POSITIVE_INFINITY };
  const parts = f.op === 'and' ? f.items : [f];
  for (const p of parts) {
    if (p.op !== 'cmp' || p.left.kind !== 'field' || p.left.name !== 'alterid' || p.right.kind !== 'num') continue;
    const n = p.right.value;
    if (p.cmp === '>') range.above = Math.max(range.above, n);
    if (p.cmp === '>=') range.above = Math.max(range.above, n - 1);
    if (p.cmp === '<=') range.atMost = Math.min(range.atMost, n);
    if (p.cmp === '<') range.atMost = Math.min(range.atMost, n - 1);
    if (p.cmp === '=') {
      range.above = n - 1;
      range.atMost = n;
    }
  }
  return range;
}

/** The values a formula pins `field` to (an OR of equalities, alone or inside a top-level AND), or null. */
function pinnedValues(f: Formula, field: string): string[] | null {
  const eqs = (g: Formula): string[] | null => {
    if (g.op === 'cmp' && g.cmp === '=' && g.left.kind === 'field' && g.left.name === field && g.right.kind === 'str')
      return [g.right.value];
    if (g.op === 'or') {
      const all = g.items.map(eqs);
      return all.every((x) => x !== null) ? (all.flat() as string[]) : null;
    }
    return null;
  };
  const direct = eqs(f);
  if (direct || f.op !== 'and') return direct;
  for (const item of f.items) {
    const found = eqs(item);
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------- XML helpers

export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const amount = (n: number) => n.toFixed(2);

type Node = string | { [key: string]: Node } | Node[];
type Obj = { [key: string]: Node };

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
});

function asObj(n: Node | undefined): Obj | undefined {
  return n && typeof n === 'object' && !Array.isArray(n) ? n : undefined;
}
function all(n: Node | undefined): Node[] {
  return n === undefined ? [] : Array.isArray(n) ? n : [n];
}
function str(n: Node | undefined): string | null {
  if (n === undefined) return null;
  if (typeof n === 'string') return n;
  if (Array.isArray(n)) return str(n[0]);
  const t = n['#text'];
  return typeof t === 'string' ? t : null;
}
function attrOf(n: Obj, name: string): string | null {
  for (const [k, v] of Object.entries(n)) if (k.toLowerCase() === `@${name.toLowerCase()}`) return str(v);
  return null;
}

function lowerBound<T extends { alterId: number }>(log: T[], above: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((log[mid]?.alterId ?? 0) <= above) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------- the fake

export interface LedgerInput {
  name: string;
  parent?: string;
  aliases?: string[];
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  contact?: string | null;
  gstin?: string | null;
  address?: string[];
  state?: string | null;
  pincode?: string | null;
  country?: string | null;
}

export interface SalesInput {
  party: string;
  number: string;
  date: string;
  type?: string;
  /** Income/tax lines as positive amounts (credited). */
  lines?: { ledger: string; amount: number }[];
  items?: { stockItem: string; quantity: number; unit?: string; rate: number; salesLedger?: string }[];
  narration?: string;
}

export interface ReceiptInput {
  party: string;
  number: string;
  date: string;
  amount: number;
  bank?: string;
  /** Invoices (bill names = their voucher numbers) settled, with how much of each. */
  bills?: { name: string; amount: number }[];
}

export class FakeTally {
  readonly requests: TallyRequestRecord[] = [];
  readonly companies = new Map<string, { name: string; guid: string; booksFrom: string }>();
  readonly groups = new Set([
    'Sundry Debtors',
    'Sundry Creditors',
    'Sales Accounts',
    'Bank Accounts',
    'Duties & Taxes',
  ]);
  readonly ledgers = new Map<string, FakeLedger>();
  readonly vouchers = new Map<string, FakeVoucher>();
  readonly bills = new Map<string, FakeBill>();
  url = '';
  replyEncoding: ReplyEncoding = 'auto';
  companyName: string;
  companyOpen = true;

  private server = createServer((req, res) => this.handle(req, res));
  private sockets = new Set<Socket>();
  private nextMasterId = 1;
  private altMst = 0;
  private altVch = 0;
  private byName = new Map<string, FakeLedger>();
  private byNumber = new Map<string, FakeVoucher[]>();
  private billsByName = new Map<string, FakeBill[]>();
  private mstLog: { alterId: number; ledger: FakeLedger }[] = [];
  private vchLog: { alterId: number; voucher: FakeVoucher }[] = [];
  private faults: { fail?: { status: number; body: string }; hang?: boolean; reject?: number; lineError?: string } = {};
  private readonly companyGuid = '5b7d3a2e-9c41-4f0e-8d6a-1f2e3d4c5b6a';

  constructor(companyName = 'Acme Traders') {
    this.companyName = companyName;
    this.companies.set(companyName.toLowerCase(), { name: companyName, guid: this.companyGuid, booksFrom: '20240401' });
    for (const name of ['Sales', 'CGST Output', 'SGST Output', 'HDFC Bank', 'Cash']) {
      this.addLedger({
        name,
        parent: name === 'Sales' ? 'Sales Accounts' : name.includes('GST') ? 'Duties & Taxes' : 'Bank Accounts',
      });
    }
  }

  async start(): Promise<this> {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  get altMstId(): number {
    return this.altMst;
  }
  get altVchId(): number {
    return this.altVch;
  }

  // ------------------------------------------------------------ faults

  /** The next request answers this HTTP status (Tally's gateway failing, a proxy in front of it). */
  failNext(status = 500, body = 'Internal Server Error'): void {
    this.faults.fail = { status, body };
  }
  /** The next request never answers (Tally busy in a modal screen): the client's timeout fires. */
  hangNext(): void {
    this.faults.hang = true;
  }
  /** The next import answers CREATED=0, ALTERED=0, EXCEPTIONS=n and no LINEERROR, as the captured rejection. */
  rejectNextImport(exceptions = 17): void {
    this.faults.reject = exceptions;
  }
  /** The next import fails with this LINEERROR text. */
  lineErrorNextImport(text: string): void {
    this.faults.lineError = text;
  }
  /** The bookkeeper closes the company: requests naming it get Tally's SVCurrentCompany error. */
  closeCompany(): void {
    this.companyOpen = false;
  }
  openCompany(): void {
    this.companyOpen = true;
  }

  // ------------------------------------------------------------ records

  private guid(masterId: number): string {
    return `${this.companyGuid}-${masterId.toString(16).padStart(8, '0')}`;
  }

  private indexLedger(l: FakeLedger): void {
    for (const n of [l.name, ...l.aliases]) this.byName.set(n.toLowerCase(), l);
  }

  private touchLedger(l: FakeLedger): void {
    l.alterId = ++this.altMst;
    this.mstLog.push({ alterId: l.alterId, ledger: l });
  }

  /** A ledger as if entered in Tally. */
  addLedger(input: LedgerInput): FakeLedger {
    const masterId = this.nextMasterId++;
    const ledger: FakeLedger = {
      guid: this.guid(masterId),
      masterId,
      alterId: 0,
      name: input.name,
      aliases: input.aliases ?? [],
      parent: input.parent ?? 'Sundry Debtors',
      email: input.email ?? null,
      phone: input.phone ?? null,
      mobile: input.mobile ?? null,
      contact: input.contact ?? null,
      gstin: input.gstin ?? null,
      address: input.address ?? [],
      state: input.state ?? null,
      pincode: input.pincode ?? null,
      country: input.country ?? null,
    };
    this.groups.add(ledger.parent);
    this.ledgers.set(ledger.guid, ledger);
    this.indexLedger(ledger);
    this.touchLedger(ledger);
    return ledger;
  }

  ledger(nameOrGuid: string): FakeLedger | undefined {
    return this.ledgers.get(nameOrGuid) ?? this.byName.get(nameOrGuid.toLowerCase());
  }

  /** A bookkeeper's edit in Tally: the ledger gets a new ALTERID. */
  alterLedger(nameOrGuid: string, changes: Partial<Omit<FakeLedger, 'guid' | 'masterId' | 'alterId'>>): FakeLedger {
    const l = this.ledger(nameOrGuid);
    if (!l) throw new Error(`No ledger ${nameOrGuid}`);
    for (const n of [l.name, ...l.aliases]) this.byName.delete(n.toLowerCase());
    Object.assign(l, changes);
    this.indexLedger(l);
    this.touchLedger(l);
    return l;
  }

  private applyBills(v: FakeVoucher, direction: 1 | -1): void {
    if (v.cancelled) return;
    for (const e of v.entries) {
      for (const b of e.bills ?? []) {
        const key = `${e.ledger.toLowerCase()}\u0000${b.name.toLowerCase()}`;
        let bill = this.bills.get(key);
        if (!bill) {
          bill = { party: e.ledger, name: b.name, date: v.date, closing: 0 };
          this.bills.set(key, bill);
          const same = this.billsByName.get(b.name.toLowerCase()) ?? [];
          same.push(bill);
          this.billsByName.set(b.name.toLowerCase(), same);
        }
        bill.closing = Math.round((bill.closing + direction * b.amount) * 100) / 100;
        if (b.type === 'New Ref') bill.date = v.date;
      }
    }
  }

  private putVoucher(v: FakeVoucher): FakeVoucher {
    v.alterId = ++this.altVch;
    this.vchLog.push({ alterId: v.alterId, voucher: v });
    this.vouchers.set(v.guid, v);
    const same = this.byNumber.get(v.number.toLowerCase()) ?? [];
    if (!same.includes(v)) same.push(v);
    this.byNumber.set(v.number.toLowerCase(), same);
    this.applyBills(v, 1);
    return v;
  }

  private newVoucher(fields: Omit<FakeVoucher, 'guid' | 'masterId' | 'alterId'>): FakeVoucher {
    const masterId = this.nextMasterId++;
    return this.putVoucher({ guid: this.guid(masterId), masterId, alterId: 0, ...fields });
  }

  /** A sales invoice: the party debited with the total (a New Ref bill named by the number), the rest credited. */
  addSalesInvoice(input: SalesInput): FakeVoucher {
    const items: FakeItem[] = (input.items ?? []).map((i) => ({
      stockItem: i.stockItem,
      quantity: i.quantity,
      unit: i.unit ?? 'Nos',
      rate: i.rate,
      amount: -Math.round(i.quantity * i.rate * 100) / 100,
      salesLedger: i.salesLedger ?? 'Sales',
    }));
    const lines = input.lines ?? [];
    const total =
      Math.round((lines.reduce((s, l) => s + l.amount, 0) - items.reduce((s, i) => s + i.amount, 0)) * 100) / 100;
    return this.newVoucher({
      type: input.type ?? 'Sales',
      baseType: 'Sales',
      date: input.date,
      number: input.number,
      party: input.party,
      narration: input.narration ?? null,
      entries: [
        { ledger: input.party, amount: total, bills: [{ name: input.number, type: 'New Ref', amount: total }] },
        ...lines.map((l) => ({ ledger: l.ledger, amount: -l.amount })),
      ],
      items,
      cancelled: false,
    });
  }

  /** A receipt: the party credited, its bills settled Agst Ref, the bank debited. */
  addReceipt(input: ReceiptInput): FakeVoucher {
    return this.newVoucher({
      type: 'Receipt',
      baseType: 'Receipt',
      date: input.date,
      number: input.number,
      party: input.party,
      narration: null,
      entries: [
        {
          ledger: input.party,
          amount: -input.amount,
          bills: (input.bills ?? []).map((b) => ({ name: b.name, type: 'Agst Ref' as const, amount: -b.amount })),
        },
        { ledger: input.bank ?? 'HDFC Bank', amount: input.amount },
      ],
      items: [],
      cancelled: false,
    });
  }

  /** A bookkeeper's edit of a voucher: bills re-applied, a new ALTERID. */
  alterVoucher(guid: string, change: (v: FakeVoucher) => void): FakeVoucher {
    const v = this.vouchers.get(guid);
    if (!v) throw new Error(`No voucher ${guid}`);
    this.applyBills(v, -1);
    change(v);
    return this.putVoucher(v);
  }

  /**
   * Deterministic bulk data: `customers` debtor ledgers, `invoices` sales vouchers spread over them and
   * `payments` receipts settling half of an invoice each. Built straight into the indexes (no XML).
   */
  seedBulk(counts: { customers: number; invoices?: number; payments?: number }): void {
    const parties: string[] = [];
    for (let i = 1; i <= counts.customers; i++) {
      const n = String(i).padStart(6, '0');
      parties.push(
        this.addLedger({
          name: `Customer ${n}`,
          email: `customer${n}@example.in`,
          mobile: `+9198${String(i).padStart(8, '0')}`,
          state: 'Maharashtra',
          country: 'India',
        }).name,
      );
    }
    const invoices = counts.invoices ?? 0;
    const start = Date.UTC(2024, 3, 1);
    for (let i = 1; i <= invoices; i++) {
      const base = 1000 + (i % 97) * 10;
      const date = new Date(start + (i % 365) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
      this.addSalesInvoice({
        party: parties[(i - 1) % parties.length] ?? 'Cash',
        number: `INV/${String(i).padStart(7, '0')}`,
        date,
        lines: [
          { ledger: 'Sales', amount: base },
          { ledger: 'CGST Output', amount: base * 0.09 },
          { ledger: 'SGST Output', amount: base * 0.09 },
        ],
      });
    }
    for (let i = 1; i <= (counts.payments ?? 0) && invoices > 0; i++) {
      const inv = this.byNumber.get(`inv/${String(((i - 1) % invoices) + 1).padStart(7, '0')}`)?.[0];
      if (!inv) continue;
      const total = inv.entries[0]?.amount ?? 0;
      const half = Math.round(total * 50) / 100;
      this.addReceipt({
        party: inv.party,
        number: `RCT/${String(i).padStart(7, '0')}`,
        date: inv.date,
        amount: half,
        bills: [{ name: inv.number, amount: half }],
      });
    }
  }

  // ------------------------------------------------------------ rendering

  private ledgerXml(l: FakeLedger): string {
    const opt = (tag: string, v: string | null) => (v ? `<${tag} TYPE="String">${escapeXml(v)}</${tag}>` : '');
    return (
      `<LEDGER NAME="${escapeXml(l.name)}" RESERVEDNAME="">` +
      `<GUID TYPE="String">${l.guid}</GUID><MASTERID TYPE="Number"> ${l.masterId}</MASTERID>` +
      `<ALTERID TYPE="Number"> ${l.alterId}</ALTERID><PARENT TYPE="String">${escapeXml(l.parent)}</PARENT>` +
      opt('EMAIL', l.email) +
      opt('LEDGERPHONE', l.phone) +
      opt('LEDGERMOBILE', l.mobile) +
      opt('LEDGERCONTACT', l.contact) +
      opt('PARTYGSTIN', l.gstin) +
      opt('LEDSTATENAME', l.state) +
      opt('PINCODE', l.pincode) +
      opt('COUNTRYNAME', l.country) +
      (l.address.length
        ? `<ADDRESS.LIST TYPE="String">${l.address.map((a) => `<ADDRESS>${escapeXml(a)}</ADDRESS>`).join('')}</ADDRESS.LIST>`
        : '') +
      `<LANGUAGENAME.LIST><NAME.LIST TYPE="String">${[l.name, ...l.aliases].map((n) => `<NAME>${escapeXml(n)}</NAME>`).join('')}</NAME.LIST>` +
      '<LANGUAGEID TYPE="Number"> 1033</LANGUAGEID></LANGUAGENAME.LIST></LEDGER>'
    );
  }

  private voucherXml(v: FakeVoucher, computed: string): string {
    const entry = (e: FakeEntry) =>
      `<ALLLEDGERENTRIES.LIST><LEDGERNAME>${escapeXml(e.ledger)}</LEDGERNAME>` +
      `<ISDEEMEDPOSITIVE>${e.amount >= 0 ? 'Yes' : 'No'}</ISDEEMEDPOSITIVE><AMOUNT>${amount(e.amount)}</AMOUNT>` +
      (e.bills ?? [])
        .map(
          (b) =>
            `<BILLALLOCATIONS.LIST><NAME>${escapeXml(b.name)}</NAME><BILLTYPE>${b.type}</BILLTYPE>` +
            `<AMOUNT>${amount(b.amount)}</AMOUNT></BILLALLOCATIONS.LIST>`,
        )
        .join('') +
      '</ALLLEDGERENTRIES.LIST>';
    const item = (i: FakeItem) =>
      `<ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>${escapeXml(i.stockItem)}</STOCKITEMNAME>` +
      `<ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE><RATE>${amount(i.rate)}/${i.unit}</RATE><AMOUNT>${amount(i.amount)}</AMOUNT>` +
      `<ACTUALQTY> ${i.quantity} ${i.unit}</ACTUALQTY><BILLEDQTY> ${i.quantity} ${i.unit}</BILLEDQTY>` +
      `<ACCOUNTINGALLOCATIONS.LIST><LEDGERNAME>${escapeXml(i.salesLedger)}</LEDGERNAME>` +
      `<ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE><AMOUNT>${amount(i.amount)}</AMOUNT></ACCOUNTINGALLOCATIONS.LIST>` +
      '</ALLINVENTORYENTRIES.LIST>';
    return (
      `<VOUCHER REMOTEID="${v.guid}" VCHTYPE="${escapeXml(v.type)}" ACTION="Create" OBJVIEW="Invoice Voucher View">` +
      `<GUID TYPE="String">${v.guid}</GUID><MASTERID TYPE="Number"> ${v.masterId}</MASTERID>` +
      `<ALTERID TYPE="Number"> ${v.alterId}</ALTERID><DATE TYPE="Date">${v.date}</DATE>` +
      `<VOUCHERTYPENAME>${escapeXml(v.type)}</VOUCHERTYPENAME><VOUCHERNUMBER>${escapeXml(v.number)}</VOUCHERNUMBER>` +
      `<PARTYLEDGERNAME>${escapeXml(v.party)}</PARTYLEDGERNAME>` +
      (v.narration ? `<NARRATION>${escapeXml(v.narration)}</NARRATION>` : '') +
      `<ISCANCELLED>${v.cancelled ? 'Yes' : 'No'}</ISCANCELLED>` +
      v.items.map(item).join('') +
      v.entries.map(entry).join('') +
      computed +
      '</VOUCHER>'
    );
  }

  private billXml(b: FakeBill): string {
    return (
      `<BILL NAME="${escapeXml(b.name)}" RESERVEDNAME=""><NAME TYPE="String">${escapeXml(b.name)}</NAME>` +
      `<PARENT TYPE="String">${escapeXml(b.party)}</PARENT><BILLDATE TYPE="Date">${b.date}</BILLDATE>` +
      `<CLOSINGBALANCE TYPE="Amount">${amount(b.closing)}</CLOSINGBALANCE></BILL>`
    );
  }

  private companyXml(): string {
    return [...this.companies.values()]
      .map(
        (c) =>
          `<COMPANY NAME="${escapeXml(c.name)}" RESERVEDNAME=""><NAME TYPE="String">${escapeXml(c.name)}</NAME>` +
          `<GUID TYPE="String">${c.guid}</GUID><BOOKSFROM TYPE="Date">${c.booksFrom}</BOOKSFROM>` +
          `<ALTMSTID TYPE="Number"> ${this.altMst}</ALTMSTID><ALTVCHID TYPE="Number"> ${this.altVch}</ALTVCHID></COMPANY>`,
      )
      .join('');
  }

  // ------------------------------------------------------------ collections

  private ledgerMethods(l: FakeLedger): Methods {
    return (name) => {
      switch (name) {
        case 'name':
          return l.name;
        case 'guid':
          return l.guid;
        case 'alterid':
          return l.alterId;
        case 'masterid':
          return l.masterId;
        case 'parent':
          return l.parent;
        case 'email':
          return l.email;
        case 'partygstin':
          return l.gstin;
        default:
          return null;
      }
    };
  }

  private voucherMethods(v: FakeVoucher): Methods {
    return (name) => {
      switch (name) {
        case 'guid':
          return v.guid;
        case 'alterid':
          return v.alterId;
        case 'masterid':
          return v.masterId;
        case 'vouchertypename':
          return v.type;
        case 'vouchernumber':
          return v.number;
        case 'partyledgername':
          return v.party;
        case 'date':
          return v.date;
        case 'iscancelled':
          return v.cancelled;
        default:
          return null;
      }
    };
  }

  private readonly functions: Functions = (name, arg) => {
    const typeName = String(arg ?? '').toLowerCase();
    const base = typeName.includes('sales') ? 'sales' : typeName.includes('receipt') ? 'receipt' : typeName;
    if (name === 'issales') return base === 'sales';
    if (name === 'isreceipt') return base === 'receipt';
    throw new Error(`Function '$$${name}' is not supported by the fake`);
  };

  private computeXml(computes: string[], get: Methods): string {
    return computes
      .map((c) => {
        const m = /^\s*(\w+)\s*:\s*(.+)$/.exec(c);
        if (!m) return '';
        const [, name = '', expr = ''] = m;
        let value: Value;
        const other = /^\$(\w+):Ledger:\$(\w+)$/i.exec(expr.trim());
        if (other) {
          const l = this.byName.get(String(get((other[2] ?? '').toLowerCase()) ?? '').toLowerCase());
          value = l ? this.ledgerMethods(l)((other[1] ?? '').toLowerCase()) : null;
        } else {
          const f = parseFormula(expr);
          value = f.op === 'bool' ? operandValue(f.operand, get, this.functions) : evaluate(f, get, this.functions);
        }
        const shown = typeof value === 'boolean' ? (value ? 'Yes' : 'No') : value === null ? '' : String(value);
        return `<${name.toUpperCase()}>${escapeXml(shown)}</${name.toUpperCase()}>`;
      })
      .join('');
  }

  private collection(def: Obj, formulae: Map<string, string>): string[] {
    const type = (str(def.TYPE) ?? '').trim().toLowerCase();
    const childOf = str(def.CHILDOF)?.trim() ?? null;
    const filterNames = all(def.FILTER).flatMap((f) =>
      (str(f) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const filters = filterNames.map((n) => {
      const source = formulae.get(n.toLowerCase());
      if (source === undefined) throw new TallyError(`Could not find Formula '${n}'`);
      return parseFormula(source);
    });
    const computes = all(def.COMPUTE).map((c) => str(c) ?? '');
    const pass = (get: Methods) => filters.every((f) => evaluate(f, get, this.functions));
    const first = filters[0];

    if (type === 'company') return [this.companyXml()];
    if (type === 'ledger') {
      let candidates: FakeLedger[];
      const names = first ? pinnedValues(first, 'name') : null;
      const guids = first ? pinnedValues(first, 'guid') : null;
      if (names) candidates = names.flatMap((n) => this.byName.get(n.toLowerCase()) ?? []);
      else if (guids) candidates = guids.flatMap((g) => this.ledgers.get(g) ?? []);
      else candidates = this.fromLog(this.mstLog, first, (e) => e.ledger);
      return [...new Set(candidates)]
        .filter((l) => !childOf || l.parent.toLowerCase() === childOf.toLowerCase())
        .filter((l) => pass(this.ledgerMethods(l)))
        .sort((a, b) => a.alterId - b.alterId)
        .map((l) => this.ledgerXml(l));
    }
    if (type === 'voucher') {
      const numbers = first ? pinnedValues(first, 'vouchernumber') : null;
      const candidates = numbers
        ? numbers.flatMap((n) => this.byNumber.get(n.toLowerCase()) ?? [])
        : this.fromLog(this.vchLog, first, (e) => e.voucher);
      return [...new Set(candidates)]
        .filter((v) => pass(this.voucherMethods(v)))
        .sort((a, b) => a.alterId - b.alterId)
        .map((v) => this.voucherXml(v, this.computeXml(computes, this.voucherMethods(v))));
    }
    if (type === 'bills' || type === 'bill') {
      const names = first ? pinnedValues(first, 'name') : null;
      const candidates = names
        ? names.flatMap((n) => this.billsByName.get(n.toLowerCase()) ?? [])
        : [...this.bills.values()];
      return [...new Set(candidates)]
        .filter((b) =>
          pass((m) => (m === 'name' ? b.name : m === 'parent' ? b.party : m === 'closingbalance' ? b.closing : null)),
        )
        .map((b) => this.billXml(b));
    }
    throw new TallyError(`Unknown Type '${str(def.TYPE)}' in Collection`);
  }

  /** Objects from an alter log: a binary search to the window when the filter bounds $AlterID; current entries only. */
  private fromLog<E extends { alterId: number }, T extends { alterId: number }>(
    log: E[],
    filter: Formula | undefined,
    pick: (e: E) => T,
  ): T[] {
    const range = filter ? alterRange(filter) : { above: Number.NEGATIVE_INFINITY, atMost: Number.POSITIVE_INFINITY };
    const out: T[] = [];
    for (let i = lowerBound(log, range.above); i < log.length; i++) {
      const e = log[i];
      if (!e || e.alterId > range.atMost) break;
      const o = pick(e);
      if (o.alterId === e.alterId) out.push(o);
    }
    return out;
  }

  // ------------------------------------------------------------ imports

  private importLedger(node: Obj, counts: { created: number; altered: number }): void {
    const action = (attrOf(node, 'ACTION') ?? '').toLowerCase();
    const attrName = attrOf(node, 'NAME');
    const langNames = all(asObj(all(node['LANGUAGENAME.LIST'])[0])?.['NAME.LIST'])
      .flatMap((l) => all(asObj(l)?.NAME))
      .map((n) => str(n) ?? '')
      .filter(Boolean);
    const newName = langNames[0] ?? str(node.NAME) ?? attrName;
    const existing = attrName ? this.byName.get(attrName.toLowerCase()) : undefined;
    const fields: Partial<FakeLedger> = {};
    const take = (tag: string, key: keyof FakeLedger) => {
      if (node[tag] !== undefined) Object.assign(fields, { [key]: str(node[tag]) || null });
    };
    take('EMAIL', 'email');
    take('LEDGERPHONE', 'phone');
    take('LEDGERMOBILE', 'mobile');
    take('LEDGERCONTACT', 'contact');
    take('PARTYGSTIN', 'gstin');
    take('LEDSTATENAME', 'state');
    take('PINCODE', 'pincode');
    take('COUNTRYNAME', 'country');
    if (node['ADDRESS.LIST'] !== undefined) {
      fields.address = all(asObj(all(node['ADDRESS.LIST'])[0])?.ADDRESS).map((a) => str(a) ?? '');
    }
    const parent = str(node.PARENT);
    if (parent !== null) {
      if (![...this.groups].some((g) => g.toLowerCase() === parent.toLowerCase())) {
        throw new TallyError(`Group '${parent}' does not exist`);
      }
      fields.parent = parent;
    }
    if (action === 'alter' || (action === '' && existing)) {
      if (!existing) throw new TallyError(`Ledger '${attrName}' does not exist`);
      if (langNames.length) {
        const clash = langNames.find(
          (n) => this.byName.get(n.toLowerCase()) && this.byName.get(n.toLowerCase()) !== existing,
        );
        if (clash) throw new TallyError(`Ledger '${clash}' already exists`);
        fields.name = langNames[0];
        fields.aliases = langNames.slice(1);
      } else if (newName && newName !== existing.name) fields.name = newName;
      this.alterLedger(existing.guid, fields);
      counts.altered++;
      return;
    }
    if (action !== 'create' && action !== '') throw new TallyError(`Action '${action}' is not supported for Ledger`);
    if (!newName) throw new TallyError('Ledger has no Name');
    const clash = [newName, ...langNames].find((n) => this.byName.has(n.toLowerCase()));
    if (clash) throw new TallyError(`Ledger '${clash}' already exists`);
    this.addLedger({
      ...fields,
      name: newName,
      aliases: langNames.slice(1),
      address: fields.address ?? [],
    } as LedgerInput);
    counts.created++;
  }

  private importReply(dialect: 'A' | 'B', c: Record<string, number>, lineError: string | null): string {
    const fill = (template: string) =>
      template.replace(
        /<(CREATED|ALTERED|DELETED|LASTVCHID|LASTMID|COMBINED|IGNORED|ERRORS|CANCELLED|EXCEPTIONS)>[^<]*<\/\1>/g,
        (_, tag: string) => `<${tag}>${c[tag] ?? 0}</${tag}>`,
      );
    const error = lineError ? `<LINEERROR>${escapeXml(lineError)}</LINEERROR>` : '';
    if (dialect === 'B')
      return fill(tallyFixture('import_response__srinidhi-bs_TallyPrime6.1_real.xml')).replace(
        '<RESPONSE>',
        `<RESPONSE>${error}`,
      );
    // The envelope sample has no DELETED/CANCELLED/EXCEPTIONS; TallyPrime adds them as in the bare RESPONSE.
    const extra = ['DELETED', 'CANCELLED', 'EXCEPTIONS'].map((tag) => `<${tag}>${c[tag] ?? 0}</${tag}>`).join('');
    return fill(tallyFixture('import_response_envelope_variant__demo-samples.xml'))
      .replace('<DATA>', `<DATA>${error}`)
      .replace('</IMPORTRESULT>', `${extra}</IMPORTRESULT>`);
  }

  private doImport(dialect: 'A' | 'B', message: Node[]): string {
    if (this.faults.reject !== undefined) {
      const n = this.faults.reject;
      this.faults.reject = undefined;
      const captured = tallyFixture('rejection_response__captured_rehearsal.xml').replace(
        /<EXCEPTIONS>\d+</,
        `<EXCEPTIONS>${n}<`,
      );
      if (dialect === 'B') return captured;
      const counts = Object.fromEntries([...captured.matchAll(/<(\w+)>(\d+)<\/\1>/g)].map((m) => [m[1], Number(m[2])]));
      return this.importReply('A', counts, null);
    }
    const counts = { created: 0, altered: 0 };
    let lineError: string | null = null;
    if (this.faults.lineError !== undefined) {
      lineError = this.faults.lineError;
      this.faults.lineError = undefined;
    } else {
      try {
        for (const m of message) {
          for (const l of all(asObj(m)?.LEDGER)) {
            const node = asObj(l);
            if (node) this.importLedger(node, counts);
          }
        }
      } catch (error) {
        if (!(error instanceof TallyError)) throw error;
        lineError = error.message;
      }
    }
    return this.importReply(
      dialect,
      {
        CREATED: counts.created,
        ALTERED: counts.altered,
        LASTMID: counts.created ? this.nextMasterId - 1 : 0,
        ERRORS: lineError ? 1 : 0,
      },
      lineError,
    );
  }

  // ------------------------------------------------------------ HTTP

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? null;
      const utf16 = /utf-16/i.test(contentType ?? '') || (raw[0] === 0xff && raw[1] === 0xfe);
      const body = utf16
        ? iconv.decode(raw[0] === 0xff && raw[1] === 0xfe ? raw.subarray(2) : raw, 'utf16le')
        : raw.toString('utf8');
      const record: TallyRequestRecord = {
        dialect: '?',
        kind: 'unknown',
        id: null,
        company: null,
        contentType,
        encoding: utf16 ? 'utf-16' : 'utf-8',
        body,
      };
      this.requests.push(record);
      if (this.faults.hang) {
        this.faults.hang = false;
        return;
      }
      if (this.faults.fail) {
        const { status, body: text } = this.faults.fail;
        this.faults.fail = undefined;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(text);
        return;
      }
      let reply: string;
      try {
        reply = this.answer(body, record);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        reply = `<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>0</STATUS></HEADER><BODY><DATA><LINEERROR>${escapeXml(message)}</LINEERROR></DATA></BODY></ENVELOPE>`;
      }
      this.send(res, reply, record.encoding);
    });
  }

  private send(res: ServerResponse, reply: string, requestEncoding: 'utf-8' | 'utf-16'): void {
    const mode = this.replyEncoding === 'auto' ? requestEncoding : this.replyEncoding;
    if (mode === 'utf-16') {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-16' });
      res.end(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(reply, 'utf16le')]));
    } else if (mode === 'windows-1252') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(iconv.encode(reply, 'windows-1252'));
    } else {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(Buffer.from(reply, 'utf8'));
    }
  }

  private answer(body: string, record: TallyRequestRecord): string {
    let doc: Obj;
    try {
      doc = xml.parse(body) as Obj;
    } catch {
      return '<RESPONSE>Unknown Request, cannot be processed</RESPONSE>';
    }
    const envelope = asObj(doc.ENVELOPE);
    const header = asObj(envelope?.HEADER);
    const bodyNode = asObj(envelope?.BODY);
    const request = (str(header?.TALLYREQUEST) ?? '').trim().toLowerCase();
    let desc: Obj | undefined;
    let message: Node[] = [];
    if (str(header?.VERSION) === '1' && (request === 'export' || request === 'import')) {
      record.dialect = 'A';
      record.id = str(header?.ID);
      desc = asObj(bodyNode?.DESC);
      message = all(asObj(bodyNode?.DATA)?.TALLYMESSAGE);
      const type = (str(header?.TYPE) ?? '').toLowerCase();
      record.kind = request === 'import' ? 'import' : type === 'function' ? 'function' : 'export';
    } else if (request === 'export data' || request === 'import data') {
      record.dialect = 'B';
      const part = asObj(bodyNode?.[request === 'export data' ? 'EXPORTDATA' : 'IMPORTDATA']);
      desc = asObj(part?.REQUESTDESC);
      record.id = str(desc?.REPORTNAME);
      message = all(asObj(part?.REQUESTDATA)?.TALLYMESSAGE);
      record.kind = request === 'export data' ? 'export' : 'import';
    } else {
      return '<RESPONSE>Unknown Request, cannot be processed</RESPONSE>';
    }
    record.company = str(asObj(desc?.STATICVARIABLES)?.SVCURRENTCOMPANY);
    if (record.company && (!this.companyOpen || !this.companies.has(record.company.toLowerCase()))) {
      throw new TallyError(`Could not set 'SVCurrentCompany' to '${record.company}'`);
    }
    if (record.kind === 'import') return this.doImport(record.dialect, message);
    if (record.kind === 'function') throw new TallyError(`Function '${record.id}' is not supported by the fake`);

    const tdl = asObj(asObj(desc?.TDL)?.TDLMESSAGE);
    const formulae = new Map<string, string>();
    for (const s of all(tdl?.SYSTEM)) {
      const node = asObj(s);
      const name = node && attrOf(node, 'NAME');
      if (node && name) formulae.set(name.toLowerCase(), str(node) ?? '');
    }
    const def = all(tdl?.COLLECTION)
      .map(asObj)
      .find((c) => c && (attrOf(c, 'NAME') ?? '').toLowerCase() === (record.id ?? '').toLowerCase());
    if (!def) throw new TallyError(`Could not find Collection '${record.id}'`);
    const objects = this.collection(def, formulae);
    if (record.dialect === 'B') {
      return (
        '<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDESC>' +
        `<REPORTNAME>${escapeXml(record.id ?? '')}</REPORTNAME></REQUESTDESC><REQUESTDATA>` +
        objects.map((o) => `<TALLYMESSAGE xmlns:UDF="TallyUDF">${o}</TALLYMESSAGE>`).join('') +
        '</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>'
      );
    }
    return tallyFixture('collection_export_response__demo-samples.xml').replace(
      /<COLLECTION>[\s\S]*<\/COLLECTION>/,
      () => `<COLLECTION>${objects.join('')}</COLLECTION>`,
    );
  }
}

/** A refusal Tally reports as LINEERROR. */
class TallyError extends Error {}

export async function startFakeTally(companyName?: string): Promise<FakeTally> {
  return new FakeTally(companyName).start();
}
