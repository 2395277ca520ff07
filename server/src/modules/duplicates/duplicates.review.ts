import { type SqlBool, sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor, leadsQuery, leadVisibleTo, toLead } from '../leads/index.ts';

import type { MatchKey } from './duplicates.match.ts';
import * as repo from './duplicates.repository.ts';

type GroupStatus = 'open' | 'merged' | 'dismissed' | 'resolved';

interface GroupRow {
  id: string;
  status: GroupStatus;
  confidence: number;
  matched_on: MatchKey[];
  origin: string;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  live_count: number;
  visible_count: number;
  visible_live: number;
}

/**
 * Groups with their state as of now: a stored open group whose leads were merged (or trashed) until fewer than
 * two are live is `merged` (or `resolved`) without waiting for the next scan. A group is the caller's to see
 * when it sees two of its leads (two live ones for an open group); it sees only those leads of it.
 */
function groupsQuery(ctx: RequestContext) {
  return sql<GroupRow>`
    SELECT * FROM (
      SELECT g.id, g.confidence, g.matched_on, g.origin, g.created_at, g.updated_at, g.resolved_at, g.resolved_by,
        CASE WHEN g.status <> 'open' OR s.live_count >= 2 THEN g.status
          WHEN s.any_merged THEN 'merged' ELSE 'resolved' END AS status,
        s.live_count, s.visible_count, s.visible_live
      FROM duplicate_groups g
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE l.deleted_at IS NULL AND l.merged_into IS NULL)::int AS live_count,
          count(*) FILTER (WHERE v.visible)::int AS visible_count,
          count(*) FILTER (WHERE v.visible AND l.deleted_at IS NULL AND l.merged_into IS NULL)::int AS visible_live,
          coalesce(bool_or(l.merged_into IS NOT NULL), false) AS any_merged
        FROM duplicate_group_members m
        JOIN leads l ON l.company_id = m.company_id AND l.id = m.lead_id
        CROSS JOIN LATERAL (SELECT ${leadVisibleTo(ctx.actor)} AS visible) v
        WHERE m.group_id = g.id
      ) s
    ) x`;
}

const visibleToCaller = sql<SqlBool>`CASE WHEN x.status = 'open' THEN x.visible_live >= 2 ELSE x.visible_count >= 2 END`;

export interface GroupsQuery {
  status?: GroupStatus | 'all' | undefined;
  leadId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The review queue: most certain first, a page at a time. */
export async function listGroups(deps: Deps, ctx: RequestContext, query: GroupsQuery) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  const status = query.status ?? 'open';
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await sql<GroupRow>`
      ${groupsQuery(ctx)}
      WHERE ${visibleToCaller}
        AND (${status} = 'all' OR x.status = ${status})
        AND (${query.leadId ?? null}::uuid IS NULL OR x.id IN (
          SELECT m.group_id FROM duplicate_group_members m WHERE m.lead_id = ${query.leadId ?? null}::uuid))
        AND (${after ? after[0] : null}::float8 IS NULL
          OR (x.confidence, x.id) < (${after ? after[0] : null}::float8, ${after ? after[1] : null}::uuid))
      ORDER BY x.confidence DESC, x.id DESC
      LIMIT ${query.limit + 1}`.execute(trx);
    const page = toPage(rows.rows, query.limit, (r) => [Number(r.confidence), r.id]);
    return { data: await withMembers(trx, ctx, page.data), nextCursor: page.nextCursor };
  });
}

async function findGroup(trx: Tx, ctx: RequestContext, id: string): Promise<GroupRow | undefined> {
  const rows = await sql<GroupRow>`${groupsQuery(ctx)} WHERE x.id = ${id} AND ${visibleToCaller}`.execute(trx);
  return rows.rows[0];
}

export async function getGroup(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await findGroup(trx, ctx, id);
    if (!row) throw notFound('duplicate group');
    const [group] = await withMembers(trx, ctx, [row]);
    return group;
  });
}

/**
 * Not duplicates: the group leaves the queue and every pair of its leads is remembered, so scans and the
 * leads' duplicates panels leave them out. Only someone who sees every live lead of the group may say so.
 */
export async function dismissGroup(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await repo.lockQueue(trx, ctx.actor.companyId);
    const row = await findGroup(trx, ctx, id);
    if (!row) throw notFound('duplicate group');
    if (row.status !== 'open') {
      throw new AppError('conflict', `The group is ${row.status} already; only an open group can be dismissed`);
    }
    if (row.visible_live < row.live_count) {
      throw new AppError(
        'forbidden',
        'The group holds leads you may not see; someone who sees them all may dismiss it',
      );
    }
    const now = deps.clock.now();
    const members = await trx
      .selectFrom('duplicate_group_members as m')
      .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'm.company_id').onRef('l.id', '=', 'm.lead_id'))
      .select('m.lead_id')
      .where('m.group_id', '=', id)
      .where('l.deleted_at', 'is', null)
      .where('l.merged_into', 'is', null)
      .execute();
    const leadIds = members.map((m) => m.lead_id);
    await repo.insertDismissals(trx, ctx.actor.companyId, leadIds, id, ctx.actor.userId, now);
    await repo.setGroupStatus(trx, [id], 'dismissed', ctx.actor.userId, now);
    await recordAudit(trx, ctx, {
      action: 'duplicates.group_dismissed',
      entityType: 'duplicate_group',
      entityId: id,
      before: { status: 'open' },
      after: { status: 'dismissed', leadIds },
      at: now,
    });
    const [group] = await withMembers(trx, ctx, [
      { ...row, status: 'dismissed', resolved_at: now, resolved_by: ctx.actor.userId },
    ]);
    return group;
  });
}

/** The leads of each group the caller may see, as the lead API shows them (field permissions applied). */
async function withMembers(trx: Tx, ctx: RequestContext, rows: GroupRow[]) {
  if (rows.length === 0) return [];
  const members = await trx
    .selectFrom('duplicate_group_members as m')
    .select(['m.group_id', 'm.lead_id', 'm.matched_on'])
    .where(
      'm.group_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const leads = await leadsQuery(trx)
    .select(['l.deleted_at', 'l.merged_into'])
    .where('l.id', 'in', [...new Set(members.map((m) => m.lead_id))])
    .where(leadVisibleTo(ctx.actor))
    .execute();
  const access = await fieldAccessFor(trx, ctx.actor.role);
  const byId = new Map(leads.map((l) => [l.id, l]));
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    confidence: Number(r.confidence),
    matchedOn: r.matched_on,
    origin: r.origin as 'create' | 'scan',
    members: members
      .filter((m) => m.group_id === r.id && byId.has(m.lead_id))
      .map((m) => {
        const lead = byId.get(m.lead_id) as (typeof leads)[number];
        const state = lead.merged_into ? 'merged' : lead.deleted_at ? 'trashed' : 'live';
        return {
          lead: toLead(lead, access),
          matchedOn: m.matched_on as MatchKey[],
          state: state as 'live' | 'merged' | 'trashed',
          mergedInto: lead.merged_into,
        };
      })
      .sort(
        (a, b) => (a.state === 'live' ? 0 : 1) - (b.state === 'live' ? 0 : 1) || a.lead.id.localeCompare(b.lead.id),
      ),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
  }));
}
