import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, Identity, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { randomToken, safeEqual, sha256 } from '../../lib/crypto.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { toCompany } from '../companies/index.ts';
import { type Role, toUser } from '../users/index.ts';

import { authenticateApiKey } from './api-keys.service.ts';
import * as repo from './auth.repository.ts';
import { decoy, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { composeToken, parseToken } from './tokens.ts';

const REFRESH_PREFIX = 'rt_';
const THROTTLE_WINDOW_SECONDS = 900;

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  userId: string;
  companyId: string;
}

/** The keys an attempt is counted on: its account, and its address with four times the allowance. */
function throttleKeys(deps: Deps, email: string, ip: string): Keys {
  const max = deps.config.loginMaxFailures;
  return {
    account: { key: `account:${email.trim().toLowerCase()}`, maxFailures: max },
    // An address may fail on several accounts (an office behind one NAT): it gets four times the allowance.
    address: { key: `ip:${ip}`, maxFailures: max * 4 },
  };
}

/** A sign-in attempt refused because its account or address is locked: says when to come back. */
export class LoginThrottled extends AppError {
  constructor(retryAfter: number) {
    super('login_throttled', `Too many failed attempts; try again in ${retryAfter} seconds`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

/** How long an attempt waits for others on its account or address to be checked before it is refused. */
const RESERVE_WAIT_MS = 5000;
const RESERVE_RETRY_MS = 50;

type Keys = { account: repo.ThrottleKey; address: repo.ThrottleKey };

/**
 * Reserves the attempt on the account and the address before the password is checked (see reserveAttempt),
 * or throws 429 while either is locked. While the allowance is taken by attempts still being checked, it waits
 * for them: they end as failures (and the lock refuses this one) or as a success (and this one goes ahead).
 * Nothing here depends on whether the account exists.
 */
async function reserveAttempt(deps: Deps, keys: Keys) {
  const started = Date.now();
  for (;;) {
    const now = deps.clock.now();
    const result = await repo.reserveAttempt(deps.db, [keys.account, keys.address], now, THROTTLE_WINDOW_SECONDS);
    if (result.reserved) return;
    if (result.lockedUntil) {
      throw new LoginThrottled(Math.ceil((result.lockedUntil.getTime() - now.getTime()) / 1000));
    }
    if (Date.now() - started > RESERVE_WAIT_MS) throw new LoginThrottled(1);
    await new Promise((resolve) => setTimeout(resolve, RESERVE_RETRY_MS));
  }
}

/** Settles a reserved attempt: a failure counts on both keys; a success clears the account's failures. */
async function settleAttempt(deps: Deps, keys: Keys, ok: boolean) {
  const now = deps.clock.now();
  const lock = deps.config.loginLockSeconds;
  await repo.settleAttempt(deps.db, keys.account, ok ? 'clear' : 'failure', now, lock);
  await repo.settleAttempt(deps.db, keys.address, ok ? 'success' : 'failure', now, lock);
}

/**
 * Records a refused (throttled) attempt in the account's sign-in history, when there is such an account. Run
 * after the 429 has been sent (see afterReply): the reply must not take longer for an account that exists.
 */
export async function recordThrottledLogin(deps: Deps, email: string, client: ClientInfo): Promise<void> {
  const entry = await repo.findDirectoryEntry(deps.db, email);
  if (!entry) return;
  await withTenant(deps.db, entry.company_id, (trx) =>
    repo.recordAuthEvent(trx, {
      companyId: entry.company_id,
      userId: entry.user_id,
      event: 'login',
      outcome: 'failure',
      ip: client.ip,
      userAgent: client.userAgent,
      detail: { reason: 'throttled' },
      at: deps.clock.now(),
    }),
  );
}

async function issueTokens(
  deps: Deps,
  trx: Tx,
  companyId: string,
  userId: string,
  sessionId: string,
): Promise<TokenPair> {
  const now = deps.clock.now();
  const tokenId = newId();
  const refreshToken = composeToken(REFRESH_PREFIX, companyId, tokenId, randomToken(32));
  await repo.insertRefreshToken(trx, { companyId, id: tokenId, sessionId, tokenHash: sha256(refreshToken), now });
  const accessToken = await deps.tokens.sign({ userId, companyId, sessionId }, now);
  return { accessToken, refreshToken, expiresIn: deps.tokens.expiresIn, userId, companyId };
}

/**
 * Signs in. The attempt is counted (and refused while locked) before the account is even looked up, so a
 * throttled reply does the same work whether the account exists; the refused attempt reaches the account's
 * history later, through recordThrottledLogin.
 */
export async function login(deps: Deps, email: string, password: string, client: ClientInfo): Promise<TokenPair> {
  const keys = throttleKeys(deps, email, client.ip);
  await reserveAttempt(deps, keys);
  let result: TokenPair | null = null;
  try {
    result = await checkCredentials(deps, email, password, client);
  } finally {
    await settleAttempt(deps, keys, result !== null);
  }
  if (!result) throw new AppError('invalid_credentials');
  return result;
}

/** The password check of a reserved attempt: a new session and its tokens, or null. */
async function checkCredentials(
  deps: Deps,
  email: string,
  password: string,
  client: ClientInfo,
): Promise<TokenPair | null> {
  const entry = await repo.findDirectoryEntry(deps.db, email);
  if (!entry) {
    await verifyPassword(await decoy(), password);
    return null;
  }
  return withTenant(deps.db, entry.company_id, async (trx) => {
    const user = await repo.findUserForLogin(trx, entry.user_id);
    const now = deps.clock.now();
    const ok = user ? await verifyPassword(user.password_hash, password) : false;
    if (!user || !ok || !user.active) {
      await repo.recordAuthEvent(trx, {
        companyId: entry.company_id,
        userId: entry.user_id,
        event: 'login',
        outcome: 'failure',
        ip: client.ip,
        userAgent: client.userAgent,
        detail: { reason: !ok ? 'wrong_password' : 'inactive' },
        at: now,
      });
      return null;
    }
    const expiresAt = new Date(now.getTime() + deps.config.refreshTokenTtlDays * 86_400_000);
    const sessionId = await repo.insertSession(trx, {
      companyId: entry.company_id,
      userId: user.id,
      ip: client.ip,
      userAgent: client.userAgent,
      expiresAt,
      now,
    });
    await repo.recordAuthEvent(trx, {
      companyId: entry.company_id,
      userId: user.id,
      sessionId,
      event: 'login',
      outcome: 'success',
      ip: client.ip,
      userAgent: client.userAgent,
      at: now,
    });
    return issueTokens(deps, trx, entry.company_id, user.id, sessionId);
  });
}

/** Rotation with reuse detection: a refresh token works once; showing a used one ends its whole login. */
export async function refresh(deps: Deps, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const parsed = parseToken(REFRESH_PREFIX, refreshToken);
  if (!parsed) throw new AppError('invalid_token');
  type Outcome = { error: 'invalid_token' | 'token_reused' } | { pair: TokenPair };
  const outcome = await withTenant(deps.db, parsed.companyId, async (trx): Promise<Outcome> => {
    const now = deps.clock.now();
    const row = await repo.findRefreshTokenForUpdate(trx, parsed.id);
    if (!row || !safeEqual(row.token_hash, sha256(refreshToken))) return { error: 'invalid_token' };
    if (row.used_at) {
      await repo.revokeSession(trx, row.session_id, 'refresh_token_reused', now);
      await deps.sessions.changed(trx, { session: row.session_id });
      await repo.recordAuthEvent(trx, {
        companyId: parsed.companyId,
        userId: row.user_id,
        sessionId: row.session_id,
        event: 'token_reuse',
        outcome: 'failure',
        ip: client.ip,
        userAgent: client.userAgent,
        at: now,
      });
      return { error: 'token_reused' };
    }
    if (row.revoked_at || new Date(row.expires_at) <= now || !row.active) return { error: 'invalid_token' };
    await repo.markRefreshTokenUsed(trx, row.id, now);
    await repo.touchSession(trx, row.session_id, now);
    await repo.recordAuthEvent(trx, {
      companyId: parsed.companyId,
      userId: row.user_id,
      sessionId: row.session_id,
      event: 'refresh',
      outcome: 'success',
      ip: client.ip,
      userAgent: client.userAgent,
      at: now,
    });
    return { pair: await issueTokens(deps, trx, parsed.companyId, row.user_id, row.session_id) };
  });
  if (!('pair' in outcome)) throw new AppError(outcome.error);
  return outcome.pair;
}

export async function logout(deps: Deps, ctx: RequestContext): Promise<void> {
  const { actor } = ctx;
  if (!actor.sessionId) throw new AppError('bad_request', 'API keys have no session to end; revoke the key instead');
  const sessionId = actor.sessionId;
  await withTenant(deps.db, actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await repo.revokeSession(trx, sessionId, 'logout', now);
    await deps.sessions.changed(trx, { session: sessionId });
    await repo.recordAuthEvent(trx, {
      companyId: actor.companyId,
      userId: actor.userId,
      sessionId,
      event: 'logout',
      outcome: 'success',
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      at: now,
    });
  });
}

export async function listSessions(deps: Deps, ctx: RequestContext) {
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    repo.listSessions(trx, ctx.actor.userId, deps.clock.now()),
  );
  return rows.map((s) => ({
    id: s.id,
    createdAt: new Date(s.created_at).toISOString(),
    lastUsedAt: new Date(s.last_used_at).toISOString(),
    expiresAt: new Date(s.expires_at).toISOString(),
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === ctx.actor.sessionId,
  }));
}

export async function revokeOwnSession(deps: Deps, ctx: RequestContext, sessionId: string): Promise<void> {
  const found = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const session = isUuid(sessionId) ? await repo.findSession(trx, sessionId) : undefined;
    if (!session || session.user_id !== ctx.actor.userId || session.revoked_at) return false;
    const now = deps.clock.now();
    await repo.revokeSession(trx, sessionId, 'revoked_by_user', now);
    await deps.sessions.changed(trx, { session: sessionId });
    await repo.recordAuthEvent(trx, {
      companyId: ctx.actor.companyId,
      userId: ctx.actor.userId,
      sessionId,
      event: 'session_revoked',
      outcome: 'success',
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      at: now,
    });
    return true;
  });
  if (!found) throw new AppError('not_found', 'No such session');
}

