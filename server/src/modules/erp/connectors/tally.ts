import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { type Static, Type } from 'typebox';
import {
  type Connector,
  type ConnectorContext,
  ErpError,
  type ExternalCustomer,
  type ExternalInvoice,
  type ExternalPayment,
  type FieldValue,
  type HttpResponse,
  type InvoiceLine,
  type Page,
} from '../connector.ts';

/**
 * TallyPrime over its XML-over-HTTP gateway (POST to http://host:9000, no auth, one request at a time).
 *
 * - Customers are the ledgers under the configured group (Sundry Debtors by default). externalId is the ledger's
 *   GUID: stable across renames (the NAME is what a bookkeeper edits) and unique across companies, unlike MASTERID.
 *   version is the ledger's ALTERID. Tally keeps no modification time, so updatedAt is null.
 * - Incremental reads walk ALTERID windows: a TDL collection filtered on `$AlterID > from AND $AlterID <= to`.
 *   TDL collections have no row limit, so a page is a window of PAGE alter ids, capped by the company's
 *   AltMstId/AltVchId read *before* the window (anything altered after that read gets a higher id, so the window's
 *   upper bound is a safe checkpoint). The checkpoint is `to` once caught up and `to:high` while more windows
 *   remain (the high-water mark rides along so each further page costs one request).
 * - Invoices are Sales vouchers and payments Receipt vouchers (by voucher-type class, so "GST Sales" counts). A
 *   receipt does not change the ALTERID of the invoice it settles, so an invoice page also re-reads the invoices
 *   that the page's receipts settle, with their new balance. Balances come from Tally's Bills (bill name = voucher
 *   number), signed like the party's entry on the invoice.
 * - createCustomer is idempotent through the ledger's alias: the ledger is created with an alias
 *   `iPerform:<key>`; before creating, the ledger of that name is looked up and, when it carries our alias, returned
 *   as is. (Tally has no idempotency header; ledger names and aliases are unique in a company, so a retry can never
 *   make a second ledger: at worst Tally refuses it as a duplicate.)
 * - updateCustomer reads the ledger's ALTERID first (Tally has no optimistic lock) and throws 'stale' on a mismatch.
 * - Replies are decoded by charset/BOM (UTF-16LE, UTF-8) and otherwise as windows-1252 when not valid UTF-8, which
 *   is what Tally sends for non-ASCII text in the Windows code page.
 */

const settingsSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'Tally gateway, e.g. http://127.0.0.1:9000' }),
    company: Type.String({ minLength: 1, description: 'Company name as open in TallyPrime (SVCURRENTCOMPANY)' }),
    group: Type.Optional(Type.String({ minLength: 1, default: 'Sundry Debtors' })),
    dialect: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')], { default: 'A' })),
    encoding: Type.Optional(Type.Union([Type.Literal('utf-8'), Type.Literal('utf-16')], { default: 'utf-8' })),
  },
  { additionalProperties: false },
);
type TallySettings = Static<typeof settingsSchema>;

/** Alter ids per page window. */
const PAGE = 500;
const KEY_ALIAS_PREFIX = 'iPerform:';

interface Resolved {
  url: string;
  company: string;
  group: string;
  dialect: 'A' | 'B';
  encoding: 'utf-8' | 'utf-16';
}

function settingsOf(ctx: ConnectorContext): Resolved {
  const s = ctx.settings as TallySettings;
  return {
    url: s.url,
    company: s.company,
    group: s.group ?? 'Sundry Debtors',
    dialect: s.dialect ?? 'A',
    encoding: s.encoding ?? 'utf-8',
  };
}

// ---------------------------------------------------------------- XML out

export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** A TDL string literal. TDL has no escape for a double quote inside one, so it cannot be matched exactly. */
function tdlString(value: string): string {
  if (value.includes('"')) {
    throw new ErpError('validation', `Tally formulas cannot compare a value containing a double quote: ${value}`);
  }
  return `"${value}"`;
}

function staticVariables(s: Resolved, exportFormat: boolean): string {
  return (
    `<STATICVARIABLES><SVCURRENTCOMPANY>${escapeXml(s.company)}</SVCURRENTCOMPANY>` +
    (exportFormat ? '<SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT>' : '') +
    '</STATICVARIABLES>'
  );
}

