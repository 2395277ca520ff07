import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { createLeads } from '../leads/commands.ts';
import type { CreateLeadInput } from '../leads/index.ts';
import { type MappingEntry, mapRow } from './extractor.mapping.ts';
import * as repo from './extractor.repository.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

export function toRowError(row: repo.RowErrorRow) {
  return {
    id: row.id,
    runId: row.run_id,
    status: row.status as 'open' | 'retried' | 'skipped',
    leadId: row.lead_id,
    cursorValue: row.cursor_value,
    data: row.data as Record<string, unknown>,
    reason: row.reason,
    createdAt: iso(row.created_at),
  };
}

const lockRowError = (trx: Parameters<typeof repo.findRun>[0], id: string) =>
  trx.selectFrom('extractor_row_errors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

const reasonOf = (error: unknown) => {
  if (!(error instanceof AppError)) return error instanceof Error ? error.message : String(error);
  const fields = (error.errors ?? []).map((e) => `${e.path} ${e.message}`).join('; ');
  return fields ? `${error.message}: ${fields}` : error.message;
};

/**
 * Writes a failed row again, by the source's mapping as it is now, through the one write path as the caller.
 * Still refused: 422 with the reason, the row stays open. Became (or matched) a lead: retried, with its id.
 */
export function retryRowError(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockRowError(trx, id);
    if (!row) throw notFound('failed row');
    if (row.status !== 'open') throw new AppError('conflict', `The row was already ${row.status}`);
    const run = await repo.findRun(trx, row.run_id);
    const source = run ? await repo.findSource(trx, run.source_id) : undefined;
    if (!source) throw notFound('extractor source');
    let body: Record<string, unknown>;
    try {
      body = await mapRow(row.data as Record<string, unknown>, source.mapping as unknown as MappingEntry[]);
    } catch (error) {
      throw new AppError('unprocessable', reasonOf(error));
    }
    if (typeof body.name !== 'string' || !body.name.trim()) throw new AppError('unprocessable', 'name: is required');
    const { results } = await createLeads(trx, deps, ctx, [{ body: body as CreateLeadInput }], {
      channel: 'integration',
      onDuplicate: source.on_duplicate as 'skip' | 'merge',
      defaultSource: source.lead_source,
    });
    const [result] = results;
    let leadId: string | null = null;
    if (result?.status === 'created') leadId = result.id;
    else if (result?.status === 'merged' || result?.status === 'skipped') leadId = result.row?.id ?? null;
    else if (result?.status === 'duplicate') throw result.error;
    else if (result?.status === 'failed') {
      if (result.error instanceof AppError) throw new AppError('unprocessable', reasonOf(result.error));
      throw result.error;
    }
    const after = await trx
      .updateTable('extractor_row_errors')
      .set({ status: 'retried', lead_id: leadId })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRowError(after);
  });
}

/** Marks a failed row as skipped: it stays listed, and is not retried. */
export function skipRowError(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockRowError(trx, id);
    if (!row) throw notFound('failed row');
    if (row.status !== 'open') throw new AppError('conflict', `The row was already ${row.status}`);
    const after = await trx
      .updateTable('extractor_row_errors')
      .set({ status: 'skipped' })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRowError(after);
  });
}
