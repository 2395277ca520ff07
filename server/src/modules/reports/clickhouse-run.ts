/**
 * A report on ClickHouse: the same plan compiled with the ClickHouse dialect (the caller's scope and the filters
 * resolved to bound values first), run there, and the names of users and partners looked up in PostgreSQL. When
 * ClickHouse cannot answer (a part of the question has no ClickHouse form, or the server is away) the caller runs
 * it on PostgreSQL, saying why.
 */
import {
  DefaultQueryCompiler,
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type ClickHouse, querySettings } from '../analytics/index.ts';
import { clickhouseFilterConditions } from './clickhouse-filters.ts';
import { leadScopeValues, namesOf, teamHeads } from './clickhouse-scope.ts';
import { compileRows, compileTotals, type Plan, rangeCondition } from './compile.ts';
import { type ClickHouseDialect, clickhouse, NoClickHouseForm } from './dialect.ts';
import type { CompileContext } from './semantic.ts';

/** Writes SQL text for ClickHouse: every value must be a typed query parameter already (see dialect.ts). */
class ClickHouseCompiler extends DefaultQueryCompiler {
  protected override getCurrentParameterPlaceholder(): string {
    throw new Error('A value reached ClickHouse SQL without a type: bind it with the dialect');
  }
}

const writer = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new ClickHouseCompiler(),
  },
});

export const clickhouseText = (query: RawBuilder<unknown>) => query.compile(writer).sql;

export interface Answer {
  rows: Record<string, unknown>[];
  totalsRow: Record<string, unknown>;
}

export interface ClickHouseQueries {
  rows: string;
  totals: string;
  params: Record<string, unknown>;
  dialect: ClickHouseDialect;
  context: CompileContext;
}

/** The two queries of a planned report, for ClickHouse (throws NoClickHouseForm when it has none). */
export async function compileForClickHouse(
  trx: Tx,
  database: string,
  p: Plan,
  ctx: CompileContext,
  filters: Record<string, unknown>,
  page: { limit: number; offset: number },
): Promise<ClickHouseQueries> {
  if (p.subject.clickhouse === false) throw new NoClickHouseForm(`The subject ${p.subject.key}`);
  const d = clickhouse(database, ctx.actor.companyId);
  const c: CompileContext = {
    ...ctx,
    d,
    leadScope: await leadScopeValues(trx, ctx.actor, d),
    ...(p.dims.some((x) => x.key === 'team') ? { teamHeads: await teamHeads(trx) } : {}),
  };
  const conditions: Expression<SqlBool>[] = [...p.subject.scope(c)];
  if (p.subject.leadFilters) conditions.push(...(await clickhouseFilterConditions(trx, filters, c)));
  const range = rangeCondition(p, c);
  if (range) conditions.push(range);
  return {
    rows: clickhouseText(compileRows(p, c, conditions, page)),
    totals: clickhouseText(compileTotals(p, c, conditions)),
    params: d.params,
    dialect: d,
    context: c,
  };
}

async function select(ch: ClickHouse, query: string, params: Record<string, unknown>) {
  const result = await ch.client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: querySettings,
  });
  return (await result.json()) as Record<string, unknown>[];
}

/** Whether an error says ClickHouse is away (rather than that the query is wrong). */
function unreachable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: string; message?: string };
  if (e?.name === 'ClickHouseError') return false;
  return (
    typeof e?.code === 'string' ||
    /timeout|ECONN|EHOSTUNREACH|ENOTFOUND|socket|fetch failed|closed/i.test(String(e?.message ?? ''))
  );
}

/** The report's rows and totals from ClickHouse, or why it must run on PostgreSQL. */
export async function tryClickHouse(
  trx: Tx,
  ch: ClickHouse,
  p: Plan,
  ctx: CompileContext,
  filters: Record<string, unknown>,
  page: { limit: number; offset: number },
): Promise<Answer | { note: string }> {
  let queries: ClickHouseQueries;
  try {
    queries = await compileForClickHouse(trx, ch.database, p, ctx, filters, page);
  } catch (error) {
    if (error instanceof NoClickHouseForm) return { note: `${error.message}: answered from PostgreSQL` };
    throw error;
  }
  let rows: Record<string, unknown>[];
  let totalsRow: Record<string, unknown>;
  try {
    await ch.ready();
    rows = await select(ch, queries.rows, queries.params);
    totalsRow = (await select(ch, queries.totals, queries.params))[0] ?? {};
  } catch (error) {
    if (unreachable(error)) {
      return { note: `ClickHouse is unavailable (${(error as Error).message}): answered from PostgreSQL` };
    }
    throw error;
  }
  // Names of users and partners, from PostgreSQL (ClickHouse holds ids only).
  for (const [i, dim] of p.dims.entries()) {
    if (dim.time || !dim.dim.names || dim.dim.labelInner) continue;
    const ids = [...new Set(rows.map((r) => r[`d${i}`]).filter((v): v is string => typeof v === 'string'))];
    const names = await namesOf(trx, dim.dim.names, ids);
    for (const r of rows) {
      const v = r[`d${i}`];
      r[`l${i}`] = typeof v === 'string' ? (names.get(v) ?? null) : null;
    }
  }
  return { rows, totalsRow };
}