interface CollectionSpec {
  name: string;
  type: 'Company' | 'Ledger' | 'Voucher' | 'Bills';
  childOf?: string;
  filter?: string;
  fetch: string[];
  compute?: string[];
  sort?: string;
}

function collectionTdl(spec: CollectionSpec): string {
  const filterName = `${spec.name}Filter`;
  const parts = [`<COLLECTION NAME="${escapeXml(spec.name)}" ISMODIFY="No"><TYPE>${spec.type}</TYPE>`];
  if (spec.childOf) parts.push(`<CHILDOF>${escapeXml(spec.childOf)}</CHILDOF><BELONGSTO>Yes</BELONGSTO>`);
  if (spec.filter) parts.push(`<FILTER>${filterName}</FILTER>`);
  if (spec.sort) parts.push(`<SORT>${escapeXml(spec.sort)}</SORT>`);
  parts.push(`<FETCH>${spec.fetch.join(', ')}</FETCH>`);
  for (const c of spec.compute ?? []) parts.push(`<COMPUTE>${escapeXml(c)}</COMPUTE>`);
  parts.push('</COLLECTION>');
  if (spec.filter) parts.push(`<SYSTEM TYPE="Formulae" NAME="${filterName}">${escapeXml(spec.filter)}</SYSTEM>`);
  return `<TDL><TDLMESSAGE>${parts.join('')}</TDLMESSAGE></TDL>`;
}

export function exportRequest(s: Resolved, spec: CollectionSpec): string {
  const tdl = collectionTdl(spec);
  if (s.dialect === 'B') {
    return (
      '<ENVELOPE><HEADER><TALLYREQUEST>Export Data</TALLYREQUEST></HEADER><BODY><EXPORTDATA><REQUESTDESC>' +
      `<REPORTNAME>${escapeXml(spec.name)}</REPORTNAME>${staticVariables(s, true)}${tdl}` +
      '</REQUESTDESC></EXPORTDATA></BODY></ENVELOPE>'
    );
  }
  return (
    '<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE>' +
    `<ID>${escapeXml(spec.name)}</ID></HEADER><BODY><DESC>${staticVariables(s, true)}${tdl}</DESC></BODY></ENVELOPE>`
  );
}

export function importRequest(s: Resolved, message: string): string {
  const tallyMessage = `<TALLYMESSAGE xmlns:UDF="TallyUDF">${message}</TALLYMESSAGE>`;
  if (s.dialect === 'B') {
    return (
      '<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDESC>' +
      `<REPORTNAME>All Masters</REPORTNAME>${staticVariables(s, false)}</REQUESTDESC>` +
      `<REQUESTDATA>${tallyMessage}</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`
    );
  }
  return (
    '<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Import</TALLYREQUEST><TYPE>Data</TYPE>' +
    `<ID>All Masters</ID></HEADER><BODY><DESC>${staticVariables(s, false)}</DESC>` +
    `<DATA>${tallyMessage}</DATA></BODY></ENVELOPE>`
  );
}

// ---------------------------------------------------------------- XML in

/** Decodes a reply: declared charset or BOM first, then UTF-8 when valid, else the Windows code page. */
export function decodeReply(body: Buffer, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? null;
  if (body[0] === 0xff && body[1] === 0xfe) return iconv.decode(body.subarray(2), 'utf16le');
  if (body[0] === 0xfe && body[1] === 0xff) return iconv.decode(body.subarray(2), 'utf16be');
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return body.subarray(3).toString('utf8');
  if (charset === 'utf-16' || charset === 'utf-16le' || charset === 'unicode') return iconv.decode(body, 'utf16le');
  if (charset === 'utf-16be') return iconv.decode(body, 'utf16be');
  // No BOM and no declaration, but '<' followed by a zero byte: UTF-16LE all the same.
  if (!charset && body.length > 1 && body[1] === 0 && body[0] !== 0) return iconv.decode(body, 'utf16le');
  try {
    // Even a reply labelled UTF-8 may carry code-page bytes (0x97 for an em dash): only trust valid UTF-8.
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const legacy = charset && charset !== 'utf-8' && iconv.encodingExists(charset) ? charset : 'windows-1252';
    return iconv.decode(body, legacy);
  }
}

type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [key: string]: XmlNode;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  // Tally's XML has no namespaces we need; UDF:... tags stay as written.
});

export function parseXml(text: string): XmlObject {
  return parser.parse(text) as XmlObject;
}

