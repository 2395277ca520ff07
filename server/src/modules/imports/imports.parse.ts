import { Readable } from 'node:stream';
import { parse as parseCsvStream } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../../http/errors.ts';
import {
  badFile,
  type DetectedEncoding,
  decodedPieces,
  detectEncoding,
  detectFormat,
  headText,
  type ImportEncoding,
  type ImportFormat,
} from './imports.decode.ts';
import { parseNdjson, parseRecordDocument, RecordTable } from './imports.records.ts';

export const MAX_COLUMNS = 500;
export const MAX_ROWS = 1_000_000;

export interface ParseOptions {
  format?: ImportFormat | undefined;
  delimiter?: string | undefined;
  encoding?: ImportEncoding | undefined;
}

/** One data row: its number as the user sees it, its cells in header order, and why it is not a record (or none). */
export interface ParsedRow {
  row: number;
  cells: string[];
  error?: string;
}

export interface ParsedFile {
  format: ImportFormat;
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
}

export type RowSink = (row: ParsedRow) => Promise<void> | void;

/**
 * Reads an uploaded file row by row, handing each to `sink` (awaited, so a slow sink slows the reading rather
 * than piling rows up). CSV and XLSX are streamed; JSON and XML documents are parsed whole. A file that is not
 * what it claims, not in its encoding, or without a header is refused as a whole (422 naming the problem); a row
 * that cannot be read (ragged, bad JSON line) is handed on with its `error`.
 */
export async function parseFile(
  bytes: Buffer,
  fileName: string,
  options: ParseOptions,
  sink: RowSink,
): Promise<ParsedFile> {
  if (bytes.length === 0) throw badFile('The file is empty');
  const format = options.format ?? detectFormat(fileName, bytes);
  const zipped = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (format !== 'xlsx' && zipped) {
    throw badFile(`The file is a ZIP archive (an XLSX workbook?), not ${format.toUpperCase()}`);
  }
  if (format === 'xlsx') {
    if (!zipped)
      throw badFile('The file is not an XLSX workbook (an .xlsx file is a ZIP archive); save it as .xlsx or CSV');
    return { format, encoding: null, delimiter: null, headers: await parseXlsx(bytes, sink) };
  }
  const detected = detectEncoding(bytes, options.encoding ?? 'auto');
  if (format === 'csv') {
    const delimiter = options.delimiter ?? sniffDelimiter(headText(bytes, detected));
    const headers = await parseCsv(bytes, detected, delimiter, sink);
    return { format, encoding: detected.encoding, delimiter, headers };
  }
  const table = new RecordTable(MAX_COLUMNS);
  if (format === 'ndjson') await parseNdjson(decodedPieces(bytes, detected), table, sink);
  else await parseRecordDocument(format, [...decodedPieces(bytes, detected)].join(''), table, sink);
  if (table.headers.length === 0) throw badFile('The file holds no records with fields');
  return { format, encoding: detected.encoding, delimiter: null, headers: table.headers };
}

/** The candidate that splits the first lines into the same number of fields most consistently. */
export function sniffDelimiter(text: string): string {
  const lines = linesOf(text).slice(0, 30);
  let best = ',';
  let bestScore = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const counts = lines.map((line) => countOutside(line, candidate));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const score = counts.filter((c) => c === first).length * 1000 + first;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Complete lines (a quoted line break does not end one); the last, perhaps cut off, is dropped. */
function linesOf(text: string): string[] {
  const lines: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      const line = text.slice(start, i).replace(/\r$/, '');
      if (line.trim()) lines.push(line);
      start = i + 1;
    }
  }
  if (start === 0 && text.trim()) lines.push(text);
  return lines;
}

function countOutside(line: string, delimiter: string): number {
  let quoted = false;
  let n = 0;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) n++;
  }
  return n;
}

/** Unique, non-blank column names: blanks become "Column 3", repeats "Phone (2)". */
export function cleanHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((value, i) => {
    const base =
      value
        .replace(/^\uFEFF/, '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 200) || `Column ${i + 1}`;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

const EMAILISH = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBERISH = /^[+\d][\d\s().,/-]*$/;

/** A first row holding email addresses, phone numbers or amounts is data, not a header. */
function checkHeaderRow(cells: string[]): void {
  if (cells.length > MAX_COLUMNS)
    throw badFile(`The file has ${cells.length} columns; at most ${MAX_COLUMNS} are read`);
  const data = cells.map((c) => c.trim()).find((c) => EMAILISH.test(c) || (NUMBERISH.test(c) && /\d{3}/.test(c)));
  if (data !== undefined) {
    throw badFile(`The first row is not a header: it holds "${data.slice(0, 60)}". Add a row of column names first`);
  }
  if (cells.some((c) => c.includes('\u0000'))) throw badFile('The file is not text (it holds NUL bytes)');
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/** Cells beyond the header that are all blank (a trailing delimiter, Excel's stray columns) are dropped. */
function fitRow(cells: string[], width: number): { cells: string[]; error?: string } {
  if (cells.length === width) return { cells };
  if (cells.length > width && isBlank(cells.slice(width))) return { cells: cells.slice(0, width) };
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return {
    cells,
    error: `has ${plural(cells.length, 'value')} where the header has ${plural(width, 'column')}`,
  };
}

async function parseCsv(bytes: Buffer, detected: DetectedEncoding, delimiter: string, sink: RowSink) {
  const parser = parseCsvStream({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: 1_000_000,
  });
  Readable.from(decodedPieces(bytes, detected)).pipe(parser);
  let headers: string[] | null = null;
  let row = 0;
  let rows = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      if (isBlank(record)) continue;
      if (!headers) {
        checkHeaderRow(record);
        headers = cleanHeaders(record);
        continue;
      }
      if (++rows > MAX_ROWS) throw badFile(`The file has more than ${MAX_ROWS.toLocaleString('en')} rows`);
      await sink({ row, ...fitRow(record, headers.length) });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_')) {
      throw badFile(`The file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
  if (!headers) throw badFile('The file has no header row');
  return headers;
}

/** An XLSX cell as text: dates as ISO (a day alone when it has no time), formulas by their result. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((t) => t.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    if ('error' in v) return '';
    return '';
  }
  return String(value);
}

async function parseXlsx(bytes: Buffer, sink: RowSink): Promise<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let headers: string[] | null = null;
  let rows = 0;
  try {
    for await (const sheet of reader) {
      for await (const line of sheet) {
        const values = (line.values as unknown[]) ?? [];
        // Row values are sparse (1-based, holes for empty cells): read every position.
        const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
        if (isBlank(cells)) continue;
        if (!headers) {
          checkHeaderRow(cells);
          headers = cleanHeaders(cells);
          continue;
        }
        if (++rows > MAX_ROWS) throw badFile(`The file has more than ${MAX_ROWS.toLocaleString('en')} rows`);
        const padded =
          cells.length < headers.length ? [...cells, ...Array(headers.length - cells.length).fill('')] : cells;
        await sink({ row: line.number, ...fitRow(padded, headers.length) });
      }
      // The first worksheet is the data; the others (notes, lookups) are not read.
      break;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw badFile(`The file is not a readable XLSX workbook: ${(error as Error).message}`);
  }
  if (!headers) throw badFile('The first worksheet has no header row');
  return headers;
}
