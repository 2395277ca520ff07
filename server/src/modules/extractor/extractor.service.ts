import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { type Connection, openSource, singleSelect } from './extractor.connect.ts';
import { checkMapping, type MappingEntry, mapRow, plainRow } from './extractor.mapping.ts';
import * as repo from './extractor.repository.ts';
import { toRowError } from './extractor.row-errors.ts';
import { checkSchedule, insertRun, planNext } from './extractor.schedule.ts';
import type { CreateSourceInput, UpdateSourceInput } from './extractor.schemas.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));
const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });

export function toSource(row: repo.SourceRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    host: row.host,
    port: row.port,
    user: row.username,
    database: row.database_name,
    hasPassword: row.password_sealed !== null,
    query: row.query,
    cursorColumn: row.cursor_column,
    cursorValue: row.cursor_value,
    mapping: row.mapping as unknown as MappingEntry[],
    leadSource: row.lead_source,
    onDuplicate: row.on_duplicate,
    batchSize: row.batch_size,
    schedule: row.schedule,
    nextRunAt: isoOrNull(row.next_run_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What the audit log keeps of a source: everything but the password (only whether there is one). */
const snapshot = (row: repo.SourceRow) => ({
  ...toSource(row),
  createdAt: undefined,
  updatedAt: undefined,
  nextRunAt: undefined,
});

export function toRun(row: repo.RunRow) {
  const done = ['succeeded', 'failed', 'cancelled'].includes(row.status);
  return {
    id: row.id,
    sourceId: row.source_id,
    status: row.status as 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    rowsRead: row.rows_read,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    progress: done ? 1 : row.status === 'running' ? 0.5 : 0,
    cursorFrom: row.cursor_from,
    cursorTo: row.cursor_to,
    error: row.error,
    createdAt: iso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

/** The connection of a saved source, its password opened (it never leaves the server). */
export function connectionOf(deps: Deps, row: repo.SourceRow): Connection {
  return {
    kind: row.kind as Connection['kind'],
    host: row.host,
    port: row.port,
    user: row.username,
    database: row.database_name,
    password: row.password_sealed ? deps.secrets.open(row.password_sealed, row.company_id) : null,
  };
}

async function check(
  trx: Parameters<typeof repo.customFieldKeys>[0],
  query?: string,
  mapping?: MappingEntry[],
  schedule?: string | null,
) {
  const errors: FieldError[] = [];
  const scheduleError = checkSchedule(schedule);
  if (scheduleError) errors.push(scheduleError);
  if (query !== undefined) {
    const problem = singleSelect(query);
    if (problem) errors.push({ path: 'query', message: problem });
  }
  if (mapping !== undefined) errors.push(...checkMapping(mapping, await repo.customFieldKeys(trx)));
  if (errors.length > 0) throw invalid(errors);
}

export function listSources(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listSources(trx)).map(toSource),
  }));
}

export function getSource(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findSource(trx, id);
    if (!row) throw notFound('extractor source');
    return toSource(row);
  });
}

export function createSource(deps: Deps, ctx: RequestContext, body: CreateSourceInput) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    await check(trx, body.query, body.mapping, body.schedule);
    const id = newId();
    const now = deps.clock.now();
    const row = await trx
      .insertInto('extractor_sources')
      .values({
        company_id: companyId,
        id,
        name: body.name.trim(),
        kind: body.kind,
        host: body.host,
        port: body.port,
        username: body.user,
        database_name: body.database,
        password_sealed: body.password ? deps.secrets.seal(body.password, companyId) : null,
        query: body.query,
        cursor_column: body.cursorColumn,
        mapping: JSON.stringify(body.mapping),
        lead_source: body.leadSource ?? 'erp',
        on_duplicate: body.onDuplicate ?? 'skip',
        batch_size: body.batchSize ?? 1000,
        schedule: body.schedule ?? null,
        created_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const nextRunAt = await planNext(trx, deps, row);
    await recordAudit(trx, ctx, {
      action: 'extractor_source.created',
      entityType: 'extractor_source',
      entityId: id,
      after: snapshot(row),
    });
    return toSource({ ...row, next_run_at: nextRunAt });
  });
}

