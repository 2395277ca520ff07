import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import type { CreateItem } from '../leads/commands.ts';
import { createLeads } from '../leads/commands.ts';
import type { CreateLeadInput } from '../leads/index.ts';
import type { Row, SourceClient } from './extractor.connect.ts';
import { type MappingEntry, mapRow, plainRow } from './extractor.mapping.ts';
import { compareCursor, cursorOf } from './extractor.records.ts';
import * as repo from './extractor.repository.ts';
import { openSource } from './extractor.source.ts';

/** No user is behind a run: the leads it creates have no creator, and their audit rows no actor. */
function runContext(companyId: string, runId: string): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId,
      role: 'ADMIN',
      name: 'Extractor',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId: `extractor-${runId}`,
    ip: '',
    userAgent: null,
  };
}

const reasonOf = (error: unknown) => {
  if (!(error instanceof AppError)) return error instanceof Error ? error.message : String(error);
  const fields = (error.errors ?? []).map((e) => `${e.path} ${e.message}`).join('; ');
  return fields ? `${error.message}: ${fields}` : error.message;
};

interface Counts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/**
 * Writes one batch in one transaction: its leads through createLeads, its failed rows with their reasons, the
 * run's counts and, when given, the source's new cursor value. Answers false when the run was cancelled or the
 * source deleted meanwhile (nothing written). A database error rolls the whole batch back.
 */
async function writeBatch(trx: Tx, deps: Deps, runId: string, rows: Row[], cursor: string | null): Promise<boolean> {
  const run = await repo.lockRun(trx, runId);
  const source = run ? await repo.lockSource(trx, run.source_id) : undefined;
  if (run?.status !== 'running' || !source) return false;
  const cursorColumn = source.cursor_column;
  const mapping = source.mapping as unknown as MappingEntry[];
  const counts: Counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const failures: { row: Row; reason: string }[] = [];
  const items: CreateItem[] = [];
  const itemRows: Row[] = [];
  for (const row of rows) {
    try {
      const body = await mapRow(row, mapping);
      // Checked here as createLeads would: a nameless item cannot share a batch.
      if (typeof body.name !== 'string' || !body.name.trim()) throw new Error('name: is required');
      items.push({ body: body as CreateLeadInput });
      itemRows.push(row);
    } catch (error) {
      failures.push({ row, reason: reasonOf(error) });
    }
  }
  if (items.length > 0) {
    const { results } = await createLeads(trx, deps, runContext(source.company_id, runId), items, {
      channel: 'integration',
      onDuplicate: source.on_duplicate as 'skip' | 'merge',
      defaultSource: source.lead_source,
      notifyOwners: true,
    });
    for (const [i, result] of results.entries()) {
      if (result.status === 'created') counts.created += 1;
      else if (result.status === 'merged') counts.updated += 1;
      else if (result.status === 'skipped' || result.status === 'duplicate') counts.skipped += 1;
      else if (result.status === 'failed') {
        if (!(result.error instanceof AppError)) throw result.error;
        failures.push({ row: itemRows[i] as Row, reason: reasonOf(result.error) });
      }
    }
  }
  counts.failed = failures.length;
  const now = deps.clock.now();
  if (failures.length > 0) {
    await trx
      .insertInto('extractor_row_errors')
      .values(
        failures.map((f) => ({
          company_id: source.company_id,
          id: newId(),
          run_id: runId,
          cursor_value: cursorColumn ? cursorOf(f.row, cursorColumn) : null,
          data: JSON.stringify(plainRow(f.row)),
          reason: f.reason.slice(0, 2000),
          created_at: now,
        })),
      )
      .execute();
  }
  await trx
    .updateTable('extractor_runs')
    .set((eb) => ({
      rows_read: eb('rows_read', '+', rows.length),
      created: eb('created', '+', counts.created),
      updated: eb('updated', '+', counts.updated),
      skipped: eb('skipped', '+', counts.skipped),
      failed: eb('failed', '+', counts.failed),
      ...(cursor !== null ? { cursor_to: cursor } : {}),
    }))
    .where('id', '=', runId)
    .execute();
  if (cursor !== null) {
    await trx.updateTable('extractor_sources').set({ cursor_value: cursor }).where('id', '=', source.id).execute();
  }
  return true;
}

/**
 * Ends a run that is still going: succeeded, or failed with the reason. A source read in no known order (an
 * API, a file) gets its new cursor here, with the success, and only then.
 */
async function finish(
  deps: Deps,
  companyId: string,
  runId: string,
  error: string | null,
  cursor: { sourceId: string; value: string } | null = null,
): Promise<void> {
  await withTenant(deps.db, companyId, async (trx) => {
    const ended = await trx
      .updateTable('extractor_runs')
      .set({
        status: error ? 'failed' : 'succeeded',
        error,
        finished_at: deps.clock.now(),
        ...(cursor && !error ? { cursor_to: cursor.value } : {}),
      })
      .where('id', '=', runId)
      .where('status', 'in', ['queued', 'running'])
      .returning('id')
      .executeTakeFirst();
    if (ended && cursor && !error) {
      await trx
        .updateTable('extractor_sources')
        .set({ cursor_value: cursor.value })
        .where('id', '=', cursor.sourceId)
        .execute();
    }
  });
}

/**
 * The run job: reads the source from its committed cursor, batch by batch, each batch written and committed
 * before the next is read. A database gives its rows in cursor order, so its cursor commits with each batch; an
 * API or a file gives them in no known order, so its cursor moves to the highest value read when the run ends
 * well, and not at all otherwise (a failed run's records are read again, and the duplicate policy meets those
 * already written). A source that cannot be reached, a failing query, an error status or a body that is not
 * JSON fails the run with that message.
 */
export async function runExtraction(_trx: Tx, deps: Deps, job: Job<{ runId: string }>): Promise<void> {
  const { companyId } = job;
  const { runId } = job.payload;
  const source = await withTenant(deps.db, companyId, async (trx) => {
    const run = await repo.lockRun(trx, runId);
    if (run?.status !== 'queued') return null;
    const row = await repo.findSource(trx, run.source_id);
    if (!row) return null;
    await trx
      .updateTable('extractor_runs')
      .set({ status: 'running', started_at: deps.clock.now(), cursor_from: row.cursor_value })
      .where('id', '=', runId)
      .execute();
    return row;
  });
  if (!source) return;
  const cursorColumn = source.cursor_column;
  let client: SourceClient | null = null;
  try {
    client = await openSource(deps, source, source.cursor_value);
    let highest: string | null = null;
    for (;;) {
      const rows = await client.next(source.batch_size);
      if (rows.length === 0) break;
      let commit: string | null = null;
      if (cursorColumn && client.ordered) {
        commit = cursorOf(rows.at(-1), cursorColumn);
        if (commit === null) throw new Error(`The cursor column ${cursorColumn} is missing or empty in the rows`);
      } else if (cursorColumn) {
        for (const row of rows) {
          const value = cursorOf(row, cursorColumn);
          if (value !== null && (highest === null || compareCursor(value, highest) > 0)) highest = value;
        }
      }
      const going = await withTenant(deps.db, companyId, (trx) => writeBatch(trx, deps, runId, rows, commit));
      if (!going) return;
      if (client.ordered && rows.length < source.batch_size) break;
    }
    await finish(deps, companyId, runId, null, highest === null ? null : { sourceId: source.id, value: highest });
  } catch (error) {
    await finish(deps, companyId, runId, reasonOf(error).slice(0, 2000) || 'The run failed');
  } finally {
    await client?.close();
  }
}
