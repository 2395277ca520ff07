import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import type { RoutingDecision } from '../assignment/assignment.engine.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { manualDecision } from '../leads/leads.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import { importerContext, loadEnv, sourceRows } from './imports.env.ts';
import { evaluateRows, FileIndex, type RowDecision } from './imports.evaluate.ts';
import * as repo from './imports.repository.ts';
import { ChunkRouter } from './imports.routing.ts';
import type { Mapping } from './imports.schemas.ts';
import { IMPORT_CHUNK_JOB, IMPORT_FLAG_JOB } from './imports.service.ts';
import { createLeads, leadFields, mergeInto, type NewLead } from './imports.write.ts';

/** Attempts before a chunk that keeps failing for a reason of ours fails the import (the runner's limit). */
const LAST_ATTEMPT = 5;

/**
 * Runs the import's chunks one after another, each handler either finishing the import or failing it at once for a
 * lasting reason (the importer deactivated, a mapped field removed), or retrying a passing fault up to the
 * last attempt. Shared by the run and the undo.
 */
export function chunkHandler(
  expected: string,
  work: (trx: Tx, deps: Deps, imp: repo.ImportRow, chunk: number, job: Job) => Promise<void>,
) {
  return async (trx: Tx, deps: Deps, job: Job): Promise<void> => {
    const { importId, chunk } = job.payload as { importId: string; chunk: number };
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

/** A lead's values in API terms, as the assignment rules' conditions read them. */
function ruleValues(c: NonNullable<RowDecision['prepared']['columns']>): Record<string, unknown> {
  return { ...leadFields(c), ownerId: null, partnerId: null, customFields: c.custom_fields ?? {} };
}

function errorText(d: RowDecision): string {
  return d.errors
    .map((e) =>
      e.field === 'row' ? e.message : `${e.field}${e.column ? ` (column "${e.column}")` : ''}: ${e.message}`,
    )
    .join('; ');
}

/** The owner of a new lead: the mapping's, the importer itself for a salesperson, else the rules (when on). */
function ownerDecision(
  d: RowDecision,
  ctx: RequestContext,
  router: ChunkRouter | null,
  open: boolean,
): { decision: RoutingDecision; byUserId: string | null } {
  const me = ctx.actor.userId;
  if (d.prepared.ownerId)
    return { decision: manualDecision(d.prepared.ownerId, 'Owner set by the import'), byUserId: me };
  if (ctx.actor.role === 'SALESPERSON')
    return { decision: manualDecision(me, 'Owned by the person who imported it'), byUserId: me };
  if (router && d.prepared.columns) {
    return { decision: router.route(ruleValues(d.prepared.columns), open), byUserId: null };
  }
  return {
    decision: manualDecision(null, 'Imported without an owner: assignment rules were off for this import'),
    byUserId: me,
  };
}

/** One chunk of a run: read and check the rows, find duplicates, merge, create in bulk, keep every outcome. */
async function runChunk(trx: Tx, deps: Deps, imp: repo.ImportRow, chunk: number): Promise<void> {
  const now = deps.clock.now();
  const ctx = await importerContext(trx, imp, imp.created_by, `import:${imp.id}`);
  const env = await loadEnv(trx, ctx, imp, imp.mapping as Mapping, imp.on_duplicate);
  const stored = await repo.loadChunk(trx, imp.id, chunk);
  if (!stored) throw new AppError('unprocessable', `Chunk ${chunk} of the import is missing`);
  const decisions = await evaluateRows(trx, env, sourceRows(stored), new FileIndex());
  const outcomes: repo.Outcome[] = [];
  const creating = decisions.filter((d) => d.action === 'create');
  const needsRules = imp.use_rules && ctx.actor.role !== 'SALESPERSON' && creating.some((d) => !d.prepared.ownerId);
  const router = needsRules ? await ChunkRouter.load(trx, now) : null;
  const openStages = new Set(env.stages.filter((s) => s.kind === 'open').map((s) => s.key));
  const leads: NewLead[] = [];

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
      const owner = ownerDecision(d, ctx, router, openStages.has(d.prepared.columns.stage));
      leads.push({ index: i, id: newId(), columns: d.prepared.columns, ...owner });
      outcomes[i] = { o: 'created', ...(d.reason ? { reason: d.reason } : {}) };
    }
  }
  const failures = await createLeads(trx, ctx, leads, now);
  const createdByRow = new Map<number, { id: string; name: string }>();
  for (const lead of leads) {
    const failure = failures.get(lead.index);
    outcomes[lead.index] = failure
      ? { o: 'failed', reason: failure }
      : { ...outcomes[lead.index], o: 'created', lead: lead.id };
    const row = decisions[lead.index]?.prepared.row;
    if (!failure && row !== undefined) createdByRow.set(row, { id: lead.id, name: lead.columns.name });
  }
  for (const lead of leads) {
    const d = decisions[lead.index];
    const outcome = outcomes[lead.index];
    if (!d || outcome?.o !== 'created') continue;
    const twin = d.inFileRow === null ? undefined : createdByRow.get(d.inFileRow);
    const dup = [
      ...d.matches.map(({ id, name, matchedOn, score }) => ({ id, name, matchedOn, score })),
      ...(twin ? [{ ...twin, matchedOn: d.duplicates[0]?.matchedOn ?? [], score: 1 }] : []),
    ];
    if (dup.length > 0) outcome.dup = dup;
  }
  await router?.save(trx);
  await repo.saveOutcomes(trx, imp.id, chunk, outcomes);
  const count = (o: repo.Outcome['o']) => outcomes.filter((x) => x.o === o).length;
  const given = new Map(router?.given ?? []);
  for (const lead of leads)
    if (failures.has(lead.index) && lead.decision.reason === 'rule' && lead.decision.ownerId) {
      given.set(lead.decision.ownerId, (given.get(lead.decision.ownerId) ?? 1) - 1);
    }
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
    await enqueue(trx, {
      companyId: imp.company_id,
      kind: IMPORT_CHUNK_JOB,
      runAt: now,
      payload: { importId: imp.id, chunk: chunk + 1 },
      now,
    });
  } else {
    await finish(trx, ctx, imp.id, now);
    // Rows created although they match other leads join the review queue now, after the import, not during it.
    await enqueue(trx, {
      companyId: imp.company_id,
      kind: IMPORT_FLAG_JOB,
      runAt: now,
      payload: { importId: imp.id, chunk: 0 },
      now,
    });
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
