/**
 * A report as a file: every row (paged through the same run, 5,000 at a time), dimensions by their labels and
 * figures as numbers, as CSV or an XLSX workbook. Streamed to a download (each export audited), or made whole
 * in memory for an email attachment (a scheduled report), inside the caller's transaction.
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { csvLine, neutralise } from '../../lib/spreadsheet.ts';
import { clickhouseFor } from '../analytics/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { RunInputBody } from './reports.schemas.ts';
import { type RunInput, type RunOptions, runReport } from './run.ts';

const PAGE = 5000;
type Result = Awaited<ReturnType<typeof runReport>>;
export type ReportFormat = 'csv' | 'xlsx';

/** One page of a run, `limit` rows from `offset`. */
type PageOf = (limit: number, offset: number) => Promise<Result>;

async function* pages(page: PageOf): AsyncGenerator<Result> {
  let offset = 0;
  for (;;) {
    const result = await page(PAGE, offset);
    yield result;
    offset += result.rows.length;
    if (result.rows.length < PAGE || offset >= result.total) return;
  }
}

function cells(result: Result, row: Result['rows'][number]): (string | number | null)[] {
  return result.columns.map((c) =>
    c.role === 'dimension' ? (row.labels[c.key] ?? String(row.values[c.key] ?? '')) : (row.values[c.key] ?? null),
  );
}

/** The file's name: the report's key and its window, e.g. `pipeline.deals-by-stage-2026-12-01-2026-12-31.csv`. */
function fileName(head: Result, format: ReportFormat): string {
  const slug = (head.report.key ?? 'report').replace(/[^A-Za-z0-9.-]+/g, '-');
  return `${slug}-${head.from ?? 'all'}-${head.to ?? 'time'}.${format}`;
}

const types: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The file of a run whose first page is `head` and whose other pages `rest` gives, as a stream. */
function render(head: Result, rest: AsyncIterable<Result>, format: ReportFormat): Readable {
  async function* all() {
    yield head;
    yield* rest;
  }
  if (format === 'csv') {
    async function* csv() {
      yield `\uFEFF${csvLine(head.columns.map((c) => neutralise(c.label)))}`;
      for await (const page of all()) {
        yield page.rows
          .map((row) => csvLine(cells(page, row).map((v) => (typeof v === 'string' ? neutralise(v) : String(v ?? '')))))
          .join('');
      }
    }
    return Readable.from(csv());
  }
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(head.report.name.slice(0, 31).replace(/[[\]*?/\\:]/g, ' '));
  sheet.columns = head.columns.map((c) => ({
    header: neutralise(c.label),
    key: c.key,
    width: Math.min(40, Math.max(12, c.label.length + 2)),
    ...(c.format === 'money'
      ? { style: { numFmt: '#,##0.00' } }
      : c.format === 'percent'
        ? { style: { numFmt: '0.0%' } }
        : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  (async () => {
    for await (const page of all()) {
      for (const row of page.rows) {
        sheet.addRow(cells(page, row).map((v) => (typeof v === 'string' ? neutralise(v) : v))).commit();
      }
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}

export async function exportReport(
  deps: Deps,
  ctx: RequestContext,
  body: RunInputBody & { format: ReportFormat },
): Promise<{ name: string; type: string; stream: Readable }> {
  const { format, ...run } = body;
  const iterator = pages((limit, offset) =>
    withTenant(deps.db, ctx.actor.companyId, (trx) =>
      runReport(
        trx,
        ctx.actor,
        deps.clock.now(),
        { ...run, limit, offset },
        { clickhouse: clickhouseFor(deps.config) },
      ),
    ),
  );
  // The first page is read before answering: a bad report is a 400, not a broken download.
  const first = await iterator.next();
  const head = first.value as Result;
  await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    recordAudit(trx, ctx, {
      action: 'report.exported',
      entityType: 'report_export',
      entityId: newId(),
      after: { report: typeof run.report === 'string' ? run.report : run.report, format, from: head.from, to: head.to },
    }),
  );
  const rest = { [Symbol.asyncIterator]: () => iterator };
  return { name: fileName(head, format), type: types[format], stream: render(head, rest, format) };
}

export interface ReportFile {
  /** The run's first page: the report, its columns, totals, row count and window. */
  result: Result;
  name: string;
  type: string;
  /** The whole file; null when it would pass `maxRows` rows or `maxBytes` bytes. */
  content: Buffer | null;
}

/**
 * A report run by `actor` (its visibility and field access in every page) as a whole file, every page read in
 * the caller's transaction first. Made for attachments: past `maxRows` rows or `maxBytes` bytes it gives no
 * content (the caller links to the report instead) rather than a file cut short.
 */
export async function reportFile(
  trx: Tx,
  actor: Actor,
  now: Date,
  input: Omit<RunInput, 'limit' | 'offset'>,
  format: ReportFormat,
  limits: { maxRows: number; maxBytes: number },
  options: RunOptions = {},
): Promise<ReportFile> {
  const read: Result[] = [];
  let rows = 0;
  for await (const page of pages((limit, offset) => runReport(trx, actor, now, { ...input, limit, offset }, options))) {
    read.push(page);
    rows += page.rows.length;
    if (rows > limits.maxRows) break;
  }
  const head = read[0] as Result;
  const file = { result: head, name: fileName(head, format), type: types[format] };
  if (rows > limits.maxRows) return { ...file, content: null };
  async function* rest() {
    yield* read.slice(1);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of render(head, rest(), format)) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > limits.maxBytes) return { ...file, content: null };
    chunks.push(buffer);
  }
  return { ...file, content: Buffer.concat(chunks) };
}
