/**
 * Draining the outbox into ClickHouse, for one company, inside the job's tenant transaction: take the oldest
 * outbox rows, read the records they name as they are now, insert them into ClickHouse with the highest outbox id
 * naming each as its version (a record gone from PostgreSQL as a deleted row), then delete those outbox rows. A
 * batch that runs again after a crash (ClickHouse written, PostgreSQL rolled back) inserts the same rows with the
 * same versions: ReplacingMergeTree keeps one, and FINAL reads one. Drains of a company are serialised, so a
 * version never goes back.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { ClickHouse } from './analytics.clickhouse.ts';
import { querySettings } from './analytics.clickhouse.ts';
import { type FactTable, factTable, factTables } from './analytics.tables.ts';

export const BATCH_SIZE = 5000;

export interface DrainResult {
  /** Outbox rows drained. */
  drained: number;
  /** Whether rows were left for another run. */
  more: boolean;
}

interface OutboxRow {
  id: string;
  table_name: string;
  row_id: string;
}

/** A stand-in for a crash between writing ClickHouse and committing PostgreSQL (tests). */
export interface DrainHooks {
  afterInsert?: () => Promise<void> | void;
}

export async function drainOutbox(
  trx: Tx,
  ch: ClickHouse,
  companyId: string,
  options: { batchSize?: number; batches?: number } & DrainHooks = {},
): Promise<DrainResult> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  await sql`SELECT pg_advisory_xact_lock(hashtext('analytics.sync'), hashtext(${companyId}))`.execute(trx);
  await ch.ready();
  let drained = 0;
  for (let batch = 0; batch < (options.batches ?? 10); batch++) {
    const { rows } = await sql<OutboxRow>`SELECT id::text AS id, table_name, row_id::text AS row_id
      FROM analytics_outbox WHERE company_id = ${companyId} ORDER BY id LIMIT ${batchSize}`.execute(trx);
    if (rows.length === 0) return { drained, more: false };
    const byTable = new Map<string, Map<string, bigint>>();
    for (const r of rows) {
      const versions = byTable.get(r.table_name) ?? new Map<string, bigint>();
      const v = BigInt(r.id);
      if ((versions.get(r.row_id) ?? 0n) < v) versions.set(r.row_id, v);
      byTable.set(r.table_name, versions);
    }
    for (const [name, versions] of byTable) {
      const table = factTable(name);
      if (!table) continue; // a table no longer copied: its rows are dropped
      await copyRows(trx, ch, table, companyId, versions);
    }
    await options.afterInsert?.();
    await sql`DELETE FROM analytics_outbox
      WHERE company_id = ${companyId} AND id = ANY(${rows.map((r) => r.id)}::bigint[])`.execute(trx);
    drained += rows.length;
    if (rows.length < batchSize) return { drained, more: false };
  }
  return { drained, more: true };
}

async function copyRows(
  trx: Tx,
  ch: ClickHouse,
  table: FactTable,
  companyId: string,
  versions: Map<string, bigint>,
): Promise<void> {
  const ids = [...versions.keys()];
  const key = sql.ref(table.key ?? 'id');
  const columns = table.columns.map((c) => sql`${c.read ?? sql.ref(c.name)} AS ${sql.ref(c.name)}`);
  const { rows } = await sql<Record<string, unknown>>`SELECT ${key}::text AS id, ${sql.join(columns)}
    FROM ${sql.table(table.name)} WHERE company_id = ${companyId} AND ${key} = ANY(${ids}::uuid[])`.execute(trx);
  const values: Record<string, unknown>[] = rows.map((r) => ({
    ...r,
    company_id: companyId,
    version: String(versions.get(String(r.id))),
    is_deleted: 0,
  }));
  const found = new Set(rows.map((r) => String(r.id)));
  const gone = ids.filter((id) => !found.has(id));
  if (gone.length > 0) {
    // A deleted record: a row marking it deleted, in the partition its last copy is in.
    const part = table.partitionBy;
    const result = await ch.client.query({
      query: `SELECT toString(id) AS row_id${part ? `, ${part} AS part` : ''} FROM ${ch.database}.${table.name} FINAL
        WHERE company_id = {company:UUID} AND id IN {ids:Array(UUID)}`,
      query_params: { company: companyId, ids: gone },
      format: 'JSONEachRow',
      clickhouse_settings: querySettings,
    });
    const held = (await result.json()) as { row_id: string; part: string }[];
    for (const h of held) {
      values.push({
        company_id: companyId,
        id: h.row_id,
        ...(part ? { [part]: h.part } : {}),
        version: String(versions.get(h.row_id)),
        is_deleted: 1,
      });
    }
  }
  if (values.length === 0) return;
  await ch.client.insert({
    table: `${ch.database}.${table.name}`,
    values,
    format: 'JSONEachRow',
    clickhouse_settings: { ...querySettings, date_time_input_format: 'best_effort' },
  });
}

/** The outbox of the company: rows waiting and the age of the oldest, in seconds. */
export async function outboxLag(trx: Tx): Promise<{ pending: number; lagSeconds: number }> {
  const { rows } = await sql<{ pending: string; lag: number | null }>`SELECT count(*)::text AS pending,
      extract(epoch FROM (now() - min(at)))::float8 AS lag FROM analytics_outbox`.execute(trx);
  const row = rows[0];
  return { pending: Number(row?.pending ?? 0), lagSeconds: Math.max(0, Math.round(Number(row?.lag ?? 0))) };
}

/** Every record of the company's copied tables, put in the outbox (a first fill, or a refill after a gap). */
export async function enqueueAll(trx: Tx, companyId: string): Promise<number> {
  let total = 0;
  for (const { name, key } of factTables) {
    const result = await sql`INSERT INTO analytics_outbox (company_id, table_name, row_id)
      SELECT company_id, ${name}, ${sql.ref(key ?? 'id')} FROM ${sql.table(name)}
      WHERE company_id = ${companyId}`.execute(trx);
    total += Number(result.numAffectedRows ?? 0);
  }
  return total;
}
