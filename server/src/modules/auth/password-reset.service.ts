import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import type { RateLimiter } from '../../http/rate-limit.ts';
import { randomToken, safeEqual, sha256 } from '../../lib/crypto.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findCompany } from '../companies/index.ts';
import { loadServer, messageIdFor, sendMail } from '../email/index.ts';

import type { Role } from '../users/index.ts';
import * as authRepo from './auth.repository.ts';
import type { ClientInfo } from './auth.service.ts';
import * as repo from './password-reset.repository.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { composeToken, parseToken } from './tokens.ts';

const RESET_PREFIX = 'prt_';
/** A reset link works once, for 30 minutes (OWASP Forgot Password Cheat Sheet). */
export const RESET_TTL_SECONDS = 30 * 60;

const invalidToken = () => fieldError('validation_failed', 'token', 'is invalid, used or expired; ask for a new link');

function linkFor(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
}

/** A new reset for the user, replacing any still open; returns the token, which is stored only as its hash. */
async function issueReset(
  trx: Tx,
  deps: Deps,
  input: { companyId: string; userId: string; issuedBy: string | null; ip: string | null },
) {
  const now = deps.clock.now();
  const id = newId();
  const token = composeToken(RESET_PREFIX, input.companyId, id, randomToken(32));
  const expiresAt = new Date(now.getTime() + RESET_TTL_SECONDS * 1000);
  await repo.closeOpenResets(trx, input.userId, now);
  await repo.insertReset(trx, { ...input, id, tokenHash: sha256(token), now, expiresAt });
  return { id, token, expiresAt };
}

/** The user as the actor of what it does through a reset link (it holds no session then). */
function selfContext(
  companyId: string,
  user: { user_id: string; email: string; name: string; role: string; manager_id: string | null },
  client: ClientInfo,
  requestId: string,
): RequestContext {
  const actor: Actor = {
    userId: user.user_id,
    companyId,
    role: user.role as Role,
    name: user.name,
    email: user.email,
    managerId: user.manager_id,
    sessionId: null,
    apiKeyId: null,
  };
  return { actor, requestId, ip: client.ip, userAgent: client.userAgent };
}

/**
 * "Forgot password": when the email is an active account (of `companySlug`, when given) whose company has an
 * outgoing email server, emails it a reset link. The caller has already answered 202 whatever happens here
 * (see afterReply), so nothing of this reaches the requester: neither whether the account exists nor how
 * long the work took. At most `perAccount` requests an account are acted on per window; the rest are dropped.
 */
