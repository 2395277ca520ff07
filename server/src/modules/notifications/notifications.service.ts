import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './notifications.repository.ts';

/** Adds a notification for a user, in the caller's transaction. */
export async function notify(
  trx: Tx,
  input: {
    companyId: string;
    userId: string;
    kind: string;
    title: string;
    body?: string | null;
    leadId?: string | null;
    now: Date;
  },
): Promise<void> {
  await repo.insertNotification(trx, {
    company_id: input.companyId,
    id: newId(),
    user_id: input.userId,
    kind: input.kind,
    title: input.title,
    body: input.body ?? null,
    lead_id: input.leadId ?? null,
    created_at: input.now,
  });
}

function toNotification(row: repo.NotificationRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    leadId: row.lead_id,
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
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
    return toNotification(row);
  });
}

export async function markAllRead(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    updated: await repo.markAllRead(trx, ctx.actor.userId, deps.clock.now()),
  }));
}