/** Tally writes control characters as references (&#4; before "Not Applicable"): drop them once decoded. */
function clean(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly those characters
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').trim();
}

function text(node: XmlNode | undefined): string | null {
  if (node === undefined) return null;
  if (typeof node === 'string') return clean(node) || null;
  if (Array.isArray(node)) return text(node[0]);
  const inner = node['#text'];
  return typeof inner === 'string' ? clean(inner) || null : null;
}

function list(node: XmlNode | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

function objects(node: XmlNode | undefined): XmlObject[] {
  return list(node).filter((n): n is XmlObject => typeof n === 'object' && !Array.isArray(n));
}

function attr(node: XmlObject, name: string): string | null {
  const value = node[`@${name}`];
  return typeof value === 'string' ? clean(value) : null;
}

/** Every element named `tag` anywhere in the tree (collection exports and TALLYMESSAGE exports alike). */
function findAll(node: XmlNode, tag: string, out: XmlObject[] = []): XmlObject[] {
  if (Array.isArray(node)) {
    for (const n of node) findAll(n, tag, out);
  } else if (typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@') || key === '#text') continue;
      if (key === tag) out.push(...objects(value));
      else findAll(value, tag, out);
    }
  }
  return out;
}

function num(node: XmlNode | undefined): number {
  const t = text(node);
  if (!t) return 0;
  // Amounts may carry a currency or rate suffix ("500.00/Nos", "-$ 12.00"): keep the number.
  const m = /-?\d[\d,]*(\.\d+)?/.exec(t);
  if (!m) return 0;
  const n = Number(m[0].replaceAll(',', ''));
  return t.trim().startsWith('-') && n > 0 ? -n : n;
}

function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

