import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { toNotification } from './notifications.dto.ts';
import { announce } from './notifications.live.ts';
import * as repo from './notifications.repository.ts';

/**
 * Adds a notification for a user, in the caller's transaction; once it commits, the user's live streams (in
 * every process) receive it.
 */
export async function notify(
  trx: Tx,
  input: {
    companyId: string;
    userId: string;
    kind: string;
    title: string;
    body?: string | null;
    leadId?: string | null;
    /** The moment it speaks of (a due time): each reader sees it in its own zone. */
    at?: Date | null;
    now: Date;
  },
): Promise<void> {
  const id = newId();
  await repo.insertNotification(trx, {
    company_id: input.companyId,
    id,
    user_id: input.userId,
    kind: input.kind,
    title: input.title,
    body: input.body ?? null,
    lead_id: input.leadId ?? null,
    at: input.at ?? null,
    created_at: input.now,
  });
  await announce(trx, input.companyId, input.userId, id);
}

export async function listNotifications(
  deps: Deps,
  ctx: RequestContext,
  query: { unread?: boolean | undefined; cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(query.cursor, ['uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const [rows, unreadCount] = await Promise.all([
      repo.listNotifications(trx, ctx.actor.userId, {
        unread: query.unread === true,
        before: after ? String(after[0]) : null,
        limit: query.limit,
      }),
      repo.unreadCount(trx, ctx.actor.userId),
    ]);
    const page = toPage(rows, query.limit, (r) => [r.id]);
    return { data: page.data.map(toNotification), nextCursor: page.nextCursor, unreadCount };
  });
}

/**
 * Read marks are the reader's own inbox state, not a change to the company's records: they are not audited.
 */
export async function markRead(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.markRead(trx, ctx.actor.userId, id, deps.clock.now());
    if (!row) throw notFound('notification');
    await announce(trx, ctx.actor.companyId, ctx.actor.userId, null);
    return toNotification(row);
  });
}

export async function markAllRead(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const updated = await repo.markAllRead(trx, ctx.actor.userId, deps.clock.now());
    if (updated > 0) await announce(trx, ctx.actor.companyId, ctx.actor.userId, null);
    return { updated };
  });
}

export async function unreadCountOf(deps: Deps, ctx: RequestContext): Promise<number> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => repo.unreadCount(trx, ctx.actor.userId));
}