export function updateSource(deps: Deps, ctx: RequestContext, id: string, body: UpdateSourceInput) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const before = await repo.lockSource(trx, id);
    if (!before) throw notFound('extractor source');
    await check(trx, body.query, body.mapping, body.schedule);
    const password =
      body.password === undefined
        ? {}
        : { password_sealed: body.password ? deps.secrets.seal(body.password, companyId) : null };
    const after = await trx
      .updateTable('extractor_sources')
      .set({
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.kind !== undefined ? { kind: body.kind } : {}),
        ...(body.host !== undefined ? { host: body.host } : {}),
        ...(body.port !== undefined ? { port: body.port } : {}),
        ...(body.user !== undefined ? { username: body.user } : {}),
        ...(body.database !== undefined ? { database_name: body.database } : {}),
        ...(body.query !== undefined ? { query: body.query } : {}),
        ...(body.cursorColumn !== undefined ? { cursor_column: body.cursorColumn } : {}),
        ...(body.mapping !== undefined ? { mapping: JSON.stringify(body.mapping) } : {}),
        ...(body.leadSource !== undefined ? { lead_source: body.leadSource } : {}),
        ...(body.onDuplicate !== undefined ? { on_duplicate: body.onDuplicate } : {}),
        ...(body.batchSize !== undefined ? { batch_size: body.batchSize } : {}),
        ...(body.resetCursor ? { cursor_value: null } : {}),
        ...(body.schedule !== undefined ? { schedule: body.schedule } : {}),
        ...password,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, {
      action: 'extractor_source.updated',
      entityType: 'extractor_source',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    if (body.schedule === undefined) return toSource(after);
    return toSource({ ...after, next_run_at: await planNext(trx, deps, after) });
  });
}

export function deleteSource(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.lockSource(trx, id);
    if (!before) throw notFound('extractor source');
    await trx.deleteFrom('extractor_sources').where('id', '=', id).execute();
    await recordAudit(trx, ctx, {
      action: 'extractor_source.deleted',
      entityType: 'extractor_source',
      entityId: id,
      before: snapshot(before),
    });
  });
}

/** The first 50 rows of the query (from the start, not the cursor), each with the lead it maps to. */
export async function previewSource(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findSource(trx, id));
  if (!row) throw notFound('extractor source');
  const mapping = row.mapping as unknown as MappingEntry[];
  let rows: Record<string, unknown>[];
  try {
    const client = await openSource(connectionOf(deps, row));
    try {
      rows = await client.batch(row.query, row.cursor_column, null, 50);
    } finally {
      await client.close();
    }
  } catch (error) {
    throw new AppError('unprocessable', `The source database answered: ${(error as Error).message}`);
  }
  const out = [];
  for (const r of rows) {
    try {
      out.push({ row: plainRow(r), lead: await mapRow(r, mapping), error: null });
    } catch (error) {
      out.push({ row: plainRow(r), lead: null, error: (error as Error).message });
    }
  }
  return { columns: rows[0] ? Object.keys(rows[0]) : [], rows: out };
}

/** Queues a run (one at a time per source: 409 while one is queued or running). */
export function startRun(deps: Deps, ctx: RequestContext, sourceId: string) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const source = await repo.lockSource(trx, sourceId);
    if (!source) throw notFound('extractor source');
    if (await repo.activeRun(trx, sourceId)) throw new AppError('conflict', 'A run of this source is already going');
    const run = await insertRun(trx, deps, source, ctx.actor.userId);
    return toRun(run);
  });
}

export function listRuns(deps: Deps, ctx: RequestContext, sourceId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await repo.findSource(trx, sourceId))) throw notFound('extractor source');
    return { data: (await repo.listRuns(trx, sourceId)).map(toRun) };
  });
}

export function getRun(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const run = await repo.findRun(trx, id);
    if (!run) throw notFound('extractor run');
    const errors = await repo.listRowErrors(trx, id);
    return {
      ...toRun(run),
      rowErrors: errors.map(toRowError),
    };
  });
}

/** Stops a queued or running run: the batch being written commits or not as a whole, then nothing more. */
export function cancelRun(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const run = await repo.lockRun(trx, id);
    if (!run) throw notFound('extractor run');
    if (run.status !== 'queued' && run.status !== 'running') {
      throw new AppError('conflict', `The run has already ${run.status === 'cancelled' ? 'been cancelled' : 'ended'}`);
    }
    const row = await trx
      .updateTable('extractor_runs')
      .set({ status: 'cancelled', finished_at: deps.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  });
}
