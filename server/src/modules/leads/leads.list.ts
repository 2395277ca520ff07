import { type SqlBool, sql } from 'kysely';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { fieldAccessFor } from './lead-fields.ts';
import { toLead } from './leads.dto.ts';
import { leadsQuery } from './leads.repository.ts';
import { leadVisibleTo } from './leads.visibility.ts';

export interface ListLeadsInput {
  q?: string | undefined;
  stage?: string | undefined;
  ownerId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const csv = (value: string | undefined) =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean) ?? [];

/** Leads the caller may see, newest change first, one keyset page at a time. */
export async function listLeads(deps: Deps, ctx: RequestContext, input: ListLeadsInput) {
  const after = decodeCursor(input.cursor, ['string', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    let query = leadsQuery(trx).select(sql<string>`l.updated_at::text`.as('sort_key')).where(leadVisibleTo(ctx.actor));
    const stages = csv(input.stage);
    if (stages.length > 0) query = query.where('l.stage', 'in', stages);
    const owners = csv(input.ownerId);
    if (owners.length > 0) {
      const ids = owners.filter((o) => o !== 'none');
      query = query.where((eb) =>
        eb.or([
          ...(ids.length > 0 ? [eb('l.owner_id', 'in', ids)] : []),
          ...(owners.includes('none') ? [eb('l.owner_id', 'is', null)] : []),
        ]),
      );
    }
    const q = input.q?.trim().toLowerCase();
    if (q) {
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where('l.search_text', 'like', pattern);
    }
    if (after) {
      query = query.where(
        sql<SqlBool>`(l.updated_at, l.id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`,
      );
    }
    const rows = await query
      .orderBy('l.updated_at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(input.limit + 1)
      .execute();
    const access = await fieldAccessFor(trx, ctx.actor.role);
    const page = toPage(rows, input.limit, (r) => [r.sort_key, r.id]);
    return { data: page.data.map((r) => toLead(r, access)), nextCursor: page.nextCursor };
  });
}
