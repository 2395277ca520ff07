import { Type } from 'typebox';
import { atMicros, olderThan, type TimelineSource } from '../timeline/index.ts';

/** "Deleted by ..." and "Restored by ...": a restored lead's timeline says it spent time in the trash. */
export const trashTimelineSource: TimelineSource = {
  kind: 'trash',
  schema: Type.Object({
    action: Type.Union([Type.Literal('deleted'), Type.Literal('restored')]),
  }),
  async load(trx, q) {
    let query = trx
      .selectFrom('audit_log as a')
      .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'a.company_id').onRef('u.id', '=', 'a.actor_user_id'))
      .select(['a.id', 'a.action', 'a.actor_user_id', 'u.name as actor_name'])
      .select(atMicros('a.at').as('at_us'))
      .where('a.entity_type', '=', 'lead')
      .where('a.entity_id', '=', q.lead.id)
      .where('a.action', 'in', ['lead.deleted', 'lead.restored']);
    if (q.before) query = query.where(olderThan('a.at', 'a.id', q.before));
    const rows = await query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'trash',
      actor: r.actor_user_id ? { id: r.actor_user_id, name: r.actor_name ?? '' } : null,
      data: { action: r.action === 'lead.deleted' ? 'deleted' : 'restored' },
    }));
  },
};