export async function changePassword(deps: Deps, ctx: RequestContext, current: string, next: string): Promise<void> {
  const problem = passwordProblem(next, 'newPassword');
  if (problem) throw problem;
  if (current === next) {
    throw new AppError('weak_password', 'The new password must differ from the current one', {
      errors: [{ path: 'newPassword', message: 'must differ from the current password' }],
    });
  }
  const { actor } = ctx;
  // Guessing the current password with a stolen token is throttled like guessing it at sign-in.
  const keys = throttleKeys(deps, actor.email, ctx.ip);
  await reserveAttempt(deps, keys);
  let verified = false;
  try {
    verified = await withTenant(deps.db, actor.companyId, async (trx) => {
      const user = await repo.findUserForLogin(trx, actor.userId);
      return user !== undefined && (await verifyPassword(user.password_hash, current));
    });
  } finally {
    await settleAttempt(deps, keys, verified);
  }
  if (!verified) {
    throw new AppError('validation_failed', 'The current password is not correct', {
      errors: [{ path: 'currentPassword', message: 'is not correct' }],
    });
  }
  await withTenant(deps.db, actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await trx
      .updateTable('users')
      .set({ password_hash: await hashPassword(next), password_changed_at: now, updated_at: now })
      .where('id', '=', actor.userId)
      .execute();
    const ended = await repo.revokeUserSessions(
      trx,
      actor.userId,
      'password_changed',
      now,
      actor.sessionId ?? undefined,
    );
    for (const session of ended) await deps.sessions.changed(trx, { session });
    await repo.recordAuthEvent(trx, {
      companyId: actor.companyId,
      userId: actor.userId,
      sessionId: actor.sessionId,
      event: 'password_change',
      outcome: 'success',
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      at: now,
    });
    await recordAudit(trx, ctx, { action: 'user.password_changed', entityType: 'user', entityId: actor.userId });
  });
}

