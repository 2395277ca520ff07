import { withTenant } from '../../db/client.ts';
import { decodeCursor, encodeCursor } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { can, roleMatrix } from '../users/index.ts';
import * as repo from './activity-log.repository.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * A user's sign-in history: its own, or that of someone below the caller in the reporting tree (its
 * managers up the tree), or anyone's for an admin. Someone out of reach answers 404, like every other id.
 */
export async function loginHistory(
  deps: Deps,
  ctx: RequestContext,
  userId: string,
  query: { outcome?: 'success' | 'failure' | undefined; cursor?: string | undefined; limit: number },
) {
  const self = userId === ctx.actor.userId;
  if (!self && !can(ctx.actor.role, 'users:activity')) {
    throw new AppError('forbidden', `Your role (${ctx.actor.role}) may see only its own sign-ins`);
  }
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const everyone = roleMatrix[ctx.actor.role].userScope === 'all';
    const reachable = self
      ? true
      : everyone
        ? await repo.userExists(trx, userId)
        : await repo.isInSubtreeOf(trx, ctx.actor.userId, userId);
    if (!reachable) throw notFound('user');
    const rows = await repo.loginHistory(trx, userId, {
      ...(query.outcome ? { outcome: query.outcome } : {}),
      before: after ? { at: String(after[0]), id: String(after[1]) } : null,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        event: r.event,
        outcome: r.outcome,
        reason: (r.detail as { reason?: string } | null)?.reason ?? null,
        ip: r.ip,
        userAgent: r.user_agent,
        sessionId: r.session_id,
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor([new Date(last.at).toISOString(), last.id]) : null,
    };
  });
}

/**
 * Who is active: the users a manager oversees (an admin: everyone), with when each was last seen and its
 * live sessions. "Active now" means a session used within the access token's lifetime and five minutes: the
 * web app renews its token about that often while it is open.
 */
export async function whoIsActive(deps: Deps, ctx: RequestContext) {
  const now = deps.clock.now();
  const recentSince = new Date(now.getTime() - (deps.config.accessTokenTtlSeconds + 300) * 1000);
  const everyone = roleMatrix[ctx.actor.role].userScope === 'all';
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.whoIsActive(trx, { rootId: everyone ? null : ctx.actor.userId }, now, recentSince);
    const data = rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      role: r.role,
      managerId: r.manager_id,
      activeNow: r.recent_sessions > 0,
      activeSessions: r.live_sessions,
      lastSeenAt: iso(r.last_seen_at),
      lastLoginAt: iso(r.last_login_at),
    }));
    data.sort(
      (a, b) => Number(b.activeNow) - Number(a.activeNow) || (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? ''),
    );
    return { asOf: now.toISOString(), activeNow: data.filter((u) => u.activeNow).length, data };
  });
}
