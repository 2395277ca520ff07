import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Tx } from '../../db/client.ts';
import { atMicros, type Cursor, olderThan, type TimelineEntry, type TimelineSource } from '../timeline/index.ts';

import { mergedNames } from './merges.repository.ts';

const Uuid = Type.String({ format: 'uuid' });
const LeadRef = Type.Object({ id: Uuid, name: Type.String() });

const payload = {
  mergeId: Uuid,
  role: Type.String({ description: 'survivor: the others were merged into this lead; merged: this lead was' }),
  survivor: LeadRef,
  merged: Type.Array(LeadRef),
};

/** The merges a lead took part in, as survivor or merged, by when they were made or undone. */
async function mergesOf(trx: Tx, leadId: string, event: 'made' | 'undone', before: Cursor | null, limit: number) {
  const at = event === 'made' ? 'm.at' : 'm.undone_at';
  const id = event === 'made' ? 'm.id' : 'm.undo_id';
  let query = trx
    .selectFrom('lead_merges as m')
    .innerJoin('leads as s', (j) => j.onRef('s.company_id', '=', 'm.company_id').onRef('s.id', '=', 'm.survivor_id'))
    .leftJoin('users as u', (j) =>
      j
        .onRef('u.company_id', '=', 'm.company_id')
        .onRef('u.id', '=', event === 'made' ? 'm.by_user_id' : 'm.undone_by'),
    )
    .select([
      'm.id as merge_id',
      'm.undo_id',
      'm.survivor_id',
      's.name as survivor_name',
      'm.undone_at',
      'u.id as actor_id',
      'u.name as actor_name',
    ])
    .select(atMicros(at).as('at_us'))
    .select(mergedNames.as('merged'))
    .where((eb) =>
      eb.or([eb('m.survivor_id', '=', leadId), eb(sql<boolean>`m.merged_ids @> ARRAY[${leadId}]::uuid[]`, '=', true)]),
    );
  if (event === 'undone') query = query.where('m.undone_at', 'is not', null);
  if (before) query = query.where(olderThan(at, id, before));
  return query.orderBy(at, 'desc').orderBy(id, 'desc').limit(limit).execute();
}

type MergeTimelineRow = Awaited<ReturnType<typeof mergesOf>>[number];

function entry(kind: string, leadId: string, r: MergeTimelineRow, id: string): TimelineEntry {
  return {
    id,
    atUs: Number(r.at_us),
    kind,
    actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '' } : null,
    data: {
      mergeId: r.merge_id,
      role: r.survivor_id === leadId ? 'survivor' : 'merged',
      survivor: { id: r.survivor_id, name: r.survivor_name },
      merged: r.merged,
      ...(kind === 'merge' ? { undone: r.undone_at !== null } : {}),
    },
  };
}

/** "Merged X, Y into this lead" on the survivor; "merged into S" on a lead brought back by an undo. */
export const mergeSource: TimelineSource = {
  kind: 'merge',
  schema: Type.Object({ ...payload, undone: Type.Boolean({ description: 'Whether the merge was undone since' }) }),
  async load(trx, q) {
    const rows = await mergesOf(trx, q.lead.id, 'made', q.before, q.limit);
    return rows.map((r) => entry('merge', q.lead.id, r, r.merge_id));
  },
};

export const mergeUndoneSource: TimelineSource = {
  kind: 'merge_undone',
  schema: Type.Object(payload),
  async load(trx, q) {
    const rows = await mergesOf(trx, q.lead.id, 'undone', q.before, q.limit);
    return rows.map((r) => entry('merge_undone', q.lead.id, r, r.undo_id as string));
  },
};
