import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { badFile, type ImportEncoding, type ImportFormat } from './imports.decode.ts';
import { toDetail } from './imports.dto.ts';
import { loadEnv, mappingFor, suggestionFor } from './imports.env.ts';
import { type ParsedRow, parseFile } from './imports.parse.ts';
import * as repo from './imports.repository.ts';

/** Rows per stored chunk, and per job run: one chunk is one transaction. */
export const CHUNK_SIZE = 2000;
const SAMPLE_ROWS = 10;
const DISTINCT_VALUES = 50;

/**
 * Writes parsed rows into the import's chunks as they come (memory holds one chunk), and notes what the mapping
 * step shows: the first rows, each column's distinct values while there are few, rows that were not records.
 */
class Stager {
  total = 0;
  failures = 0;
  chunks = 0;
  readonly sample: string[][] = [];
  private readonly distinct: (Set<string> | null)[] = [];
  private cells: string[][] = [];
  private numbers: number[] = [];
  private errors: Record<string, string> = {};
  private readonly trx: Tx;
  private readonly companyId: string;
  private readonly importId: string;

  constructor(trx: Tx, companyId: string, importId: string) {
    this.trx = trx;
    this.companyId = companyId;
    this.importId = importId;
  }

  async add(row: ParsedRow): Promise<void> {
    this.total++;
    if (row.error) {
      this.failures++;
      this.errors[String(this.cells.length)] = row.error;
    } else {
      if (this.sample.length < SAMPLE_ROWS) this.sample.push(row.cells);
      row.cells.forEach((cell, i) => {
        if (this.distinct.length <= i) this.distinct.push(new Set());
        const values = this.distinct[i];
        const value = cell.trim();
        if (!values || !value) return;
        values.add(value);
        if (values.size > DISTINCT_VALUES) this.distinct[i] = null;
      });
    }
    this.cells.push(row.cells);
    this.numbers.push(row.row);
    if (this.cells.length >= CHUNK_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.cells.length === 0) return;
    await repo.insertChunk(this.trx, {
      company_id: this.companyId,
      import_id: this.importId,
      chunk: this.chunks,
      first_row: this.numbers[0] ?? 0,
      rows: { cells: this.cells, numbers: this.numbers },
      parse_errors: this.errors,
    });
    this.chunks++;
    this.cells = [];
    this.numbers = [];
    this.errors = {};
  }

  columnValues(headers: string[]): Record<string, string[] | null> {
    return Object.fromEntries(
      headers.map((h, i) => {
        const values = i < this.distinct.length ? this.distinct[i] : new Set<string>();
        return [h, values ? [...values].sort((a, b) => a.localeCompare(b)) : null];
      }),
    );
  }
}

export interface UploadOptions {
  format?: ImportFormat | undefined;
  delimiter?: string | undefined;
  encoding?: ImportEncoding | undefined;
  mappingId?: string | undefined;
}

/**
 * Takes an uploaded file: detects its format, encoding and delimiter (or takes the given ones), parses it as a
 * stream into stored chunks of rows (so any worker can run it), and answers what the mapping step needs. A
 * broken file is refused whole and nothing is kept.
 */
export async function uploadImport(
  deps: Deps,
  ctx: RequestContext,
  file: { fileName: string; bytes: Buffer },
  options: UploadOptions,
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const id = newId();
    const now = deps.clock.now();
    await repo.insertImport(trx, {
      company_id: ctx.actor.companyId,
      id,
      created_by: ctx.actor.userId,
      api_key_id: ctx.actor.apiKeyId,
      file_name: file.fileName.slice(0, 255) || 'upload',
      file_size: file.bytes.length,
      format: options.format ?? 'csv',
      headers: [],
      total_rows: 0,
      chunk_count: 0,
      status: 'uploaded',
      created_at: now,
      updated_at: now,
    });
    const stager = new Stager(trx, ctx.actor.companyId, id);
    const parsed = await parseFile(file.bytes, file.fileName, options, (row) => stager.add(row));
    await stager.flush();
    if (stager.total === 0) throw badFile('The file has a header but no rows');
    await repo.updateImport(trx, id, {
      format: parsed.format,
      encoding: parsed.encoding,
      delimiter: parsed.delimiter,
      headers: parsed.headers,
      column_values: JSON.stringify(stager.columnValues(parsed.headers)),
      sample: JSON.stringify(stager.sample),
      total_rows: stager.total,
      parse_failures: stager.failures,
      chunk_count: stager.chunks,
    });
    let imp = await repo.findImport(trx, ctx.actor, id);
    if (!imp) throw new Error('import vanished after insert');
    if (options.mappingId) {
      const { mapping, mappingId } = await mappingFor(trx, imp, { mappingId: options.mappingId });
      await loadEnv(trx, ctx, imp, mapping, null, now);
      await repo.updateImport(trx, id, { mapping: JSON.stringify(mapping), mapping_id: mappingId });
      imp = (await repo.findImport(trx, ctx.actor, id)) ?? imp;
    }
    await recordAudit(trx, ctx, {
      action: 'import.uploaded',
      entityType: 'import',
      entityId: id,
      after: { fileName: imp.file_name, format: imp.format, rows: imp.total_rows, fileSize: Number(imp.file_size) },
      at: now,
    });
    return toDetail(imp, await suggestionFor(trx, imp));
  });
}
