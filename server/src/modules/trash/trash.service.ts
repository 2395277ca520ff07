import type { Static } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, encodeCursor } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { looksLikePhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/index.ts';
import { lockForWrite } from '../leads/commands.ts';
import {
  type FieldAccess,
  fieldAccessFor,
  findLead,
  findVisibleLead,
  leadVisibleTo,
  parseSearch,
  searchCondition,
  toLead,
} from '../leads/index.ts';

import * as repo from './trash.repository.ts';
import type { TrashedLead } from './trash.schemas.ts';

/** How long a deleted lead waits in the trash: ADMIN restores it until then, the daily purge removes it after. */
export const TRASH_DAYS = 30;
const DAY_MS = 86_400_000;

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Moves a lead the caller may see to the trash, in the caller's transaction: the version is bumped (a stale
 * `version`/If-Match answers 409) and the audit row `lead.deleted` is written with it. Bulk delete calls this
 * for each item.
 */
export async function trashLeadInTx(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  id: string,
  claim: { version?: number | undefined; ifMatch?: string | undefined } = {},
): Promise<void> {
  const before = await lockForWrite(trx, ctx, id, { version: claim.version, ifMatch: claim.ifMatch, required: false });
  const now = deps.clock.now();
  if (!(await repo.markDeleted(trx, id, before.version, ctx.actor.userId, now))) throw notFound('lead');
  await recordAudit(trx, ctx, {
    action: 'lead.deleted',
    entityType: 'lead',
    entityId: id,
    before: { deletedAt: null, name: before.name },
    after: { deletedAt: now.toISOString(), deletedBy: ctx.actor.userId, name: before.name },
    at: now,
  });
}

export async function trashLead(deps: Deps, ctx: RequestContext, id: string, ifMatch: string | undefined) {
  await withTenant(deps.db, ctx.actor.companyId, (trx) => trashLeadInTx(trx, deps, ctx, id, { ifMatch }));
}

export function purgeDate(deletedAt: Date | string): Date {
  return new Date(new Date(deletedAt).getTime() + TRASH_DAYS * DAY_MS);
}

function toTrashed(row: Awaited<ReturnType<typeof repo.listTrashed>>[number], access: FieldAccess, now: Date) {
  const purgeAt = purgeDate(row.deleted_at as Date);
  return {
    ...toLead(row, access),
    editable: [],
    deletedAt: iso(row.deleted_at as Date),
    deletedBy: row.deleted_by,
    deletedByName: row.deleted_by_name,
    purgeAt: purgeAt.toISOString(),
    daysLeft: Math.max(0, Math.ceil((purgeAt.getTime() - now.getTime()) / DAY_MS)),
  } as unknown as Static<typeof TrashedLead>;
}

/** The trash, newest deletion first, searchable like the list; what a restore can still bring back. */
export async function listTrash(
  deps: Deps,
  ctx: RequestContext,
  query: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await fieldAccessFor(trx, ctx.actor.role);
    const country = query.q && looksLikePhone(query.q) ? await repo.phoneCountry(trx) : '';
    const search = parseSearch(query.q, access, () => country);
    const rows = await repo.listTrashed(trx, {
      visible: leadVisibleTo(ctx.actor),
      search: search ? searchCondition(search, 'exact') : null,
      after: after ? { at: String(after[0]), id: String(after[1]) } : null,
      limit: query.limit,
    });
    const data = rows.slice(0, query.limit);
    const last = data.at(-1);
    const now = deps.clock.now();
    return {
      data: data.map((row) => toTrashed(row, access, now)),
      nextCursor: rows.length > query.limit && last ? encodeCursor([iso(last.deleted_at as Date), last.id]) : null,
    };
  });
}

/**
 * Brings a trashed lead back, within TRASH_DAYS of its deletion by the app clock: 404 when the caller cannot
 * see it (or it was purged), 409 when it is not in the trash (live, or merged away: undo the merge instead),
 * 410 once the restore window has passed.
 */
export async function restoreLead(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await findVisibleLead(trx, ctx.actor, id, { lock: true, includeDead: true });
    const state = row ? await repo.lifecycleOf(trx, id) : undefined;
    if (!row || !state) throw notFound('lead');
    if (state.deleted_at === null || state.merged_into !== null) {
      throw new AppError(
        'not_in_trash',
        state.merged_into ? 'The lead was merged into another lead; undo the merge instead' : 'The lead is not deleted',
      );
    }
    const now = deps.clock.now();
    const purgeAt = purgeDate(state.deleted_at);
    if (now.getTime() >= purgeAt.getTime()) {
      throw new AppError(
        'restore_expired',
        `The lead was deleted on ${iso(state.deleted_at)}; it could be restored until ${purgeAt.toISOString()}`,
        { extra: { deletedAt: iso(state.deleted_at), purgeAt: purgeAt.toISOString() } },
      );
    }
    await repo.markRestored(trx, id, now);
    await recordAudit(trx, ctx, {
      action: 'lead.restored',
      entityType: 'lead',
      entityId: id,
      before: { deletedAt: iso(state.deleted_at), deletedBy: state.deleted_by, name: row.name },
      after: { deletedAt: null, deletedBy: null, name: row.name },
      at: now,
    });
    const restored = await findLead(trx, id);
    if (!restored) throw notFound('lead');
    return toLead(restored, await fieldAccessFor(trx, ctx.actor.role));
  });
}
