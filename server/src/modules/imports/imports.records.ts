import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badFile } from './imports.decode.ts';
import type { RowSink } from './imports.parse.ts';

const MAX_ROWS = 1_000_000;

/**
 * The columns of record formats (JSON, NDJSON, XML): every field path seen, in the order first seen. Records
 * need not share their fields; a row's cells follow the columns known when it was read (later columns are
 * blank for it).
 */
export class RecordTable {
  readonly headers: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly maxColumns: number;

  constructor(maxColumns: number) {
    this.maxColumns = maxColumns;
  }

  cells(record: Record<string, string>): string[] {
    const cells: string[] = new Array(this.headers.length).fill('');
    for (const [key, value] of Object.entries(record)) {
      let at = this.index.get(key);
      if (at === undefined) {
        if (this.headers.length >= this.maxColumns) {
          throw badFile(`The records have more than ${this.maxColumns} different fields`);
        }
        at = this.headers.length;
        this.headers.push(key);
        this.index.set(key, at);
      }
      cells[at] = value;
    }
    return cells;
  }
}

/**
 * A record as flat text fields: nested objects as dotted paths (`address.city`), lists of plain values joined
 * with "; " (so several emails or tags survive), anything deeper as its JSON.
 */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = '';
  } else if (Array.isArray(value)) {
    const plain = value.every((v) => v === null || typeof v !== 'object');
    out[prefix || 'value'] = plain ? value.filter((v) => v !== null && v !== '').join('; ') : JSON.stringify(value);
  } else if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      // An XML element with attributes keeps its text under #text: that text is the element's value.
      const path = key === '#text' ? prefix : prefix ? `${prefix}.${key}` : key;
      flatten(inner, path || key, out);
    }
  } else {
    out[prefix || 'value'] = String(value);
  }
  return out;
}

async function emit(records: unknown[], table: RecordTable, sink: RowSink): Promise<void> {
  if (records.length > MAX_ROWS) throw badFile(`The file has more than ${MAX_ROWS.toLocaleString('en')} records`);
  for (const [i, record] of records.entries()) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      await sink({ row: i + 1, cells: table.cells({}), error: 'is not a record (an object with fields)' });
      continue;
    }
    await sink({ row: i + 1, cells: table.cells(flatten(record)) });
  }
}

/** A JSON array of records, or an object holding one (`{"leads": [...]}`); or an XML document of repeated elements. */
export async function parseRecordDocument(
  format: 'json' | 'xml',
  text: string,
  table: RecordTable,
  sink: RowSink,
): Promise<void> {
  const records = format === 'json' ? jsonRecords(text) : xmlRecords(text);
  await emit(records, table, sink);
}

function jsonRecords(text: string): unknown[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw badFile(`The file is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(document)) return document;
  if (document && typeof document === 'object') {
    const lists = Object.values(document).filter(Array.isArray);
    if (lists.length === 1) return lists[0] as unknown[];
  }
  throw badFile('The JSON must be an array of records (or an object holding one array of records)');
}

/**
 * The repeated element of an XML document: from the root, down through single wrappers (`<Envelope><Body>`),
 * to the element that repeats (or the only child of the innermost wrapper).
 */
function xmlRecords(text: string): unknown[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw badFile(
      `The file is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`,
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const roots = Object.entries(document).filter(([key]) => !key.startsWith('?'));
  if (roots.length !== 1) throw badFile('The XML document has no single root element');
  let node: unknown = roots[0]?.[1];
  for (let depth = 0; depth < 10; depth++) {
    if (Array.isArray(node)) return node;
    if (!node || typeof node !== 'object') break;
    const children = Object.entries(node as Record<string, unknown>);
    const repeated = children
      .filter(([, v]) => Array.isArray(v))
      .sort((a, b) => (b[1] as []).length - (a[1] as []).length);
    if (repeated[0]) return repeated[0][1] as unknown[];
    const elements = children.filter(([, v]) => v !== null && typeof v === 'object');
    if (elements.length !== 1) break;
    const only = elements[0]?.[1] as Record<string, unknown>;
    // A wrapper holding one record (its children are plain values) is that one record.
    if (Object.values(only).every((v) => v === null || typeof v !== 'object')) return [only];
    node = only;
  }
  throw badFile('The XML document holds no repeated record elements (such as <lead> inside <leads>)');
}

/** One JSON object per line; a line that is not one is that row's error, and the rest go on. */
export async function parseNdjson(pieces: Iterable<string>, table: RecordTable, sink: RowSink): Promise<void> {
  let pending = '';
  let line = 0;
  let rows = 0;
  const take = async (text: string) => {
    line++;
    const trimmed = text.trim();
    if (!trimmed) return;
    if (++rows > MAX_ROWS) throw badFile(`The file has more than ${MAX_ROWS.toLocaleString('en')} records`);
    let record: unknown;
    try {
      record = JSON.parse(trimmed);
    } catch (error) {
      await sink({ row: line, cells: table.cells({}), error: `is not valid JSON (${(error as Error).message})` });
      return;
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      await sink({ row: line, cells: table.cells({}), error: 'is not a JSON object' });
      return;
    }
    await sink({ row: line, cells: table.cells(flatten(record)) });
  };
  for (const piece of pieces) {
    pending += piece;
    let start = 0;
    let at = pending.indexOf('\n');
    while (at >= 0) {
      await take(pending.slice(start, at));
      start = at + 1;
      at = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  if (pending) await take(pending);
  if (rows === 0) throw badFile('The file holds no JSON lines');
}
