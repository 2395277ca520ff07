import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { AssignmentRules } from '../../db/types.ts';
import { leadIsLive } from '../leads/scope.ts';

export type RuleRow = Selectable<AssignmentRules>;

/** Rules in evaluation order: by position, the default always last. */
export async function listRules(trx: Tx, options: { activeOnly?: boolean } = {}): Promise<RuleRow[]> {
  let query = trx.selectFrom('assignment_rules').selectAll();
  if (options.activeOnly) query = query.where('active', '=', true);
  return query.orderBy('is_default').orderBy('position').orderBy('id').execute();
}

export async function findRule(trx: Tx, id: string, options: { lock?: boolean } = {}): Promise<RuleRow | undefined> {
  let query = trx.selectFrom('assignment_rules').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findDefaultRule(trx: Tx): Promise<RuleRow | undefined> {
  return trx.selectFrom('assignment_rules').selectAll().where('is_default', '=', true).executeTakeFirst();
}

export async function nextPosition(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('assignment_rules')
    .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
    .executeTakeFirst();
  return row?.next ?? 0;
}

export interface RuleColumns {
  name?: string;
  active?: boolean;
  is_default?: boolean;
  conditions?: unknown[];
  strategy?: string;
  user_ids?: string[];
  weights?: number[];
  sla_minutes?: number | null;
  state?: Record<string, unknown>;
  position?: number;
}

function serialise(columns: RuleColumns) {
  const { conditions, state, ...rest } = columns;
  return {
    ...rest,
    ...(conditions !== undefined ? { conditions: JSON.stringify(conditions) } : {}),
    ...(state !== undefined ? { state: JSON.stringify(state) } : {}),
  };
}

export async function insertRule(
  trx: Tx,
  row: RuleColumns & { company_id: string; id: string; name: string; strategy: string; position: number; now: Date },
): Promise<void> {
  const { now, ...columns } = row;
  await trx
    .insertInto('assignment_rules')
    .values({
      ...serialise(columns),
      company_id: row.company_id,
      id: row.id,
      name: row.name,
      strategy: row.strategy,
      position: row.position,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateRule(trx: Tx, id: string, columns: RuleColumns, now: Date): Promise<void> {
  await trx
    .updateTable('assignment_rules')
    .set({ ...serialise(columns), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Rotation state only: not an edit of the rule, so its updated_at stays. */
export async function saveRuleState(trx: Tx, id: string, state: Record<string, unknown>): Promise<void> {
  await trx
    .updateTable('assignment_rules')
    .set({ state: JSON.stringify(state) })
    .where('id', '=', id)
    .execute();
}

export async function deleteRule(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('assignment_rules').where('id', '=', id).execute();
}

export async function setPositions(trx: Tx, ids: string[], from = 0): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await trx
      .updateTable('assignment_rules')
      .set({ position: from + i })
      .where('id', '=', id)
      .execute();
  }
}

export async function usersByIds(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'role', 'active', 'manager_id'])
    .where('id', 'in', ids)
    .execute();
}

export async function activeCustomFieldKinds(trx: Tx) {
  return trx.selectFrom('custom_fields').select(['key', 'type']).where('active', '=', true).execute();
}

export async function companyTimezone(trx: Tx): Promise<string> {
  const row = await trx.selectFrom('companies').select('timezone').executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

export async function availabilityOf(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx.selectFrom('user_availability').selectAll().where('user_id', 'in', ids).execute();
}

/** Leaves touching the dates between `from` and `to` (calendar days, inclusive). */
export async function leavesAround(trx: Tx, ids: string[], from: string, to: string) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('user_leaves')
    .select(['user_id', sql<string>`starts_on::text`.as('starts_on'), sql<string>`ends_on::text`.as('ends_on')])
    .where('user_id', 'in', ids)
    .where(sql<boolean>`starts_on <= ${to}::date AND ends_on >= ${from}::date`)
    .execute();
}

/**
 * Leads owned per user whose stage is an open one. System-wide, not an actor's view: the engine counts load,
 * it does not show leads to anyone.
 */
export async function openLeadCounts(trx: Tx, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('leads as l')
    .innerJoin('pipeline_stages as s', (j) =>
      j.onRef('s.company_id', '=', 'l.company_id').onRef('s.key', '=', 'l.stage'),
    )
    .select(['l.owner_id', sql<number>`count(*)::int`.as('n')])
    .where('s.kind', '=', 'open')
    .where('l.owner_id', 'in', ids)
    .where(leadIsLive)
    .groupBy('l.owner_id')
    .execute();
  return new Map(rows.map((r) => [r.owner_id ?? '', r.n]));
}

/**
 * Leads given to each user since the start of its own day: rule, SLA and manual hand-overs by someone else;
 * a lead a salesperson entered itself, or a row that left the owner as it was, is not an assignment to it.
 */
export async function assignmentsSince(
  trx: Tx,
  since: { userId: string; from: Date }[],
  until: Date,
): Promise<Map<string, number>> {
  if (since.length === 0) return new Map();
  const values = sql.join(since.map((s) => sql`(${s.userId}::uuid, ${s.from}::timestamptz)`));
  const rows = await sql<{ user_id: string; n: number }>`
    SELECT c.user_id, count(a.id)::int AS n
    FROM (VALUES ${values}) AS c (user_id, since)
    JOIN lead_assignments a ON a.owner_id = c.user_id AND a.at >= c.since AND a.at <= ${until}
    WHERE a.reason IN ('rule', 'sla', 'manual')
      AND a.previous_owner_id IS DISTINCT FROM a.owner_id
      AND a.by_user_id IS DISTINCT FROM a.owner_id
    GROUP BY c.user_id`.execute(trx);
  return new Map(rows.rows.map((r) => [r.user_id, r.n]));
}

export async function findAssignment(trx: Tx, id: string) {
  return trx.selectFrom('lead_assignments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockLead(trx: Tx, id: string) {
  return (
    trx
      .selectFrom('leads')
      .select(['id', 'name', 'owner_id', 'last_touched_at', 'stage'])
      .where('id', '=', id)
      // A lead in the trash or merged away is nobody's to answer any more.
      .where('deleted_at', 'is', null)
      .where('merged_into', 'is', null)
      .forUpdate()
      .executeTakeFirst()
  );
}

/** A new owner by the system: a new version of the lead, but not a touch (nobody worked it). */
export async function setLeadOwner(trx: Tx, id: string, ownerId: string, now: Date): Promise<void> {
  await trx
    .updateTable('leads')
    .set({ owner_id: ownerId, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();
}
