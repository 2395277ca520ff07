import { sql } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { daily } from '../../jobs/schedule.ts';
import { recordAudit } from '../audit/index.ts';
import { type CreateItem, type CreateResult, createLeads } from '../leads/commands.ts';
import { notify } from '../notifications/index.ts';
import { importerContext, loadEnv, sourceRows } from './imports.env.ts';
import { evaluateRows, FileIndex, type RowDecision } from './imports.evaluate.ts';
import { pruneUnrunImports } from './imports.prune.ts';
import * as repo from './imports.repository.ts';
import type { Mapping } from './imports.schemas.ts';
import { mergeInto } from './imports.write.ts';

/** A chunk of an import: which import, which of its chunks (from 0). */
const ChunkPayload = Type.Object(
  { importId: Type.String({ format: 'uuid' }), chunk: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type ChunkPayload = Static<typeof ChunkPayload>;

/** Runs one chunk of an import; each queues the next, the last finishes the import. */
export const importChunkJob = defineJob({
  kind: 'import.chunk',
  payload: ChunkPayload,
  handler: (trx, deps, job) => runImportChunk(trx, deps, job),
});

/** Takes one chunk of a finished import back; each queues the next. */
export const importUndoJob = defineJob({
  kind: 'import.undo',
  payload: ChunkPayload,
  handler: async (trx, deps, job) => (await import('./imports.undo.ts')).runImportUndo(trx, deps, job),
});

/** After an import, a chunk of its leads created although they matched others into the review queue. */
export const importFlagJob = defineJob({
  kind: 'import.flag',
  payload: ChunkPayload,
  handler: async (trx, deps, job) => (await import('./imports.flag.ts')).flagImported(trx, deps, job),
});

/** Daily: uploads nobody ran within a week go, with their parsed rows. */
export const importsPruneJob = defineJob({
  kind: 'imports.prune',
  schedule: daily('03:50'),
  handler: (trx, deps) => pruneUnrunImports(trx, deps),
});

export const importsJobs = [importChunkJob, importUndoJob, importFlagJob, importsPruneJob];

/** Attempts before a chunk that keeps failing for a reason of ours fails the import (the runner's limit). */
const LAST_ATTEMPT = 5;

/**
 * Runs the import's chunks one after another, each handler either finishing the import or failing it at once for a
 * lasting reason (the importer deactivated, a mapped field removed), or retrying a passing fault up to the
 * last attempt. Shared by the run and the undo.
 */
export function chunkHandler(
  expected: string,
  work: (trx: Tx, deps: Deps, imp: repo.ImportRow, chunk: number, job: Job<ChunkPayload>) => Promise<void>,
) {
  return async (trx: Tx, deps: Deps, job: Job<ChunkPayload>): Promise<void> => {
    const { importId, chunk } = job.payload;
    const imp = await repo.lockImport(trx, importId);
    if (!imp) return;
    // A stale job (the chunk already ran, or the import moved on) has nothing to do.
    if (expected === 'run' && (!['queued', 'running'].includes(imp.status) || imp.next_chunk !== chunk)) return;
    if (expected === 'undo' && imp.status !== 'undoing') return;
    await sql`SAVEPOINT import_chunk`.execute(trx);
    try {
      await work(trx, deps, imp, chunk, job);
      await sql`RELEASE SAVEPOINT import_chunk`.execute(trx);
    } catch (error) {
      if (!(error instanceof AppError) && job.attempts < LAST_ATTEMPT) throw error;
      await sql`ROLLBACK TO SAVEPOINT import_chunk`.execute(trx);
      const now = deps.clock.now();
      const message = error instanceof AppError ? (error.detail ?? error.message) : (error as Error).message;
      await repo.updateImport(trx, imp.id, {
        status: 'failed',
        error: message.slice(0, 2000),
        finished_at: now,
        updated_at: now,
      });
      await notify(trx, {
        companyId: imp.company_id,
        userId: imp.created_by,
        kind: 'import.failed',
        title: `Import of ${imp.file_name} stopped`,
        body: message.slice(0, 500),
        now,
      });
    }
  };
}

/** Why a row the checks passed was not created after all: the database refused it, or a late check. */
function failureText(result: CreateResult): string {
  const error = 'error' in result ? result.error : null;
  if (error instanceof AppError) return error.detail ?? error.message;
  return `The database refused the lead: ${error instanceof Error ? error.message : 'no lead was created'}`;
}

function errorText(d: RowDecision): string {
  return d.errors
    .map((e) =>
      e.field === 'row' ? e.message : `${e.field}${e.column ? ` (column "${e.column}")` : ''}: ${e.message}`,
    )
    .join('; ');
}

/** One chunk of a run: read and check the rows, find duplicates, merge, create in bulk, keep every outcome. */
async function runChunk(trx: Tx, deps: Deps, imp: repo.ImportRow, chunk: number): Promise<void> {
  const now = deps.clock.now();
  const ctx = await importerContext(trx, imp, imp.created_by, `import:${imp.id}`);
  const env = await loadEnv(trx, ctx, imp, imp.mapping as Mapping, imp.on_duplicate, now);
  const stored = await repo.loadChunk(trx, imp.id, chunk);
  if (!stored) throw new AppError('unprocessable', `Chunk ${chunk} of the import is missing`);
  const decisions = await evaluateRows(trx, env, sourceRows(stored), new FileIndex());
  const outcomes: repo.Outcome[] = [];
  /** The rows to create, by their index in the chunk, in the order they go to createLeads. */
  const creating: number[] = [];
  const items: CreateItem[] = [];

  for (const [i, d] of decisions.entries()) {
    if (d.action === 'fail')
      outcomes[i] = { o: 'failed', reason: d.errors.length > 0 ? errorText(d) : (d.reason ?? 'failed') };
    else if (d.action === 'skip') outcomes[i] = { o: 'skipped', reason: d.reason ?? 'skipped' };
    else if (d.action === 'merge' && d.mergeInto && d.prepared.columns) {
      try {
        const merged = await mergeInto(trx, deps, ctx, d.mergeInto, d.prepared.columns);
        outcomes[i] = merged
          ? { o: 'updated', lead: d.mergeInto, reason: d.reason ?? 'merged', ...merged }
          : { o: 'skipped', lead: d.mergeInto, reason: `${d.reason ?? 'Duplicate'}: it added nothing new` };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcomes[i] = { o: 'failed', reason: error.detail ?? error.message };
      }
    } else if (d.action === 'create' && d.prepared.columns) {
      creating.push(i);
      items.push({
        columns: d.prepared.columns,
        ...(d.prepared.ownerId ? { ownerId: d.prepared.ownerId } : {}),
        ...(d.prepared.history ? { history: d.prepared.history } : {}),
      });
      outcomes[i] = { o: 'created', ...(d.reason ? { reason: d.reason } : {}) };
    }
  }
  // The import matched its rows and applied its own duplicate policy above; its owners hear once, at the end.
  const { results, given } = await createLeads(trx, deps, ctx, items, {
    channel: 'import',
    onDuplicate: 'decided',
    useRules: imp.use_rules,
    notifyOwners: false,
    why: {
      explicit: 'Owner set by the import',
      implied: 'Owned by the person who imported it',
      unrouted: 'Imported without an owner: assignment rules were off for this import',
    },
  });
  const createdByRow = new Map<number, { id: string; name: string }>();
  for (const [k, result] of results.entries()) {
    const i = creating[k] as number;
    if (result.status !== 'created') {
      outcomes[i] = { o: 'failed', reason: failureText(result) };
      continue;
    }
    outcomes[i] = { ...outcomes[i], o: 'created', lead: result.id };
    const row = decisions[i]?.prepared.row;
    if (row !== undefined) createdByRow.set(row, { id: result.id, name: result.name });
  }
  for (const i of creating) {
    const d = decisions[i];
    const outcome = outcomes[i];
    if (!d || outcome?.o !== 'created') continue;
    const twin = d.inFileRow === null ? undefined : createdByRow.get(d.inFileRow);
    const dup = [
      ...d.matches.map(({ id, name, matchedOn, score }) => ({ id, name, matchedOn, score })),
      ...(twin ? [{ ...twin, matchedOn: d.duplicates[0]?.matchedOn ?? [], score: 1 }] : []),
    ];
    if (dup.length > 0) outcome.dup = dup;
  }
  await repo.saveOutcomes(trx, imp.id, chunk, outcomes);
  const count = (o: repo.Outcome['o']) => outcomes.filter((x) => x.o === o).length;
  await repo.advance(trx, imp.id, {
    rows: decisions.length,
    created: count('created'),
    updated: count('updated'),
    skipped: count('skipped'),
    failed: count('failed'),
    given,
    now,
  });
  if (imp.status === 'queued') await repo.updateImport(trx, imp.id, { status: 'running', started_at: now });
  if (chunk + 1 < imp.chunk_count) {
    await enqueue(trx, importChunkJob, { importId: imp.id, chunk: chunk + 1 }, { runAt: now });
  } else {
    await finish(trx, ctx, imp.id, now);
    // Rows created although they match other leads join the review queue now, after the import, not during it.
    await enqueue(trx, importFlagJob, { importId: imp.id, chunk: 0 }, { runAt: now });
  }
}

/** The last chunk ran: the import is done, its owners hear of their new leads once, the importer of the result. */
async function finish(trx: Tx, ctx: RequestContext, id: string, now: Date): Promise<void> {
  await repo.updateImport(trx, id, { status: 'done', finished_at: now, updated_at: now });
  const imp = await repo.lockImport(trx, id);
  if (!imp) return;
  for (const [userId, n] of Object.entries((imp.assigned ?? {}) as Record<string, number>)) {
    if (n <= 0) continue;
    await notify(trx, {
      companyId: imp.company_id,
      userId,
      kind: 'lead.assigned',
      title: `${n} imported lead${n === 1 ? '' : 's'} assigned to you`,
      body: `From ${imp.file_name}, by the assignment rules.`,
      now,
    });
  }
  const counts = `${imp.created_count} created, ${imp.updated_count} updated, ${imp.skipped_count} skipped, ${imp.failed_count} failed`;
  await notify(trx, {
    companyId: imp.company_id,
    userId: imp.created_by,
    kind: 'import.done',
    title: `Import of ${imp.file_name} finished`,
    body: counts,
    now,
  });
  await recordAudit(trx, ctx, {
    action: 'import.completed',
    entityType: 'import',
    entityId: id,
    after: {
      created: imp.created_count,
      updated: imp.updated_count,
      skipped: imp.skipped_count,
      failed: imp.failed_count,
    },
    at: now,
  });
}

export const runImportChunk = chunkHandler('run', runChunk);
