import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import * as repo from './imports.repository.ts';

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written as text (OWASP CSV
 * injection), as the lead export does; a phone number in E.164 (+ and digits) is a number, not a formula.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value;
}

const outcomeLabel: Record<repo.Outcome['o'], string> = {
  created: 'created',
  updated: 'updated',
  skipped: 'skipped',
  failed: 'failed',
};

/**
 * The result file: every row of the import with its outcome, the lead it made or changed, and why, then the
 * row's own cells. Streamed a chunk at a time (each read in its own short transaction), with a byte-order mark
 * so spreadsheets open it as UTF-8.
 */
export async function resultFile(deps: Deps, ctx: RequestContext, id: string) {
  const found = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findImport(trx, ctx.actor, id));
  if (!found) throw notFound('import');
  const imp = found;
  const base =
    imp.file_name
      .replace(/\.[A-Za-z0-9]+$/, '')
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 80) || 'import';
  async function* lines() {
    yield `\uFEFF${stringify([['Row', 'Outcome', 'Lead ID', 'Reason', ...imp.headers.map(neutralise)]])}`;
    for (let chunk = 0; chunk < imp.chunk_count; chunk++) {
      const stored = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.loadChunk(trx, imp.id, chunk));
      if (!stored) continue;
      const records = stored.rows.map((cells, i) => {
        const outcome = stored.outcomes?.[i];
        const parseError = stored.parse_errors[String(i)];
        return [
          String(stored.numbers[i] ?? ''),
          outcome ? outcomeLabel[outcome.o] : 'not imported',
          outcome?.lead ?? '',
          neutralise(outcome?.reason ?? (parseError ? `The row ${parseError}` : '')),
          ...cells.map(neutralise),
        ];
      });
      yield stringify(records);
    }
  }
  return { fileName: `${base}-result.csv`, stream: Readable.from(lines()) };
}
