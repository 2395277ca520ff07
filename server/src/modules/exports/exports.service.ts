import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { csvLine, neutralise } from '../../lib/spreadsheet.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type FieldAccess,
  fieldAccessFor,
  iterateLeadRows,
  type LeadRow,
  type LeadRowsPage,
  type ListLeadsInput,
  toLead,
} from '../leads/index.ts';
import { scoreReasonsFor } from '../scoring/index.ts';

import {
  type Cell,
  type ExportColumn,
  exportColumns,
  headerOf,
  type Lookups,
  SCORE_REASONS,
  wallClockDate,
  wallClockText,
} from './exports.columns.ts';
import * as repo from './exports.repository.ts';

export type ExportFormat = 'csv' | 'xlsx' | 'json';

/** Rows read per page (one short transaction each) and written before the next page is read. */
export const EXPORT_PAGE = 2000;

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export interface ExportRequest {
  format: ExportFormat;
  columns?: string | undefined;
  /** The list's filters, q and sort. */
  params: Omit<ListLeadsInput, 'limit' | 'cursor'>;
}

export interface ExportStream {
  filename: string;
  contentType: string;
  body: Readable;
}

interface Plan {
  deps: Deps;
  ctx: RequestContext;
  request: ExportRequest;
  columns: ExportColumn[];
  lookups: Lookups;
  access: FieldAccess;
  pages: AsyncGenerator<LeadRowsPage>;
  first: LeadRowsPage;
}

/**
 * The leads of a list view (its filters, search, sort and the caller's visibility) as a CSV, XLSX or JSON file,
 * streamed: each page is written before the next is read, so a million rows leave memory flat. Everything that
 * can be refused (columns, filters, sort) is checked before the first byte is sent, so a refusal is still a
 * problem+json. The export is audited when the stream ends, with how many rows it held and whether it finished.
 */
export async function exportLeads(deps: Deps, ctx: RequestContext, request: ExportRequest): Promise<ExportStream> {
  const setup = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await fieldAccessFor(trx, ctx.actor.role);
    return { access, ...(await repo.exportSettings(trx)) };
  });
  const columns = exportColumns(request.columns, setup.access, setup.customDefs);
  const pages = iterateLeadRows(deps, ctx, request.params, EXPORT_PAGE);
  const first = await pages.next();
  if (first.done) throw new Error('the lead iterator ended before its first page');
  const plan: Plan = {
    deps,
    ctx,
    request,
    columns,
    lookups: setup.lookups,
    access: first.value.access,
    pages,
    first: first.value,
  };
  const date = deps.clock.now().toISOString().slice(0, 10);
  const body =
    request.format === 'xlsx'
      ? xlsxStream(plan)
      : Readable.from(request.format === 'csv' ? csvChunks(plan) : jsonChunks(plan));
  return { filename: `leads-${date}.${request.format}`, contentType: contentTypes[request.format], body };
}

async function* allPages(plan: Plan): AsyncGenerator<LeadRow[]> {
  yield await withReasons(plan, plan.first.rows);
  for await (const page of plan.pages) yield await withReasons(plan, page.rows);
}

/**
 * Reads the reasons behind the page's scores (as the exporting user may see them) into the lookups, when the
 * export holds them; each page is written before the next is read.
 */
async function withReasons(plan: Plan, rows: LeadRow[]): Promise<LeadRow[]> {
  if (!plan.columns.includes(SCORE_REASONS)) return rows;
  const { deps, ctx } = plan;
  const scores = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    scoreReasonsFor(
      trx,
      ctx.actor,
      rows.map((r) => r.id),
    ),
  );
  plan.lookups.scoreReasons = new Map([...scores].map(([id, s]) => [id, s.reasons]));
  return rows;
}

async function audit(plan: Plan, rows: number, completed: boolean): Promise<void> {
  const { deps, ctx, request } = plan;
  await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    recordAudit(trx, ctx, {
      action: 'leads.exported',
      entityType: 'lead_export',
      entityId: newId(),
      after: {
        format: request.format,
        filter: request.params,
        columns: plan.columns.map((c) => c.key),
        rows,
        completed,
      },
      at: deps.clock.now(),
    }),
  );
}

