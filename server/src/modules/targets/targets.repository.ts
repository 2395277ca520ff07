import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { subtreeOf } from '../users/index.ts';

export type ScopeKind = 'user' | 'team' | 'partner' | 'territory';
export type PeriodKind = 'month' | 'quarter';

const columns = [
  't.id',
  't.scope_kind',
  't.scope_key',
  't.period_kind',
  't.period_start',
  't.won_value',
  't.won_count',
  't.new_leads',
  't.calls',
  't.set_by',
  't.updated_at',
] as const;

export interface TargetRow {
  id: string;
  scope_kind: ScopeKind;
  scope_key: string;
  period_kind: PeriodKind;
  period_start: string;
  won_value: string;
  won_count: number;
  new_leads: number | null;
  calls: number | null;
  set_by: string;
  updated_at: Date;
}

/** The company's time zone: the zone its months and quarters are counted in. */
export async function companyZone(trx: Tx): Promise<string> {
  const row = await trx
    .selectFrom('companies')
    .select('timezone')
    .where(sql<SqlBool>`id = app_current_company()`)
    .executeTakeFirstOrThrow();
  return row.timezone;
}

/** The partner a user belongs to (a PARTNER user's organisation), or null. */
export async function partnerOfUser(trx: Tx, userId: string): Promise<string | null> {
  const row = await trx.selectFrom('users').select('partner_id').where('id', '=', userId).executeTakeFirst();
  return row?.partner_id ?? null;
}

/** `scope_key` is one of the ids of the subtree of a user (itself and everyone below it), as text. */
export const keyInSubtree = (rootId: string) =>
  sql<SqlBool>`t.scope_key IN (SELECT id::text FROM ${subtreeOf(rootId)} s)`;

export async function listTargets(
  trx: Tx,
  period: { kind: PeriodKind; start: string },
  visible: Expression<SqlBool>,
): Promise<TargetRow[]> {
  const rows = await trx
    .selectFrom('targets as t')
    .select(columns)
    .where('t.period_kind', '=', period.kind)
    .where('t.period_start', '=', period.start as never)
    .where(visible)
    .orderBy('t.scope_kind')
    .orderBy('t.scope_key')
    .execute();
  return rows as unknown as TargetRow[];
}

export async function findTargets(trx: Tx, ids: string[]): Promise<TargetRow[]> {
  if (ids.length === 0) return [];
  const rows = await trx.selectFrom('targets as t').select(columns).where('t.id', 'in', ids).execute();
  return rows as unknown as TargetRow[];
}

/** One target the visibility predicate lets through, locked for a change. */
export async function findVisibleTarget(trx: Tx, id: string, visible: Expression<SqlBool>): Promise<TargetRow | null> {
  const row = await trx
    .selectFrom('targets as t')
    .select(columns)
    .where('t.id', '=', id)
    .where(visible)
    .forUpdate()
    .executeTakeFirst();
  return (row as unknown as TargetRow | undefined) ?? null;
}

export async function deleteTarget(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('targets').where('id', '=', id).execute();
}

/** The existing targets of these scopes and periods, locked for the upsert that follows. */
export async function lockTargets(
  trx: Tx,
  keys: { kind: ScopeKind; key: string; periodKind: PeriodKind; start: string }[],
): Promise<TargetRow[]> {
  if (keys.length === 0) return [];
  const rows = await trx
    .selectFrom('targets as t')
    .select(columns)
    .where(
      sql<SqlBool>`(t.scope_kind, t.scope_key, t.period_kind, t.period_start) IN (${sql.join(
        keys.map((k) => sql`(${k.kind}, ${k.key}, ${k.periodKind}, ${k.start}::date)`),
      )})`,
    )
    .forUpdate()
    .execute();
  return rows as unknown as TargetRow[];
}

export interface TargetValues {
  companyId: string;
  id: string;
  kind: ScopeKind;
  key: string;
  periodKind: PeriodKind;
  start: string;
  wonValue: number;
  wonCount: number;
  newLeads: number | null;
  calls: number | null;
  setBy: string;
  at: Date;
}

/** Inserts a target, or replaces the figures of the scope's target for that period; its id. */
export async function upsertTarget(trx: Tx, v: TargetValues): Promise<string> {
  const row = await trx
    .insertInto('targets')
    .values({
      company_id: v.companyId,
      id: v.id,
      scope_kind: v.kind,
      scope_key: v.key,
      period_kind: v.periodKind,
      period_start: v.start as never,
      won_value: v.wonValue,
      won_count: v.wonCount,
      new_leads: v.newLeads,
      calls: v.calls,
      set_by: v.setBy,
      updated_at: v.at,
    })
    .onConflict((oc) =>
      oc.columns(['company_id', 'scope_kind', 'scope_key', 'period_kind', 'period_start']).doUpdateSet({
        won_value: v.wonValue,
        won_count: v.wonCount,
        new_leads: v.newLeads,
        calls: v.calls,
        set_by: v.setBy,
        updated_at: v.at,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Users by id, with whether each lies in `rootId`'s subtree (null root: every user does). */
export async function usersByIds(trx: Tx, ids: string[], rootId: string | null) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.role',
      'u.active',
      rootId === null
        ? sql<boolean>`true`.as('reachable')
        : sql<boolean>`u.id IN (SELECT id FROM ${subtreeOf(rootId)} s)`.as('reachable'),
    ])
    .where('u.id', 'in', ids)
    .execute();
}

export async function partnersByIds(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx.selectFrom('partners').select(['id', 'name', 'active']).where('id', 'in', ids).execute();
}

/** Each manager's team: itself and everyone below it, however deep. */
export async function teamMembers(trx: Tx, managerIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(managerIds.map((id) => [id, []]));
  if (managerIds.length === 0) return out;
  const { rows } = await sql<{ manager_id: string; member_id: string }>`WITH RECURSIVE tree AS (
      SELECT u.id AS manager_id, u.id AS member_id FROM users u WHERE u.id IN (${sql.join(managerIds)})
      UNION SELECT t.manager_id, c.id FROM users c JOIN tree t ON c.manager_id = t.member_id
    ) SELECT manager_id, member_id FROM tree`.execute(trx);
  for (const r of rows) out.get(r.manager_id)?.push(r.member_id);
  return out;
}

export interface TargetFigures {
  scopeKind: 'user' | 'team';
  key: string;
  wonValue: number;
  wonCount: number;
}

/** The user and team targets of a period (month or quarter starting on `start`): what forecasts by person compare against. */
export async function userAndTeamTargets(trx: Tx, kind: 'month' | 'quarter', start: string): Promise<TargetFigures[]> {
  const { rows } = await sql<{ scope_kind: 'user' | 'team'; scope_key: string; won_value: string; won_count: number }>`
    SELECT t.scope_kind, t.scope_key, t.won_value, t.won_count FROM targets t
    WHERE t.period_kind = ${kind} AND t.period_start = ${start}::date AND t.scope_kind IN ('user', 'team')`.execute(
    trx,
  );
  return rows.map((r) => ({
    scopeKind: r.scope_kind,
    key: r.scope_key,
    wonValue: Number(r.won_value),
    wonCount: r.won_count,
  }));
}
