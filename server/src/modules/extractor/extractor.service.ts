import { isIP } from 'node:net';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { isRefusedAddress, RefusedDestinationError } from '../../lib/ssrf.ts';
import { recordAudit } from '../audit/index.ts';
import { singleSelect } from './extractor.connect.ts';
import { checkUrl } from './extractor.fetch.ts';
import type { HttpSettings } from './extractor.http.ts';
import { checkMapping, type MappingEntry, mapRow, plainRow } from './extractor.mapping.ts';
import * as repo from './extractor.repository.ts';
import { toRowError } from './extractor.row-errors.ts';
import { checkSchedule, insertRun, planNext } from './extractor.schedule.ts';
import type { AuthInput, CreateSourceInput, UpdateSourceInput } from './extractor.schemas.ts';
import { openSource, settingsOf } from './extractor.source.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));
const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });

export function toSource(row: repo.SourceRow) {
  const settings = settingsOf(row);
  const http = row.kind === 'http';
  const file = row.kind === 'file';
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
    url: row.url,
    method: http || file ? (settings.method ?? 'GET') : null,
    auth:
      http || file
        ? {
            kind: settings.auth?.kind ?? 'none',
            user: settings.auth?.user ?? null,
            name: settings.auth?.name ?? null,
            hasSecret: row.password_sealed !== null,
          }
        : null,
    recordsPath: http ? (settings.recordsPath ?? null) : null,
    pagination: http ? (settings.pagination ?? { kind: 'none' as const }) : null,
    cursorParam: http ? (settings.cursorParam ?? null) : null,
    format: file ? (settings.format ?? 'csv') : null,
    delimiter: file ? (settings.delimiter ?? ',') : null,
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

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
type SourceInput = UpdateSourceInput & { password?: string | null };

/** The secret an authentication carries (a token, a basic password, a header's value), if it carries one. */
function secretIn(auth: AuthInput): string | undefined {
  if (auth.kind === 'bearer') return auth.token;
  if (auth.kind === 'basic') return auth.password;
  if (auth.kind === 'header') return auth.value;
  return undefined;
}

/**
 * The columns a source's kind-specific settings come to, from what is saved (`before`) and what is sent, and
 * their problems, each naming its field: what a kind requires and is missing, a URL or a host on a refused
 * address (unless the operator allows private addresses), a query that is not one SELECT, a secret required.
 */
function planKind(deps: Deps, companyId: string, before: repo.SourceRow | undefined, body: SourceInput) {
  const errors: FieldError[] = [];
  const kind: string = body.kind ?? before?.kind ?? 'mysql';
  const sameKind = before?.kind === kind;
  const allowPrivate = deps.config.webhooksAllowPrivate;
  const keep = <T>(sent: T | undefined, saved: T | null | undefined): T | null =>
    sent !== undefined ? sent : sameKind || (isDatabase(kind) && isDatabase(before?.kind)) ? (saved ?? null) : null;
  const required = (path: string, value: unknown) => {
    if (value === null || value === undefined || value === '') errors.push({ path, message: 'is required' });
  };
  const cursorColumn = keep(body.cursorColumn, before?.cursor_column);
  if (isDatabase(kind)) {
    const host = keep(body.host, before?.host);
    const query = keep(body.query, before?.query);
    const fields = {
      host,
      port: keep(body.port, before?.port),
      user: keep(body.user, before?.username),
      database: keep(body.database, before?.database_name),
      query,
      cursorColumn,
    };
    for (const [path, value] of Object.entries(fields)) required(path, value);
    if (cursorColumn && !IDENTIFIER.test(cursorColumn)) {
      errors.push({ path: 'cursorColumn', message: 'must be a column name (letters, digits, _)' });
    }
    if (query) {
      const problem = singleSelect(query);
      if (problem) errors.push({ path: 'query', message: problem });
    }
    const bare = host?.replace(/^\[|\]$/g, '') ?? '';
    if (host && !allowPrivate && isIP(bare) && isRefusedAddress(bare)) {
      errors.push({ path: 'host', message: new RefusedDestinationError(bare, bare).message });
    }
    const secret =
      body.password !== undefined
        ? { password_sealed: body.password ? deps.secrets.seal(body.password, companyId) : null }
        : before && !isDatabase(before.kind)
          ? { password_sealed: null }
          : {};
    return {
      errors,
      set: {
        kind,
        host: fields.host,
        port: fields.port,
        username: fields.user,
        database_name: fields.database,
        query,
        cursor_column: cursorColumn,
        url: null,
        settings: JSON.stringify({}),
        ...secret,
      },
    };
  }
  const old = sameKind && before ? settingsOf(before) : {};
  const url = keep(body.url, before?.url);
  required('url', url);
  if (url) {
    const problem = checkUrl(url, allowPrivate);
    if (problem) errors.push({ path: 'url', message: problem });
  }
  const settings: HttpSettings = { method: 'GET' };
  let secret: { password_sealed?: string | null } = {};
  if (body.auth) {
    const auth = body.auth;
    settings.auth = {
      kind: auth.kind,
      ...(auth.kind === 'basic' && auth.user ? { user: auth.user } : {}),
      ...(auth.kind === 'header' && auth.name ? { name: auth.name } : {}),
    };
    if (auth.kind === 'basic') required('auth.user', auth.user);
    if (auth.kind === 'header') required('auth.name', auth.name);
    const given = secretIn(auth);
    const canKeep = sameKind && old.auth?.kind === auth.kind && before?.password_sealed !== null;
    if (auth.kind === 'none') secret = { password_sealed: null };
    else if (given !== undefined && given !== '') secret = { password_sealed: deps.secrets.seal(given, companyId) };
    else if (!canKeep) {
      if (auth.kind === 'bearer') required('auth.token', given);
      else if (auth.kind === 'header') required('auth.value', given);
      secret = { password_sealed: null };
    }
  } else {
    settings.auth = old.auth ?? { kind: 'none' };
    if (!sameKind) secret = { password_sealed: null };
  }
  if (kind === 'http') {
    const recordsPath = body.recordsPath ?? old.recordsPath;
    required('recordsPath', recordsPath);
    settings.recordsPath = recordsPath;
    const pagination = body.pagination ?? old.pagination ?? { kind: 'none' };
    if (pagination.kind === 'cursor') required('pagination.nextPath', pagination.nextPath);
    settings.pagination = pagination;
    const cursorParam = body.cursorParam === undefined ? old.cursorParam : body.cursorParam;
    if (cursorParam) settings.cursorParam = cursorParam;
  } else {
    settings.format = body.format ?? old.format ?? (/\.xlsx(\?|$)/i.test(url ?? '') ? 'xlsx' : 'csv');
    const delimiter = body.delimiter ?? old.delimiter;
    if (delimiter) settings.delimiter = delimiter;
  }
  return {
    errors,
    set: {
      kind,
      host: null,
      port: null,
      username: null,
      database_name: null,
      query: null,
      cursor_column: cursorColumn,
      url,
      settings: JSON.stringify(settings),
      ...secret,
    },
  };
}

const isDatabase = (kind: string | undefined) => kind === 'mysql' || kind === 'postgres';

/** The planned columns, or 400 with every problem of the source and its mapping and schedule. */
async function check(
  trx: Parameters<typeof repo.customFieldKeys>[0],
  deps: Deps,
  companyId: string,
  before: repo.SourceRow | undefined,
  body: SourceInput,
) {
  const { errors, set } = planKind(deps, companyId, before, body);
  const scheduleError = checkSchedule(body.schedule);
  if (scheduleError) errors.push(scheduleError);
  if (body.mapping !== undefined) errors.push(...checkMapping(body.mapping, await repo.customFieldKeys(trx)));
  if (errors.length > 0) throw invalid(errors);
  return set;
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
    const kindColumns = await check(trx, deps, companyId, undefined, body);
    const id = newId();
    const now = deps.clock.now();
    const row = await trx
      .insertInto('extractor_sources')
      .values({
        company_id: companyId,
        id,
        name: body.name.trim(),
        password_sealed: null,
        ...kindColumns,
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
    const kindColumns = await check(trx, deps, companyId, before, body);
    const after = await trx
      .updateTable('extractor_sources')
      .set({
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...kindColumns,
        ...(body.mapping !== undefined ? { mapping: JSON.stringify(body.mapping) } : {}),
        ...(body.leadSource !== undefined ? { lead_source: body.leadSource } : {}),
        ...(body.onDuplicate !== undefined ? { on_duplicate: body.onDuplicate } : {}),
        ...(body.batchSize !== undefined ? { batch_size: body.batchSize } : {}),
        ...(body.resetCursor ? { cursor_value: null } : {}),
        ...(body.schedule !== undefined ? { schedule: body.schedule } : {}),
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

/** The first 50 rows of the source (from the start, not the cursor), each with the lead it maps to. */
export async function previewSource(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findSource(trx, id));
  if (!row) throw notFound('extractor source');
  const mapping = row.mapping as unknown as MappingEntry[];
  let rows: Record<string, unknown>[];
  try {
    const client = await openSource(deps, row, null);
    try {
      rows = await client.next(50);
    } finally {
      await client.close();
    }
  } catch (error) {
    const what = row.kind === 'http' ? 'API' : row.kind === 'file' ? 'file' : 'database';
    throw new AppError('unprocessable', `The source ${what} answered: ${(error as Error).message}`);
  }
  const out = [];
  for (const r of rows) {
    try {
      const lead = await mapRow(r, mapping);
      // As a run would refuse it: a row that maps to no name cannot be a lead.
      if (typeof lead.name !== 'string' || !lead.name.trim()) throw new Error('name: is required');
      out.push({ row: plainRow(r), lead, error: null });
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