export async function requestPasswordReset(
  deps: Deps,
  input: { email: string; companySlug?: string | undefined },
  client: ClientInfo,
  perAccount: RateLimiter,
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  try {
    await perAccount.take(`account:${email}`);
  } catch {
    return;
  }
  const entry = await authRepo.findDirectoryEntry(deps.db, email);
  if (!entry) return;
  const companyId = entry.company_id;
  const baseUrl = deps.config.publicUrl;
  const prepared = await withTenant(deps.db, companyId, async (trx) => {
    const user = await repo.findResetUser(trx, entry.user_id);
    const company = await findCompany(trx, companyId);
    if (!user?.active || !company) return null;
    if (input.companySlug !== undefined && input.companySlug !== company.slug) return null;
    const now = deps.clock.now();
    const event = (outcome: 'success' | 'failure', detail: Record<string, unknown>) =>
      authRepo.recordAuthEvent(trx, {
        companyId,
        userId: user.id,
        event: 'password_reset_requested',
        outcome,
        ip: client.ip,
        userAgent: client.userAgent,
        detail,
        at: now,
      });
    const loaded = await loadServer(trx, deps, companyId);
    // Without a server, or without the public address to link to (never taken from the request's Host, which
    // the requester controls), no email can carry a link: an admin issues one instead.
    if (!loaded || !baseUrl) {
      await event('failure', { reason: loaded ? 'public_url_not_set' : 'email_not_configured' });
      return null;
    }
    const reset = await issueReset(trx, deps, { companyId, userId: user.id, issuedBy: null, ip: client.ip });
    await event('success', { delivery: 'email' });
    return { user, loaded, reset, companyName: company.name };
  });
  if (!prepared) return;
  const { user, loaded, reset, companyName } = prepared;
  const link = linkFor(baseUrl ?? '', reset.token);
  await sendMail(loaded.server, {
    from: { name: loaded.settings.from_name, address: loaded.settings.from_address },
    replyTo: null,
    to: [user.email],
    cc: [],
    bcc: [],
    subject: 'Reset your iPerform password',
    text: [
      `Hello ${user.name},`,
      '',
      `Someone (we hope you) asked to reset your password for ${companyName} on iPerform.`,
      `Open this link within ${RESET_TTL_SECONDS / 60} minutes to choose a new one; it works once:`,
      '',
      link,
      '',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
    html: null,
    messageId: messageIdFor(reset.id, loaded.settings.from_address),
  });
}

/**
 * An admin issues a reset link for a user of the company and hands it over (when no email server is set up,
 * or the user cannot read their mail). A user the admin cannot see, or of another company, is a 404.
 */
export async function issueResetLink(deps: Deps, ctx: RequestContext, userId: string, baseUrl: string) {
  const { actor } = ctx;
  const reset = await withTenant(deps.db, actor.companyId, async (trx) => {
    const user = isUuid(userId) ? await repo.findResetUser(trx, userId) : undefined;
    if (!user) return null;
    if (!user.active) {
      throw new AppError('unprocessable', 'The user is deactivated: reactivate them before issuing a reset link');
    }
    const issued = await issueReset(trx, deps, {
      companyId: actor.companyId,
      userId: user.id,
      issuedBy: actor.userId,
      ip: ctx.ip,
    });
    await authRepo.recordAuthEvent(trx, {
      companyId: actor.companyId,
      userId: user.id,
      event: 'password_reset_requested',
      outcome: 'success',
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      detail: { delivery: 'link', issuedBy: actor.userId },
      at: deps.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'user.password_reset_link_issued',
      entityType: 'user',
      entityId: user.id,
      after: { expiresAt: issued.expiresAt.toISOString() },
    });
    return issued;
  });
  if (!reset) throw notFound('user');
  return { link: linkFor(baseUrl, reset.token), expiresAt: reset.expiresAt.toISOString() };
}

/**
 * Sets a new password with a reset token: the token works once and before it expires, the password follows
 * the same rules as a change, every session of the user ends, and failed sign-ins of the account are forgotten.
 */
export async function confirmPasswordReset(
  deps: Deps,
  token: string,
  password: string,
  client: ClientInfo,
  requestId: string,
): Promise<void> {
  const problem = passwordProblem(password, 'password');
  if (problem) throw problem;
  const parsed = parseToken(RESET_PREFIX, token);
  if (!parsed) throw invalidToken();
  const passwordHash = await hashPassword(password);
  const email = await withTenant(deps.db, parsed.companyId, async (trx) => {
    const now = deps.clock.now();
    const row = await repo.findResetForUpdate(trx, parsed.id);
    if (!row || !safeEqual(row.token_hash, sha256(token))) return null;
    if (row.used_at || new Date(row.expires_at) <= now || !row.active) return null;
    await repo.setPassword(trx, row.user_id, passwordHash, now);
    await repo.closeOpenResets(trx, row.user_id, now);
    const ended = await authRepo.revokeUserSessions(trx, row.user_id, 'password_reset', now);
    for (const session of ended) await deps.sessions.changed(trx, { session });
    await authRepo.recordAuthEvent(trx, {
      companyId: parsed.companyId,
      userId: row.user_id,
      event: 'password_reset',
      outcome: 'success',
      ip: client.ip,
      userAgent: client.userAgent,
      detail: { sessionsEnded: ended.length },
      at: now,
    });
    await recordAudit(trx, selfContext(parsed.companyId, row, client, requestId), {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: row.user_id,
    });
    return row.email;
  });
  if (email === null) throw invalidToken();
  await authRepo.clearFailures(deps.db, `account:${email.trim().toLowerCase()}`);
}
