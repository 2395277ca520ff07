import type { Selectable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { ExtractorRowErrors, ExtractorRuns, ExtractorSources } from '../../db/types.ts';

export type SourceRow = Selectable<ExtractorSources>;
export type RunRow = Selectable<ExtractorRuns>;
export type RowErrorRow = Selectable<ExtractorRowErrors>;

export const findSource = (trx: Tx, id: string) =>
  trx.selectFrom('extractor_sources').selectAll().where('id', '=', id).executeTakeFirst();

export const lockSource = (trx: Tx, id: string) =>
  trx.selectFrom('extractor_sources').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const listSources = (trx: Tx) => trx.selectFrom('extractor_sources').selectAll().orderBy('name').execute();

export const findRun = (trx: Tx, id: string) =>
  trx.selectFrom('extractor_runs').selectAll().where('id', '=', id).executeTakeFirst();

export const lockRun = (trx: Tx, id: string) =>
  trx.selectFrom('extractor_runs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const listRuns = (trx: Tx, sourceId: string) =>
  trx
    .selectFrom('extractor_runs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();

export const activeRun = (trx: Tx, sourceId: string) =>
  trx
    .selectFrom('extractor_runs')
    .select('id')
    .where('source_id', '=', sourceId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();

export const listRowErrors = (trx: Tx, runId: string) =>
  trx
    .selectFrom('extractor_row_errors')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(500)
    .execute();

export async function customFieldKeys(trx: Tx): Promise<string[]> {
  const rows = await trx.selectFrom('custom_fields').select('key').where('active', '=', true).execute();
  return rows.map((r) => r.key);
}