function isoDate(tallyDate: string | null): string | null {
  if (!tallyDate) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(tallyDate);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(tallyDate);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- transport

async function post(ctx: ConnectorContext, xml: string): Promise<XmlObject> {
  const s = settingsOf(ctx);
  const utf16 = s.encoding === 'utf-16';
  const res: HttpResponse = await ctx.http({
    method: 'POST',
    url: s.url,
    headers: { 'content-type': utf16 ? 'text/xml;charset=utf-16' : 'text/xml;charset=utf-8' },
    body: utf16 ? iconv.encode(xml, 'utf16le') : Buffer.from(xml, 'utf8'),
  });
  const body = decodeReply(res.body, res.headers.get('content-type'));
  if (res.status < 200 || res.status >= 300) {
    throw new ErpError('unavailable', `TallyPrime answered HTTP ${res.status}: ${body.slice(0, 300)}`, {
      status: res.status,
    });
  }
  let doc: XmlObject;
  try {
    doc = parser.parse(body) as XmlObject;
  } catch (error) {
    throw new ErpError('unavailable', `TallyPrime answered something that is not XML: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || Object.keys(doc).length === 0) {
    throw new ErpError('unavailable', `TallyPrime answered an empty reply: ${body.slice(0, 200)}`);
  }
  return doc;
}

/** An export's objects of one tag; a LINEERROR in an export (company not open, bad TDL) is Tally's refusal. */
async function exportObjects(ctx: ConnectorContext, spec: CollectionSpec, tag: string): Promise<XmlObject[]> {
  const doc = await post(ctx, exportRequest(settingsOf(ctx), spec));
  const lineError = textOf(doc, 'LINEERROR');
  if (lineError) {
    // "Could not set 'SVCurrentCompany' to ..." means the company is not open right now: try again later.
    const kind = /SVCurrentCompany/i.test(lineError) ? 'unavailable' : 'validation';
    throw new ErpError(kind, lineError, { vendorCode: 'LINEERROR' });
  }
  return findAll(doc, tag);
}

/** A direct text child found anywhere (LINEERROR is usually a plain string, which findAll skips). */
function textOf(node: XmlNode, tag: string): string | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const t = textOf(n, tag);
      if (t) return t;
    }
  } else if (typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@')) continue;
      if (key === tag) return text(value);
      const t = textOf(value, tag);
      if (t) return t;
    }
  }
  return null;
}

export interface ImportResult {
  created: number;
  altered: number;
  errors: number;
  exceptions: number;
  lineError: string | null;
}

/** Reads both import reply shapes: bare <RESPONSE> (Import Data) and <ENVELOPE>..<IMPORTRESULT> (Import/Data). */
export function importResultOf(doc: XmlObject): ImportResult {
  const counts = (name: string) => {
    const t = textOf(doc, name);
    return t ? Number(t) || 0 : 0;
  };
  return {
    created: counts('CREATED'),
    altered: counts('ALTERED'),
    errors: counts('ERRORS'),
    exceptions: counts('EXCEPTIONS'),
    lineError: textOf(doc, 'LINEERROR'),
  };
}

async function importMasters(ctx: ConnectorContext, message: string): Promise<ImportResult> {
  const doc = await post(ctx, importRequest(settingsOf(ctx), message));
  const result = importResultOf(doc);
  if (result.lineError) {
    const duplicate = /already exists|duplicate/i.test(result.lineError);
    throw new ErpError(duplicate ? 'duplicate' : 'validation', result.lineError, { vendorCode: 'LINEERROR' });
  }
  if (result.created + result.altered === 0) {
    const refused = result.exceptions || result.errors;
    throw new ErpError(
      'rejected',
      refused
        ? `Tally rejected ${refused} record(s) without a reason (CREATED=0, ALTERED=0, EXCEPTIONS=${result.exceptions}, ERRORS=${result.errors})`
        : 'Tally imported nothing (CREATED=0, ALTERED=0) and gave no reason',
      { vendorCode: result.exceptions ? 'EXCEPTIONS' : 'ERRORS' },
    );
  }
  return result;
}

// ---------------------------------------------------------------- company and windows

interface CompanyInfo {
  name: string;
  altMstId: number;
  altVchId: number;
}

async function company(ctx: ConnectorContext): Promise<CompanyInfo> {
  const s = settingsOf(ctx);
  const companies = await exportObjects(
    ctx,
    { name: 'IPerformCompany', type: 'Company', fetch: ['Name', 'AltMstId', 'AltVchId', 'BooksFrom'] },
    'COMPANY',
  );
  const names = companies.map((c) => text(c.NAME) ?? attr(c, 'NAME') ?? '');
  const index = names.findIndex((n) => n.toLowerCase() === s.company.toLowerCase());
  const found = companies[index];
  if (!found) {
    throw new ErpError(
      'not_found',
      `Company '${s.company}' is not open in TallyPrime (open: ${names.filter(Boolean).join(', ') || 'none'})`,
    );
  }
  return { name: names[index] ?? s.company, altMstId: num(found.ALTMSTID), altVchId: num(found.ALTVCHID) };
}

interface Window {
  from: number;
  to: number;
  high: number;
}

async function nextWindow(
  ctx: ConnectorContext,
  checkpoint: string | null,
  which: 'altMstId' | 'altVchId',
): Promise<Window> {
  const [fromText, highText] = (checkpoint ?? '0').split(':');
  const from = Number(fromText) || 0;
  let high = highText === undefined ? Number.NaN : Number(highText);
  if (!Number.isFinite(high) || high <= from) high = (await company(ctx))[which];
  return { from, to: Math.min(from + PAGE, high), high };
}

function pageOf<T>(records: T[], w: Window): Page<T> {
  if (w.to <= w.from) return { records, checkpoint: String(w.from), more: false };
  const more = w.to < w.high;
  return { records, checkpoint: more ? `${w.to}:${w.high}` : String(w.to), more };
}

function windowFormula(w: Window): string {
  return `$AlterID > ${w.from} AND $AlterID <= ${w.to}`;
}

function anyOf(method: string, values: Iterable<string>): string {
  return [...values].map((v) => `${method} = ${tdlString(v)}`).join(' OR ');
}

// ---------------------------------------------------------------- customers

const LEDGER_FETCH = [
  'Name',
  'LanguageName',
  'GUID',
  'MasterId',
  'AlterId',
  'Parent',
  'Email',
  'LedgerPhone',
  'LedgerMobile',
  'LedgerContact',
  'PartyGSTIN',
  'Address',
  'LedStateName',
  'Pincode',
  'CountryName',
];

/** Connector field -> Tally ledger tag. */
const LEDGER_TAGS: Record<string, string> = {
  email: 'EMAIL',
  phone: 'LEDGERPHONE',
  mobile: 'LEDGERMOBILE',
  gstin: 'PARTYGSTIN',
  state: 'LEDSTATENAME',
  pincode: 'PINCODE',
  country: 'COUNTRYNAME',
  contactPerson: 'LEDGERCONTACT',
};

interface Ledger {
  customer: ExternalCustomer;
  name: string;
  aliases: string[];
}

function ledgerOf(node: XmlObject): Ledger {
  const names = findAll(node, 'NAME.LIST').flatMap((l) => list(l.NAME).map((n) => text(n) ?? ''));
  const name = attr(node, 'NAME') ?? text(node.NAME) ?? names[0] ?? '';
  const aliases = names.filter((n) => n && n !== name);
  const fields: Record<string, FieldValue> = { name };
  for (const [field, tag] of Object.entries(LEDGER_TAGS)) fields[field] = text(node[tag]);
  const address = findAll(node, 'ADDRESS.LIST').flatMap((l) => list(l.ADDRESS).map((a) => text(a) ?? ''));
  fields.address = address.filter(Boolean).join('\n') || null;
  const guid = text(node.GUID) ?? '';
  return {
    name,
    aliases,
    customer: {
      externalId: guid,
      version: text(node.ALTERID),
      updatedAt: null,
      fields,
    },
  };
}

async function ledgers(ctx: ConnectorContext, filter: string, withGroup = true): Promise<Ledger[]> {
  const s = settingsOf(ctx);
  const nodes = await exportObjects(
    ctx,
    {
      name: 'IPerformLedgers',
      type: 'Ledger',
      childOf: withGroup ? s.group : undefined,
      filter,
      sort: 'Default : $AlterID',
      fetch: LEDGER_FETCH,
    },
    'LEDGER',
  );
  return nodes.map(ledgerOf).sort((a, b) => Number(a.customer.version) - Number(b.customer.version));
}

function ledgerXml(
  action: 'Create' | 'Alter',
  currentName: string,
  fields: Record<string, FieldValue>,
  aliases: string[],
  group?: string,
): string {
  const str = (v: FieldValue | undefined) => (v === null || v === undefined ? '' : String(v).trim());
  const parts = [`<LEDGER NAME="${escapeXml(currentName)}" ACTION="${action}">`];
  const newName = fields.name === undefined ? null : str(fields.name);
  if (newName || action === 'Create') {
    const names = [newName || currentName, ...aliases];
    parts.push(
      `<LANGUAGENAME.LIST><NAME.LIST TYPE="String">${names.map((n) => `<NAME>${escapeXml(n)}</NAME>`).join('')}</NAME.LIST><LANGUAGEID> 1033</LANGUAGEID></LANGUAGENAME.LIST>`,
    );
  }
  if (group) parts.push(`<PARENT>${escapeXml(group)}</PARENT><ISBILLWISEON>Yes</ISBILLWISEON>`);
  for (const [field, tag] of Object.entries(LEDGER_TAGS)) {
    if (fields[field] !== undefined) parts.push(`<${tag}>${escapeXml(str(fields[field]))}</${tag}>`);
  }
  if (fields.address !== undefined) {
    const lines = str(fields.address)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    parts.push(
      `<ADDRESS.LIST TYPE="String">${lines.map((l) => `<ADDRESS>${escapeXml(l)}</ADDRESS>`).join('')}</ADDRESS.LIST>`,
    );
  }
  parts.push('</LEDGER>');
  return parts.join('');
}

async function ledgerByGuid(ctx: ConnectorContext, guid: string): Promise<Ledger | null> {
  return (await ledgers(ctx, `$GUID = ${tdlString(guid)}`, false))[0] ?? null;
}

async function ledgerByName(ctx: ConnectorContext, name: string): Promise<Ledger | null> {
  const found = await ledgers(ctx, `$Name = ${tdlString(name)}`, false);
  return found.find((l) => l.name.toLowerCase() === name.toLowerCase()) ?? null;
}

// ---------------------------------------------------------------- vouchers

interface Entry {
  ledger: string;
  amount: number;
  /** The amount as Tally wrote it: a foreign-currency one starts with its symbol ("-$ 120.00 @ ..."). */
  raw: string;
  bills: { name: string; type: string | null; amount: number }[];
}

interface Voucher {
  guid: string;
  alterId: number;
  type: string;
  isSales: boolean;
  isReceipt: boolean;
  number: string | null;
  date: string;
  party: string;
  partyGuid: string | null;
  currency: string | null;
  entries: Entry[];
  items: InvoiceLine[];
  cancelled: boolean;
}

const VOUCHER_FETCH = [
  'GUID',
  'MasterId',
  'AlterId',
  'Date',
  'VoucherTypeName',
  'VoucherNumber',
  'PartyLedgerName',
  'Narration',
  'IsCancelled',
  'IsDeleted',
  'AllLedgerEntries',
  'AllInventoryEntries',
];
/** The party's GUID straight from the ledger, so no second request resolves names. */
const VOUCHER_COMPUTE = [
  'IPPartyGUID : $GUID:Ledger:$PartyLedgerName',
  'IPIsSales : $$IsSales:$VoucherTypeName',
  'IPIsReceipt : $$IsReceipt:$VoucherTypeName',
];

function entryOf(node: XmlObject): Entry {
  return {
    ledger: text(node.LEDGERNAME) ?? '',
    amount: num(node.AMOUNT),
    raw: text(node.AMOUNT) ?? '',
    bills: objects(node['BILLALLOCATIONS.LIST']).map((b) => ({
      name: text(b.NAME) ?? '',
      type: text(b.BILLTYPE),
      amount: num(b.AMOUNT),
    })),
  };
}

/** "2 Nos" -> 2; "500.00/Nos" -> 500. */
function leadingNumber(node: XmlNode | undefined): number | null {
  const t = text(node);
  if (!t) return null;
  const m = /-?\d[\d,]*(\.\d+)?/.exec(t);
  return m ? Number(m[0].replaceAll(',', '')) : null;
}

function voucherOf(node: XmlObject): Voucher {
  const type = text(node.VOUCHERTYPENAME) ?? attr(node, 'VCHTYPE') ?? '';
  const entries = [...objects(node['ALLLEDGERENTRIES.LIST']), ...objects(node['LEDGERENTRIES.LIST'])].map(entryOf);
  const items = [...objects(node['ALLINVENTORYENTRIES.LIST']), ...objects(node['INVENTORYENTRIES.LIST'])].map(
    (i): InvoiceLine => ({
      description: text(i.STOCKITEMNAME),
      quantity: leadingNumber(i.BILLEDQTY ?? i.ACTUALQTY),
      rate: leadingNumber(i.RATE),
      amount: num(i.AMOUNT),
    }),
  );
  const computedSales = text(node.IPISSALES);
  const computedReceipt = text(node.IPISRECEIPT);
  const party = text(node.PARTYLEDGERNAME) ?? '';
  const partyRaw = entries.find((e) => e.ledger.toLowerCase() === party.toLowerCase())?.raw ?? '';
  return {
    guid: text(node.GUID) ?? '',
    alterId: num(node.ALTERID),
    type,
    isSales: computedSales ? computedSales === 'Yes' : /sales/i.test(type),
    isReceipt: computedReceipt ? computedReceipt === 'Yes' : /receipt/i.test(type),
    number: text(node.VOUCHERNUMBER),
    date: isoDate(text(node.DATE)) ?? '',
    party,
    partyGuid: text(node.IPPARTYGUID),
    // Base-currency amounts are plain numbers; a foreign one is written with its symbol ("$ 120.00").
    currency: /^-?\s*([^\d\s.,-]+)\s*\d/.exec(partyRaw)?.[1] ?? null,
    entries,
    items,
    cancelled: text(node.ISCANCELLED) === 'Yes' || text(node.ISDELETED) === 'Yes',
  };
}

async function vouchers(ctx: ConnectorContext, filter: string): Promise<Voucher[]> {
  const nodes = await exportObjects(
    ctx,
    {
      name: 'IPerformVouchers',
      type: 'Voucher',
      filter,
      sort: 'Default : $AlterID',
      fetch: VOUCHER_FETCH,
      compute: VOUCHER_COMPUTE,
    },
    'VOUCHER',
  );
  return nodes.map(voucherOf).sort((a, b) => a.alterId - b.alterId);
}

function partyEntry(v: Voucher): Entry | undefined {
  return v.entries.find((e) => e.ledger.toLowerCase() === v.party.toLowerCase());
}

const billKey = (party: string, name: string) => `${party.toLowerCase()}\u0000${name.toLowerCase()}`;

/** Outstanding per (party, bill name), signed as Tally keeps it. */
async function billBalances(ctx: ConnectorContext, names: Set<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (names.size === 0) return out;
  const bills = await exportObjects(
    ctx,
    {
      name: 'IPerformBills',
      type: 'Bills',
      filter: anyOf('$Name', names),
      fetch: ['Name', 'Parent', 'ClosingBalance'],
    },
    'BILL',
  );
  for (const b of bills) {
    const name = attr(b, 'NAME') ?? text(b.NAME) ?? '';
    out.set(billKey(text(b.PARENT) ?? '', name), num(b.CLOSINGBALANCE));
  }
  return out;
}

function invoiceOf(v: Voucher, balances: Map<string, number>): ExternalInvoice {
  const party = partyEntry(v);
  const partyAmount = party?.amount ?? 0;
  const sign = partyAmount < 0 ? -1 : 1;
  const total = round2(Math.abs(partyAmount));
  // Lines: inventory first, then every ledger entry but the party's, positive when on the other side of it.
  const lines: InvoiceLine[] = v.items.map((i) => ({ ...i, amount: round2(Math.abs(i.amount)) }));
  for (const e of v.entries) {
    if (e === party) continue;
    lines.push({ description: e.ledger, quantity: null, rate: null, amount: round2(-e.amount * sign) });
  }
  const outstanding = v.number ? balances.get(billKey(v.party, v.number)) : undefined;
  return {
    externalId: v.guid,
    customerExternalId: v.partyGuid ?? v.party,
    number: v.number,
    date: v.date,
    dueDate: null,
    currency: v.currency,
    total,
    balance: outstanding === undefined ? total : round2(outstanding * sign),
    status: v.cancelled ? 'cancelled' : null,
    lines,
    updatedAt: null,
    deleted: v.cancelled || undefined,
  };
}

function settledBills(v: Voucher): { party: string; name: string }[] {
  const entry = partyEntry(v);
  return (entry?.bills ?? [])
    .filter((b) => b.name && (b.type === null || /agst/i.test(b.type)))
    .map((b) => ({ party: v.party, name: b.name }));
}

async function salesByNumber(ctx: ConnectorContext, numbers: Set<string>): Promise<Voucher[]> {
  if (numbers.size === 0) return [];
  return vouchers(ctx, `$$IsSales:$VoucherTypeName AND (${anyOf('$VoucherNumber', numbers)})`);
}

// ---------------------------------------------------------------- the connector

export const tallyConnector: Connector = {
  id: 'tally',
  label: 'TallyPrime',
  settings: settingsSchema,
  secretFields: [],
  // Tally answers one request at a time on the bookkeeper's own machine: keep it gentle.
  rateLimit: { perSecond: 5 },
  reads: ['customer', 'invoice', 'payment'],
  writes: ['customer'],
  customerFields: [
    { name: 'name', label: 'Ledger name', type: 'text', required: true, maxLength: 99 },
    { name: 'email', label: 'E-mail', type: 'email' },
    { name: 'phone', label: 'Phone', type: 'phone' },
    { name: 'mobile', label: 'Mobile', type: 'phone' },
    { name: 'gstin', label: 'GSTIN/UIN', type: 'text', maxLength: 15 },
    { name: 'address', label: 'Address', type: 'text' },
    { name: 'state', label: 'State', type: 'text' },
    { name: 'pincode', label: 'Pincode', type: 'text' },
    { name: 'country', label: 'Country', type: 'text' },
    { name: 'contactPerson', label: 'Contact person', type: 'text' },
  ],
  defaultCustomerMapping: [
    // Tally names a party's ledger after the business when there is one.
    { leadField: 'companyName', erpField: 'name' },
    { leadField: 'name', erpField: 'contactPerson' },
    { leadField: 'emails', erpField: 'email' },
    { leadField: 'phones', erpField: 'mobile' },
    { leadField: 'custom:gstin', erpField: 'gstin' },
  ],
  matchFields: ['gstin', 'email', 'mobile', 'phone', 'name'],

  async check(ctx) {
    const c = await company(ctx);
    return `TallyPrime: ${c.name}`;
  },

  async readCustomers(ctx, checkpoint) {
    const w = await nextWindow(ctx, checkpoint, 'altMstId');
    if (w.to <= w.from) return pageOf([], w);
    const found = await ledgers(ctx, windowFormula(w));
    return pageOf(
      found.map((l) => l.customer),
      w,
    );
  },

  async readInvoices(ctx, checkpoint) {
    const w = await nextWindow(ctx, checkpoint, 'altVchId');
    if (w.to <= w.from) return pageOf([], w);
    const changed = await vouchers(
      ctx,
      `($$IsSales:$VoucherTypeName OR $$IsReceipt:$VoucherTypeName) AND ${windowFormula(w)}`,
    );
    const sales = changed.filter((v) => v.isSales);
    const seen = new Set(sales.map((v) => billKey(v.party, v.number ?? '')));
    // Invoices whose balance a receipt in this window changed (their own ALTERID did not move).
    const settled = changed.filter((v) => v.isReceipt).flatMap(settledBills);
    const missing = settled.filter((b) => !seen.has(billKey(b.party, b.name)));
    if (missing.length > 0) {
      const wanted = new Set(missing.map((b) => billKey(b.party, b.name)));
      const more = await salesByNumber(ctx, new Set(missing.map((b) => b.name)));
      for (const v of more) {
        const key = billKey(v.party, v.number ?? '');
        if (wanted.has(key) && !seen.has(key)) {
          seen.add(key);
          sales.push(v);
        }
      }
    }
    const balances = await billBalances(ctx, new Set(sales.flatMap((v) => (v.number ? [v.number] : []))));
    return pageOf(
      sales.map((v) => invoiceOf(v, balances)),
      w,
    );
  },

  async readPayments(ctx, checkpoint) {
    const w = await nextWindow(ctx, checkpoint, 'altVchId');
    if (w.to <= w.from) return pageOf([], w);
    const receipts = await vouchers(ctx, `$$IsReceipt:$VoucherTypeName AND ${windowFormula(w)}`);
    const bills = receipts.flatMap(settledBills);
    const invoices = await salesByNumber(ctx, new Set(bills.map((b) => b.name)));
    const guidOf = new Map(invoices.map((v) => [billKey(v.party, v.number ?? ''), v.guid]));
    const payments = receipts.map((v): ExternalPayment => {
      const ids = settledBills(v).flatMap((b) => guidOf.get(billKey(b.party, b.name)) ?? []);
      return {
        externalId: v.guid,
        customerExternalId: v.partyGuid ?? v.party,
        date: v.date,
        amount: round2(Math.abs(partyEntry(v)?.amount ?? 0)),
        currency: v.currency,
        reference: v.number,
        invoiceExternalIds: [...new Set(ids)],
        updatedAt: null,
        deleted: v.cancelled || undefined,
      };
    });
    return pageOf(payments, w);
  },

  async getCustomer(ctx, externalId) {
    return (await ledgerByGuid(ctx, externalId))?.customer ?? null;
  },

  async createCustomer(ctx, fields, key) {
    // A lead without a company still needs a ledger name: the contact's own name then.
    const name = String(fields.name ?? '').trim() || String(fields.contactPerson ?? '').trim();
    if (!name) throw new ErpError('validation', 'A Tally ledger needs a name');
    const alias = `${KEY_ALIAS_PREFIX}${key}`;
    const existing = await ledgerByName(ctx, name);
    // Our own earlier attempt (its reply lost): the same ledger, nothing created.
    if (existing?.aliases.includes(alias)) return existing.customer;
    // Otherwise Tally itself refuses a taken name, with its own words.
    await importMasters(ctx, ledgerXml('Create', name, { ...fields, name }, [alias], settingsOf(ctx).group));
    const created = await ledgerByName(ctx, name);
    if (!created) throw new ErpError('unavailable', `Tally reported ledger '${name}' created but does not list it`);
    return created.customer;
  },

  async updateCustomer(ctx, externalId, version, fields) {
    const current = await ledgerByGuid(ctx, externalId);
    if (!current) throw new ErpError('not_found', `Tally has no ledger with GUID ${externalId}`);
    if (version !== null && current.customer.version !== version) {
      throw new ErpError(
        'stale',
        `Ledger '${current.name}' was changed in Tally since it was read (AlterID ${current.customer.version}, expected ${version})`,
        { vendorCode: 'ALTERID' },
      );
    }
    await importMasters(ctx, ledgerXml('Alter', current.name, fields, current.aliases));
    const after = await ledgerByGuid(ctx, externalId);
    if (!after) throw new ErpError('not_found', `Tally has no ledger with GUID ${externalId} after altering it`);
    return after.customer;
  },
};
