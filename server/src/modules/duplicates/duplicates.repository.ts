import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { MatchKey } from './duplicates.match.ts';

/**
 * The review queue is rewritten by scans and added to by creates: one writer at a time per company, so a
 * scan's regrouping and a flag or a dismissal never interleave.
 */
export async function lockQueue(trx: Tx, companyId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`duplicates:${companyId}`}, 0))`.execute(trx);
}

export interface GroupMember {
  leadId: string;
  matchedOn: MatchKey[];
}

export interface StoredGroup {
  id: string;
  status: string;
  confidence: number;
  matchedOn: MatchKey[];
  origin: string;
  updatedAt: Date;
  members: GroupMember[];
}

/** Open groups with their members; only those holding one of `leadIds` when given. */
export async function openGroups(trx: Tx, leadIds?: string[]): Promise<StoredGroup[]> {
  if (leadIds && leadIds.length === 0) return [];
  let query = trx
    .selectFrom('duplicate_groups as g')
    .innerJoin('duplicate_group_members as m', (j) =>
      j.onRef('m.company_id', '=', 'g.company_id').onRef('m.group_id', '=', 'g.id'),
    )
    .select(['g.id', 'g.status', 'g.confidence', 'g.matched_on', 'g.origin', 'g.updated_at', 'm.lead_id'])
    .select('m.matched_on as member_keys')
    .where('g.status', '=', 'open');
  if (leadIds) {
    query = query.where('g.id', 'in', (eb) =>
      eb.selectFrom('duplicate_group_members as x').select('x.group_id').where('x.lead_id', 'in', leadIds),
    );
  }
  const rows = await query.orderBy('g.id').execute();
  const groups = new Map<string, StoredGroup>();
  for (const row of rows) {
    let group = groups.get(row.id);
    if (!group) {
      group = {
        id: row.id,
        status: row.status,
        confidence: Number(row.confidence),
        matchedOn: row.matched_on as MatchKey[],
        origin: row.origin,
        updatedAt: new Date(row.updated_at),
        members: [],
      };
      groups.set(row.id, group);
    }
    group.members.push({ leadId: row.lead_id, matchedOn: row.member_keys as MatchKey[] });
  }
  return [...groups.values()];
}

export async function insertGroup(
  trx: Tx,
  row: {
    companyId: string;
    id: string;
    confidence: number;
    matchedOn: MatchKey[];
    origin: 'create' | 'scan';
    members: GroupMember[];
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto('duplicate_groups')
    .values({
      company_id: row.companyId,
      id: row.id,
      status: 'open',
      confidence: row.confidence,
      matched_on: row.matchedOn,
      origin: row.origin,
      created_at: row.now,
      updated_at: row.now,
    })
    .execute();
  await upsertMembers(trx, row.companyId, row.id, row.members);
}

/** Adds members, or widens the keys of ones already there. */
export async function upsertMembers(trx: Tx, companyId: string, groupId: string, members: GroupMember[]) {
  if (members.length === 0) return;
  await trx
    .insertInto('duplicate_group_members')
    .values(
      members.map((m) => ({ company_id: companyId, group_id: groupId, lead_id: m.leadId, matched_on: m.matchedOn })),
    )
    .onConflict((oc) =>
      oc.columns(['company_id', 'group_id', 'lead_id']).doUpdateSet({
        matched_on: sql`ARRAY(SELECT DISTINCT k FROM unnest(duplicate_group_members.matched_on || excluded.matched_on) k ORDER BY k)`,
      }),
    )
    .execute();
}

/** Replaces a group's members and what it matched on (a scan found it again, maybe grown or shrunk). */
export async function replaceGroup(
  trx: Tx,
  companyId: string,
  group: { id: string; confidence: number; matchedOn: MatchKey[]; members: GroupMember[] },
  now: Date,
): Promise<void> {
  await trx
    .updateTable('duplicate_groups')
    .set({ confidence: group.confidence, matched_on: group.matchedOn, updated_at: now })
    .where('id', '=', group.id)
    .execute();
  await trx
    .deleteFrom('duplicate_group_members')
    .where('group_id', '=', group.id)
    .where(
      'lead_id',
      'not in',
      group.members.map((m) => m.leadId),
    )
    .execute();
  await trx
    .insertInto('duplicate_group_members')
    .values(
      group.members.map((m) => ({
        company_id: companyId,
        group_id: group.id,
        lead_id: m.leadId,
        matched_on: m.matchedOn,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['company_id', 'group_id', 'lead_id']).doUpdateSet({ matched_on: sql`excluded.matched_on` }),
    )
    .execute();
}

export async function setGroupStatus(
  trx: Tx,
  ids: string[],
  status: 'merged' | 'dismissed',
  by: string | null,
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('duplicate_groups')
    .set({ status, resolved_at: now, resolved_by: by, updated_at: now })
    .where('id', 'in', ids)
    .execute();
}

export async function deleteGroups(trx: Tx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('duplicate_groups').where('id', 'in', ids).execute();
}

/** Of `leadIds`, those merged into another lead. */
export async function mergedAway(trx: Tx, leadIds: string[]): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('leads')
    .select('id')
    .where('id', 'in', leadIds)
    .where('merged_into', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Every pair among `leadIds`, ordered as the table keeps them, recorded as not duplicates. */
export async function insertDismissals(
  trx: Tx,
  companyId: string,
  leadIds: string[],
  groupId: string,
  by: string | null,
  now: Date,
): Promise<void> {
  const sorted = [...leadIds].sort();
  const rows = sorted.flatMap((a, i) =>
    sorted.slice(i + 1).map((b) => ({
      company_id: companyId,
      lead_a: a,
      lead_b: b,
      group_id: groupId,
      by_user_id: by,
      at: now,
    })),
  );
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('duplicate_dismissals')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Of `candidates`, the leads dismissed as not duplicates of `leadId`. */
export async function dismissedWith(trx: Tx, leadId: string, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = await trx
    .selectFrom('duplicate_dismissals')
    .select(['lead_a', 'lead_b'])
    .where((eb) =>
      eb.or([
        eb.and([eb('lead_a', '=', leadId), eb('lead_b', 'in', candidates)]),
        eb.and([eb('lead_b', '=', leadId), eb('lead_a', 'in', candidates)]),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => (r.lead_a === leadId ? r.lead_b : r.lead_a)));
}
