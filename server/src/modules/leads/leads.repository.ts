import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadChangeableBy, leadIsLive, leadVisibleTo } from './leads.visibility.ts';

export const leadColumns = [
  'l.id',
  'l.name',
  'l.company_name',
  'l.emails',
  'l.phones',
  'l.source',
  'l.campaign',
  'l.product',
  'l.city',
  'l.state',
  'l.country',
  'l.territory',
  'l.expected_value',
  'l.currency',
  'l.expected_close_date',
  'l.tags',
  'l.notes',
  'l.owner_id',
  'o.name as owner_name',
  'l.warrior_ids',
  'l.co_sales_ids',
  'l.partner_id',
  'p.name as partner_name',
  'l.stage',
  'l.lost_reason',
  'l.custom_fields',
  'l.created_by',
  'l.created_via',
  'l.created_at',
  'l.updated_at',
  'l.stage_changed_at',
  'l.last_touched_at',
  'l.version',
  // The catalog's fields kept beside the lead (`from`), read from their tables as leadsQuery joins them.
  'ls.score as score',
  'ls.tier as score_tier',
] as const;

/**
 * Leads with their owner's and partner's names and the fields kept beside them (the catalog's `from`: at most one
 * row per lead, so the join adds no rows), for any query that returns lead records.
 */
export function leadsQuery(trx: Tx) {
  return trx
    .selectFrom('leads as l')
    .leftJoin('users as o', (join) => join.onRef('o.company_id', '=', 'l.company_id').onRef('o.id', '=', 'l.owner_id'))
    .leftJoin('partners as p', (join) =>
      join.onRef('p.company_id', '=', 'l.company_id').onRef('p.id', '=', 'l.partner_id'),
    )
    .leftJoin('lead_scores as ls', (join) =>
      join.onRef('ls.company_id', '=', 'l.company_id').onRef('ls.lead_id', '=', 'l.id'),
    )
    .select(leadColumns)
    .select(peopleColumn);
}

/** The names of the warriors and co-sales on a lead, selected with it (one sub-select per row of a page). */
export const peopleColumn = sql<{ id: string; name: string }[]>`(
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name)), '[]')
  FROM users u WHERE u.id = ANY (l.warrior_ids || l.co_sales_ids))`.as('people');

export type LeadRow = NonNullable<Awaited<ReturnType<typeof findLead>>>;

export async function findLead(trx: Tx, id: string) {
  return leadsQuery(trx).where('l.id', '=', id).executeTakeFirst();
}

/**
 * A live lead the actor may see; undefined otherwise (the caller answers 404). `includeDead` also finds it in
 * the trash or merged away, for the routes that work on those (restore, the merged id's redirect). `lock`
 * (taken to change the lead) or `forChange` narrows it to the leads the actor may change (leadChangeableBy).
 */
export async function findVisibleLead(
  trx: Tx,
  actor: Actor,
  id: string,
  options: { lock?: boolean; includeDead?: boolean; forChange?: boolean } = {},
) {
  const scope = options.lock || options.forChange ? leadChangeableBy(actor) : leadVisibleTo(actor);
  let query = leadsQuery(trx).where('l.id', '=', id).where(scope);
  if (!options.includeDead) query = query.where(leadIsLive);
  if (options.lock) query = query.forUpdate('l');
  return query.executeTakeFirst();
}

/** Whether `actor` (e.g. a colleague being mentioned or given an activity) sees the live lead, by leadVisibleTo. */
export async function leadVisibleToUser(trx: Tx, leadId: string, actor: Actor): Promise<boolean> {
  const row = await trx
    .selectFrom('leads as l')
    .select('l.id')
    .where('l.id', '=', leadId)
    .where(leadVisibleTo(actor))
    .where(leadIsLive)
    .executeTakeFirst();
  return row !== undefined;
}

export interface LeadColumns {
  name?: string;
  company_name?: string | null;
  emails?: string[];
  phones?: string[];
  source?: string;
  campaign?: string | null;
  product?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  territory?: string | null;
  expected_value?: number | null;
  currency?: string | null;
  expected_close_date?: string | null;
  tags?: string[];
  notes?: string | null;
  lost_reason?: string | null;
  custom_fields?: Record<string, unknown>;
  owner_id?: string | null;
  warrior_ids?: string[];
  co_sales_ids?: string[];
  partner_id?: string | null;
  stage?: string;
}

/**
 * Writes changes when the lead is still at `version`; returns false when someone else changed it first.
 * Every write bumps the version and counts as a touch (the response SLA watches it).
 */
export async function updateLead(
  trx: Tx,
  id: string,
  version: number,
  changes: LeadColumns & { stage_changed_at?: Date },
  now: Date,
): Promise<boolean> {
  const { custom_fields, ...rest } = changes;
  const result = await trx
    .updateTable('leads')
    .set({
      ...rest,
      ...(custom_fields ? { custom_fields: JSON.stringify(custom_fields) } : {}),
      updated_at: now,
      last_touched_at: now,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A note, an activity or a message on the lead counts as working it: the response SLA clock sees it. */
export async function touchLead(trx: Tx, id: string, now: Date): Promise<void> {
  await trx.updateTable('leads').set({ last_touched_at: now }).where('id', '=', id).execute();
}

export async function insertStageHistory(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    lead_id: string;
    from_stage: string | null;
    to_stage: string;
    by_user_id: string | null;
    at: Date;
    seconds_in_previous: number | null;
  },
) {
  await trx.insertInto('lead_stage_history').values(row).execute();
}

export async function listStageHistory(trx: Tx, leadId: string) {
  return trx
    .selectFrom('lead_stage_history as h')
    .leftJoin('users as u', (join) =>
      join.onRef('u.company_id', '=', 'h.company_id').onRef('u.id', '=', 'h.by_user_id'),
    )
    .select([
      'h.id',
      'h.from_stage',
      'h.to_stage',
      'h.by_user_id',
      'u.name as by_user_name',
      'h.at',
      'h.seconds_in_previous',
    ])
    .where('h.lead_id', '=', leadId)
    .orderBy('h.at')
    .orderBy('h.id')
    .execute();
}

export async function activeCustomFields(trx: Tx) {
  return trx.selectFrom('custom_fields').selectAll().where('active', '=', true).orderBy('position').execute();
}

/** Active users of the company among `ids`, with their role and manager, for assignment checks. */
export async function usersByIds(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'role', 'manager_id', 'active', 'partner_id'])
    .where('id', 'in', ids)
    .execute();
}

export async function partnerById(trx: Tx, id: string) {
  return trx.selectFrom('partners').select(['id', 'name', 'active']).where('id', '=', id).executeTakeFirst();
}

export async function actorPartnerId(trx: Tx, userId: string): Promise<string | null> {
  const row = await trx.selectFrom('users').select('partner_id').where('id', '=', userId).executeTakeFirst();
  return row?.partner_id ?? null;
}
