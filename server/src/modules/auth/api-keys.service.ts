import { keptScope } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import { randomToken, safeEqual, sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Role } from '../users/index.ts';
import { composeToken, parseToken } from './tokens.ts';

const KEY_PREFIX = 'ipk_';
/** Writing last_used_at on every call would turn each read into a write; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60_000;
/** composeToken writes the company id and the row id as 43 base64url characters before the secret. */
const TOKEN_IDS_LENGTH = 43;

/** Keys belong to integration and dev users; an admin oversees (lists and revokes) every key of the company. */
const KEY_HOLDERS: readonly Role[] = ['INTEGRATION', 'DEV'];

function toApiKey(row: {
  id: string;
  name: string;
  prefix: string;
  user_id: string;
  user_name: string;
  scopes: string[];
  created_at: Date | string;
  last_used_at: Date | string | null;
}) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    userName: row.user_name,
    scopes: row.scopes,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  };
}

/** Only an admin grants a scope: a key's user must not widen its own reach. */
function assertMayGrant(actor: Actor, scopes: string[]) {
  if (scopes.length > 0 && actor.role !== 'ADMIN') {
    throw new AppError('forbidden', 'Only an admin grants a scope to an API key', {
      errors: [{ path: 'scopes', message: 'may be granted by an admin only' }],
    });
  }
}

/**
 * `scopes` widen what a key reads beyond its user's role: `leads:read-all` lets an integration read every lead
 * (never change more of them). Only an admin grants one, with setApiKeyScopes.
 */
export async function createApiKey(deps: Deps, ctx: RequestContext, name: string, scopes: string[] = []) {
  const { actor } = ctx;
  if (!KEY_HOLDERS.includes(actor.role)) {
    throw new AppError(
      'forbidden',
      'API keys belong to integration and dev users; create one while signed in as such a user',
    );
  }
  assertMayGrant(actor, scopes);
  if (!name.trim()) throw fieldError('validation_failed', 'name', 'must not be blank');
  const id = newId();
  const key = composeToken(KEY_PREFIX, actor.companyId, id, randomToken(32));
  // The key opens with its company's id and then its own: only a prefix reaching through the key's own id
  // tells two keys of one company apart. It stops before the secret.
  const prefix = key.slice(0, KEY_PREFIX.length + TOKEN_IDS_LENGTH);
  const row = await withTenant(deps.db, actor.companyId, async (trx) => {
    const inserted = await trx
      .insertInto('api_keys')
      .values({
        company_id: actor.companyId,
        id,
        user_id: actor.userId,
        name: name.trim(),
        prefix,
        key_hash: sha256(key),
        scopes: [...new Set(scopes)],
      })
      .returning(['id', 'name', 'prefix', 'user_id', 'scopes', 'created_at', 'last_used_at'])
      .executeTakeFirstOrThrow()
      .then((row) => ({ ...row, user_name: actor.name }));
    await recordAudit(trx, ctx, {
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: id,
      after: { name: inserted.name, prefix, scopes: inserted.scopes },
    });
    return inserted;
  });
  return { ...toApiKey(row), key };
}

/** Keys with their user's name, as the list and a changed key are answered. */
function keysQuery(trx: Tx) {
  return trx
    .selectFrom('api_keys as k')
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 'k.company_id').onRef('u.id', '=', 'k.user_id'))
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.user_id',
      'u.name as user_name',
      'k.scopes',
      'k.created_at',
      'k.last_used_at',
    ]);
}

export async function listApiKeys(deps: Deps, ctx: RequestContext) {
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) => {
    let query = keysQuery(trx).where('k.revoked_at', 'is', null);
    // An admin sees every key of the company; anyone else its own (the policy of kept records).
    const owner = keptScope(ctx.actor);
    if (owner !== null) query = query.where('k.user_id', '=', owner);
    return query.orderBy('k.id', 'desc').execute();
  });
  return { data: rows.map(toApiKey) };
}

/** An admin sets the scopes of any key of the company (granting or withdrawing `leads:read-all`). */
export async function setApiKeyScopes(deps: Deps, ctx: RequestContext, id: string, scopes: string[]) {
  if (ctx.actor.role !== 'ADMIN') {
    throw new AppError('forbidden', 'Only an admin grants or withdraws the scopes of an API key');
  }
  const next = [...new Set(scopes)].sort();
  const row = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await trx
      .selectFrom('api_keys')
      .select(['id', 'scopes'])
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return null;
    await trx.updateTable('api_keys').set({ scopes: next }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, {
      action: 'api_key.scopes_changed',
      entityType: 'api_key',
      entityId: id,
      before: { scopes: before.scopes },
      after: { scopes: next },
    });
    return keysQuery(trx).where('k.id', '=', id).executeTakeFirstOrThrow();
  });
  if (!row) throw notFound('API key');
  return toApiKey(row);
}

export async function revokeApiKey(deps: Deps, ctx: RequestContext, id: string) {
  const done = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    let query = trx
      .updateTable('api_keys')
      .set({ revoked_at: deps.clock.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null);
    const owner = keptScope(ctx.actor);
    if (owner !== null) query = query.where('user_id', '=', owner);
    const result = await query.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await recordAudit(trx, ctx, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
    return true;
  });
  if (!done) throw notFound('API key');
}

/** An API key acts as its user, for as long as the key is not revoked and the user is active. */
export async function authenticateApiKey(deps: Deps, key: string): Promise<Actor> {
  const parsed = parseToken(KEY_PREFIX, key);
  if (!parsed) throw new AppError('invalid_token');
  const now = deps.clock.now();
  const row = await withTenant(deps.db, parsed.companyId, async (trx) => {
    const found = await trx
      .selectFrom('api_keys as k')
      .innerJoin('users as u', (join) =>
        join.onRef('u.company_id', '=', 'k.company_id').onRef('u.id', '=', 'k.user_id'),
      )
      .select([
        'k.id',
        'k.key_hash',
        'k.revoked_at',
        'k.expires_at',
        'k.last_used_at',
        'u.id as user_id',
        'u.name',
        'u.email',
        'u.role',
        'u.manager_id',
        'u.active',
      ])
      .where('k.id', '=', parsed.id)
      .executeTakeFirst();
    if (!found || !usable(found, key, now)) return null;
    // Only a use that authenticates counts: a wrong or refused key must not move the real key's last use.
    if (!found.last_used_at || now.getTime() - new Date(found.last_used_at).getTime() > TOUCH_INTERVAL_MS) {
      await trx.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', found.id).execute();
    }
    return found;
  });
  if (!row) throw new AppError('invalid_token');
  return {
    userId: row.user_id,
    companyId: parsed.companyId,
    role: row.role as Role,
    name: row.name,
    email: row.email,
    managerId: row.manager_id,
    sessionId: null,
    apiKeyId: row.id,
  };
}

/** Whether a found key row may authenticate: matching secret, not revoked or expired, an active INTEGRATION or DEV user. */
function usable(
  row: {
    key_hash: string;
    revoked_at: Date | string | null;
    expires_at: Date | string | null;
    active: boolean;
    role: string;
  },
  key: string,
  now: Date,
): boolean {
  if (!safeEqual(row.key_hash, sha256(key)) || row.revoked_at || !row.active) return false;
  if (row.expires_at && new Date(row.expires_at) <= now) return false;
  return row.role === 'INTEGRATION' || row.role === 'DEV';
}
