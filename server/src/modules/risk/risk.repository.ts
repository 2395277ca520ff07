import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadIsLive, leadVisibleTo } from '../leads/scope.ts';
import type { ReasonKey } from './risk.reasons.ts';

export interface ListFilters {
  ownerId?: string | undefined;
  reason?: ReasonKey | undefined;
  /** The primary reasons the caller may see: a lead is listed only when it has one of them. */
  shownKeys: ReasonKey[];
}

/** The at-risk leads the actor sees (leadVisibleTo, live), joined to what the list shows. */
function visibleRisks(trx: Tx, actor: Actor, filters: ListFilters) {
  let query = trx
    .selectFrom('lead_risks as r')
    .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'r.company_id').onRef('l.id', '=', 'r.lead_id'))
    .where(leadVisibleTo(actor))
    .where(leadIsLive)
    .where(sql<SqlBool>`r.reason_keys && ${sql.val(filters.shownKeys)}::text[]`);
  if (filters.ownerId) query = query.where('l.owner_id', '=', filters.ownerId);
  if (filters.reason) query = query.where(sql<SqlBool>`r.reason_keys @> ARRAY[${filters.reason}]::text[]`);
  return query;
}

export async function listRisks(
  trx: Tx,
  actor: Actor,
  filters: ListFilters,
  page: { after: [number, string] | null; limit: number },
) {
  let query = visibleRisks(trx, actor, filters)
    .leftJoin('users as o', (j) => j.onRef('o.company_id', '=', 'l.company_id').onRef('o.id', '=', 'l.owner_id'))
    .leftJoin('pipeline_stages as s', (j) =>
      j.onRef('s.company_id', '=', 'l.company_id').onRef('s.key', '=', 'l.stage'),
    )
    .select([
      'r.lead_id',
      'l.name as lead_name',
      'l.owner_id',
      'o.name as owner_name',
      'l.stage',
      's.name as stage_name',
      'r.reasons',
      'r.severity',
      'r.flagged_since',
    ]);
  if (page.after) {
    const [severity, leadId] = page.after;
    query = query.where(sql<SqlBool>`(r.severity, r.lead_id) < (${severity}::smallint, ${leadId}::uuid)`);
  }
  return query
    .orderBy('r.severity', 'desc')
    .orderBy('r.lead_id', 'desc')
    .limit(page.limit + 1)
    .execute();
}

export type RiskRow = Awaited<ReturnType<typeof listRisks>>[number];

export async function countRisks(trx: Tx, actor: Actor, filters: ListFilters): Promise<number> {
  const row = await visibleRisks(trx, actor, filters).select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
  return row?.n ?? 0;
}

export async function countByReason(trx: Tx, actor: Actor, filters: ListFilters) {
  const keys = visibleRisks(trx, actor, filters).select(sql<string>`unnest(r.reason_keys)`.as('key'));
  return trx
    .selectFrom(keys.as('k'))
    .select(['k.key', sql<number>`count(*)::int`.as('n')])
    .groupBy('k.key')
    .execute();
}

export async function countByOwner(trx: Tx, actor: Actor, filters: ListFilters) {
  return visibleRisks(trx, actor, filters)
    .leftJoin('users as o', (j) => j.onRef('o.company_id', '=', 'l.company_id').onRef('o.id', '=', 'l.owner_id'))
    .select(['l.owner_id', 'o.name as owner_name', sql<number>`count(*)::int`.as('n')])
    .groupBy(['l.owner_id', 'o.name'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('o.name')
    .limit(50)
    .execute();
}

/** The lead's risk row, when it has one (the caller has checked that the lead is visible). */
export async function findRisk(trx: Tx, leadId: string) {
  return trx
    .selectFrom('lead_risks as r')
    .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'r.company_id').onRef('l.id', '=', 'r.lead_id'))
    .leftJoin('pipeline_stages as s', (j) =>
      j.onRef('s.company_id', '=', 'l.company_id').onRef('s.key', '=', 'l.stage'),
    )
    .select(['r.reasons', 'r.flagged_since', 'r.checked_at', 'l.stage', 's.name as stage_name'])
    .where('r.lead_id', '=', leadId)
    .executeTakeFirst();
}

export async function lastScan(trx: Tx) {
  return trx.selectFrom('lead_risk_scans').select(['checked_at', 'duration_ms', 'flagged']).executeTakeFirst();
}