export interface Authenticated {
  actor: Actor;
  /** The caller's user and company as of this request, when the credential lookup already read them. */
  identity: Identity | null;
}

/** Resolves a bearer credential to an actor, or 401. Sessions and users are checked on every request. */
export async function authenticate(deps: Deps, authorization: string | undefined): Promise<Authenticated> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1])
    throw new AppError('unauthenticated', 'Send an access token or API key as "Authorization: Bearer <token>"');
  const token = match[1];
  if (token.startsWith('ipk_')) return { actor: await authenticateApiKey(deps, token), identity: null };
  const now = deps.clock.now();
  const claims = await deps.tokens.verify(token, now);
  const cached = deps.sessions.get(claims.sessionId, now.getTime());
  if (cached && cached.actor.userId === claims.userId && cached.actor.companyId === claims.companyId) return cached;
  const row = await repo.sessionIdentity(deps.db, claims.companyId, claims.userId, claims.sessionId);
  if (!row?.active || row.session_revoked_at || new Date(row.session_expires_at) <= now) {
    throw new AppError('invalid_token');
  }
  const authenticated = {
    actor: {
      userId: row.id,
      companyId: claims.companyId,
      role: row.role as Role,
      name: row.name,
      email: row.email,
      managerId: row.manager_id,
      sessionId: claims.sessionId,
      apiKeyId: null,
    },
    identity: {
      user: toUser(row),
      company: toCompany({
        id: claims.companyId,
        name: row.company_name,
        slug: row.company_slug,
        timezone: row.company_timezone,
        currency: row.company_currency,
        locale: row.company_locale,
        phone_country: row.company_phone_country,
      }),
    },
  };
  deps.sessions.set(
    claims.sessionId,
    authenticated.actor,
    authenticated.identity,
    new Date(row.session_expires_at).getTime(),
    now.getTime(),
  );
  return authenticated;
}