function textCell(value: Cell, timeZone: string): string {
  if (value === null) return '';
  if (value instanceof Date) return wallClockText(value, timeZone);
  if (typeof value === 'string') return neutralise(value);
  return String(value);
}

async function* csvChunks(plan: Plan): AsyncGenerator<string> {
  let rows = 0;
  let completed = false;
  try {
    // The byte order mark tells spreadsheet programs the file is UTF-8 (names in any script survive).
    yield `\uFEFF${csvLine(plan.columns.map((c) => neutralise(headerOf(c, plan.lookups))))}`;
    const zone = plan.lookups.timeZone;
    for await (const page of allPages(plan)) {
      yield page.map((row) => csvLine(plan.columns.map((c) => textCell(c.cell(row, plan.lookups), zone)))).join('');
      rows += page.length;
    }
    completed = true;
  } finally {
    await audit(plan, rows, completed);
  }
}

/** A lead as the API shows it, with only the requested columns (ids beside names) when columns were named. */
function jsonLead(plan: Plan, row: LeadRow): Record<string, unknown> {
  const { editable: _editable, ...lead } = toLead(row, plan.access);
  if (plan.columns.includes(SCORE_REASONS)) lead.scoreReasons = plan.lookups.scoreReasons?.get(row.id) ?? [];
  if (!plan.request.columns) return lead;
  const picked: Record<string, unknown> = { id: lead.id };
  const custom: Record<string, unknown> = {};
  for (const column of plan.columns) {
    for (const key of column.json) {
      if (key.startsWith('customFields.')) {
        const name = key.slice('customFields.'.length);
        custom[name] = (lead.customFields as Record<string, unknown> | undefined)?.[name] ?? null;
        picked.customFields = custom;
      } else if (key in lead) picked[key] = lead[key];
    }
  }
  return picked;
}

async function* jsonChunks(plan: Plan): AsyncGenerator<string> {
  let rows = 0;
  let completed = false;
  try {
    yield '[';
    for await (const page of allPages(plan)) {
      if (page.length === 0) continue;
      const body = page.map((row) => JSON.stringify(jsonLead(plan, row))).join(',\n');
      yield rows === 0 ? `\n${body}` : `,\n${body}`;
      rows += page.length;
    }
    yield '\n]\n';
    completed = true;
  } finally {
    await audit(plan, rows, completed);
  }
}

function xlsxCell(column: ExportColumn, value: Cell, timeZone: string): Cell {
  if (value === null) return null;
  if (column.kind === 'date' && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  if (value instanceof Date) return wallClockDate(value, timeZone);
  return typeof value === 'string' ? neutralise(value) : value;
}

/** Resolves when the stream wants more, or is gone (a client that went away never drains it). */
function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

const numFmts: Partial<Record<ExportColumn['kind'], string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
  number: '#,##0.##',
};

/**
 * The workbook is written by exceljs's streaming writer into the response as rows come. Its zip stage buffers
 * whatever it is given, so each page waits until the response has taken what was written before reading more.
 */
function xlsxStream(plan: Plan): Readable {
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  let closed = false;
  output.once('close', () => {
    closed = true;
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'iPerform';
  const sheet = workbook.addWorksheet('Leads', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = plan.columns.map((c) => ({
    header: neutralise(headerOf(c, plan.lookups)),
    key: c.key,
    width: Math.min(40, Math.max(12, headerOf(c, plan.lookups).length + 2)),
    ...(numFmts[c.kind] ? { style: { numFmt: numFmts[c.kind] } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  const produce = async () => {
    let rows = 0;
    let completed = false;
    try {
      for await (const page of allPages(plan)) {
        for (const row of page) {
          sheet.addRow(plan.columns.map((c) => xlsxCell(c, c.cell(row, plan.lookups), plan.lookups.timeZone))).commit();
        }
        rows += page.length;
        if (closed) return;
        await new Promise((resolve) => setImmediate(resolve));
        if (output.writableNeedDrain) await drained(output);
      }
      completed = true;
    } finally {
      await audit(plan, rows, completed);
    }
    sheet.commit();
    await workbook.commit();
  };
  produce().catch((error: unknown) => output.destroy(error as Error));
  return output;
}
