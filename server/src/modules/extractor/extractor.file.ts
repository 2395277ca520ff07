import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { cellText, cleanHeaders } from '../imports/index.ts';
import type { Row, SourceClient } from './extractor.connect.ts';
import { capped, FILE_LIMIT_BYTES, fetchUrl, shownUrl } from './extractor.fetch.ts';
import { authHeaders, type HttpSettings } from './extractor.http.ts';
import { rowClient } from './extractor.records.ts';

const MAX_COLUMNS = 500;

export interface FileSource {
  url: string;
  settings: HttpSettings;
  secret: string | null;
  cursor: string | null;
  after: string | null;
  allowPrivate: boolean;
}

/** Lines of cells as rows keyed by the first non-blank line (the header); blank lines are passed over. */
async function* keyed(lines: AsyncIterable<string[]>, name: string): AsyncGenerator<Row> {
  let headers: string[] | null = null;
  for await (const cells of lines) {
    if (cells.every((c) => c.trim() === '')) continue;
    if (!headers) {
      if (cells.length > MAX_COLUMNS) throw new Error(`${name} has ${cells.length} columns; at most ${MAX_COLUMNS}`);
      headers = cleanHeaders(cells);
      continue;
    }
    const row: Row = {};
    for (const [i, header] of headers.entries()) row[header] = cells[i] ?? '';
    yield row;
  }
  if (!headers) throw new Error(`${name} has no header row`);
}

async function* csvLines(path: string, delimiter: string): AsyncGenerator<string[]> {
  const parser = createReadStream(path).pipe(
    parseCsv({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, max_record_size: 1_000_000 }),
  );
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (error) {
    throw new Error(`The file is not valid CSV: ${(error as Error).message}`);
  }
}

async function* xlsxLines(path: string): AsyncGenerator<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const line of sheet) {
        const values = (line.values as unknown[]) ?? [];
        // Row values are sparse (1-based, holes for empty cells): read every position.
        yield Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      }
      // The first worksheet is the data.
      break;
    }
  } catch (error) {
    throw new Error(`The file is not a readable XLSX workbook: ${(error as Error).message}`);
  }
}

/**
 * A CSV or XLSX file at a URL as a source. The file is downloaded whole first (within the request's time and
 * size limits) into a scratch file, so that writing the leads, batch by batch, does not hold the connection
 * open; it is then read line by line, never whole in memory, and deleted when the client closes.
 */
export async function openFile(source: FileSource): Promise<SourceClient> {
  const format = source.settings.format ?? 'csv';
  const answer = await fetchUrl(source.url, {
    headers: { accept: format === 'csv' ? 'text/csv, */*' : '*/*', ...authHeaders(source.settings, source.secret) },
    allowPrivate: source.allowPrivate,
  });
  const dir = await mkdtemp(join(tmpdir(), 'iperform-extractor-'));
  const path = join(dir, `source.${format}`);
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(capped(answer.body, FILE_LIMIT_BYTES), createWriteStream(path));
  } catch (error) {
    answer.abort();
    await remove();
    throw new Error(`${shownUrl(answer.url)}: ${(error as Error).message}`);
  }
  answer.abort();
  const lines = format === 'xlsx' ? xlsxLines(path) : csvLines(path, source.settings.delimiter ?? ',');
  return rowClient(keyed(lines, 'The file'), source.cursor, source.after, remove);
}
