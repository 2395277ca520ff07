import type { Static } from 'typebox';
import { withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import { toDetail, toSummary } from './imports.dto.ts';
import { checkOnDuplicate, loadEnv, mappingFor, sourceRows, suggestionFor } from './imports.env.ts';
import { evaluateRows, FileIndex } from './imports.evaluate.ts';
import { importChunkJob, importUndoJob } from './imports.jobs.ts';
import { saveMappingInTx } from './imports.mappings.ts';
import * as repo from './imports.repository.ts';
import type { DryRunInput, DryRunResult, RunInput, SetMappingInput } from './imports.schemas.ts';

const MAX_ISSUES = 1000;

async function visibleImport(
  trx: Parameters<typeof repo.findImport>[0],
  ctx: RequestContext,
  id: string,
  lock = false,
) {
  const imp = await repo.findImport(trx, ctx.actor, id, { lock });
  if (!imp) throw notFound('import');
  return imp;
}

export async function getImport(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const imp = await visibleImport(trx, ctx, id);
    return toDetail(imp, await suggestionFor(trx, imp));
  });
}

export async function listImports(
  deps: Deps,
  ctx: RequestContext,
  query: { status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.listImports(trx, ctx.actor, {
      status: query.status,
      before: after ? String(after[0]) : null,
      limit: query.limit,
    });
    const page = toPage(rows, query.limit, (r) => [r.id]);
    return { data: page.data.map(toSummary), nextCursor: page.nextCursor };
  });
}

function notUploaded(status: string): AppError {
  return new AppError('conflict', `The import is ${status}: its mapping and options can no longer change`, {
    extra: { importStatus: status },
  });
}

/** Sets the mapping the import will run with (checked against the file and the caller), and saves it by name if asked. */
export async function setMapping(deps: Deps, ctx: RequestContext, id: string, body: SetMappingInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const imp = await visibleImport(trx, ctx, id, true);
    if (imp.status !== 'uploaded') throw notUploaded(imp.status);
    if (!body.mapping && !body.mappingId) {
      throw new AppError('validation_failed', 'Send a mapping or a mappingId', {
        errors: [{ path: 'mapping', message: 'mapping or mappingId is required' }],
      });
    }
    let { mapping, mappingId } = await mappingFor(trx, imp, body);
    await loadEnv(trx, ctx, imp, mapping, null, deps.clock.now());
    if (body.saveAs) mappingId = (await saveMappingInTx(trx, deps, ctx, { name: body.saveAs, mapping })).id;
    await repo.updateImport(trx, id, {
      mapping: JSON.stringify(mapping),
      mapping_id: mappingId,
      dry_run: null,
      updated_at: deps.clock.now(),
    });
    const after = await visibleImport(trx, ctx, id);
    return toDetail(after, await suggestionFor(trx, after));
  });
}

/**
 * Reads every row with the mapping as the run would, finds duplicates in the file and among live leads, and
 * says what would happen to each row, without creating or changing any lead. The summary is kept on the import.
 */
export async function dryRun(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: DryRunInput,
): Promise<Static<typeof DryRunResult>> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const imp = await visibleImport(trx, ctx, id, true);
    if (imp.status !== 'uploaded') throw notUploaded(imp.status);
    const onDuplicate = body.onDuplicate ?? imp.on_duplicate;
    await checkOnDuplicate(trx, ctx.actor.role, onDuplicate);
    const { mapping, mappingId } = await mappingFor(trx, imp, body);
    const env = await loadEnv(trx, ctx, imp, mapping, onDuplicate, deps.clock.now());
    const index = new FileIndex();
    const result: Static<typeof DryRunResult> = {
      totalRows: imp.total_rows,
      create: 0,
      update: 0,
      skip: 0,
      fail: 0,
      duplicates: 0,
      dropping: 0,
      policy: env.policy,
      rows: [],
      truncated: false,
    };
    for (let chunk = 0; chunk < imp.chunk_count; chunk++) {
      const stored = await repo.loadChunk(trx, imp.id, chunk);
      if (!stored) continue;
      for (const d of await evaluateRows(trx, env, sourceRows(stored), index)) {
        const outcome = d.action === 'merge' ? 'update' : d.action;
        result[outcome]++;
        if (d.duplicates.length > 0) result.duplicates++;
        if (d.dropped.length > 0) result.dropping++;
        if (d.errors.length === 0 && d.duplicates.length === 0 && d.dropped.length === 0) continue;
        if (result.rows.length >= MAX_ISSUES) {
          result.truncated = true;
          continue;
        }
        const duplicates = d.duplicates.slice(0, 5);
        result.rows.push({ row: d.prepared.row, outcome, errors: d.errors, dropped: d.dropped, duplicates });
      }
    }
    const now = deps.clock.now();
    const summary = {
      at: now.toISOString(),
      create: result.create,
      update: result.update,
      skip: result.skip,
      fail: result.fail,
      duplicates: result.duplicates,
    };
    await repo.updateImport(trx, id, {
      mapping: JSON.stringify(mapping),
      mapping_id: mappingId,
      on_duplicate: onDuplicate ?? null,
      dry_run: JSON.stringify(summary),
      updated_at: now,
    });
    return result;
  });
}

/** Starts the import: it runs as durable jobs, one chunk of rows per transaction, each moving the progress. */
export async function runImport(deps: Deps, ctx: RequestContext, id: string, body: RunInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const imp = await visibleImport(trx, ctx, id, true);
    if (imp.status !== 'uploaded') throw notUploaded(imp.status);
    const onDuplicate = body.onDuplicate ?? imp.on_duplicate;
    await checkOnDuplicate(trx, ctx.actor.role, onDuplicate);
    const { mapping, mappingId } = await mappingFor(trx, imp, body);
    await loadEnv(trx, ctx, imp, mapping, onDuplicate, deps.clock.now());
    const now = deps.clock.now();
    await repo.updateImport(trx, id, {
      mapping: JSON.stringify(mapping),
      mapping_id: mappingId,
      on_duplicate: onDuplicate ?? null,
      use_rules: body.useAssignmentRules ?? true,
      status: 'queued',
      updated_at: now,
    });
    await enqueue(trx, importChunkJob, { importId: id, chunk: 0 }, { runAt: now });
    await recordAudit(trx, ctx, {
      action: 'import.started',
      entityType: 'import',
      entityId: id,
      after: { fileName: imp.file_name, rows: imp.total_rows, onDuplicate: onDuplicate ?? null, mappingId },
      at: now,
    });
    const after = await visibleImport(trx, ctx, id);
    return toDetail(after, await suggestionFor(trx, after));
  });
}

/**
 * Takes a finished import back as a whole, as jobs over its chunks: the leads it created go to the trash, the
 * leads it merged rows into get their previous values back (where nobody has changed them since).
 */
export async function undoImport(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const imp = await visibleImport(trx, ctx, id, true);
    if (imp.status !== 'done' && imp.status !== 'failed') {
      throw new AppError('conflict', `The import is ${imp.status}: only a finished import can be undone`, {
        extra: { importStatus: imp.status },
      });
    }
    const now = deps.clock.now();
    await repo.updateImport(trx, id, { status: 'undoing', undone_by: ctx.actor.userId, updated_at: now });
    await enqueue(trx, importUndoJob, { importId: id, chunk: 0 }, { runAt: now });
    await recordAudit(trx, ctx, {
      action: 'import.undo_started',
      entityType: 'import',
      entityId: id,
      before: { status: imp.status },
      after: { status: 'undoing' },
      at: now,
    });
    const after = await visibleImport(trx, ctx, id);
    return toDetail(after, await suggestionFor(trx, after));
  });
}
