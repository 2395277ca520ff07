import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { type CreateAnswer, createAnswer, type OnDuplicate } from '../duplicates/index.ts';

import type { CreateLeadInput } from './leads.schemas.ts';
import { createLeadOrMatchInTx } from './leads.service.ts';
import { channelOf, loadWriteContext } from './leads.write-context.ts';

/**
 * Idempotent creation: a client that did not hear the answer (timeout, dropped connection) sends the same
 * request again with the same `Idempotency-Key` and gets the first answer instead of a second lead.
 * The key row is written in the transaction that creates the lead, so a failed request leaves no key behind,
 * and its primary key makes a concurrent duplicate wait for the first one and then replay it.
 */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[!-~]{1,200}$',
      description:
        '1 to 200 visible ASCII characters (no spaces). The same key and body within 24 hours answer the first response again (with `Idempotent-Replayed: true`); the same key with another body is a 422.',
    }),
  ),
});

const KEY = /^[\x21-\x7E]{1,200}$/;
/** How long a key holds; an older one is treated as new and overwritten. */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse<T = unknown> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The key from the header, null when none was sent; a malformed one is a 400 naming the header. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !KEY.test(header)) {
    const message = 'must be 1 to 200 visible ASCII characters';
    throw new AppError('validation_failed', `The Idempotency-Key header ${message}`, {
      errors: [{ path: 'Idempotency-Key', message }],
    });
  }
  return header;
}

/** JSON with object keys sorted, so the same content hashes the same however its keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const entries = Object.keys(object)
      .filter((k) => object[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The request's fingerprint: the route it was sent to and its canonical body. */
export function requestHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('hex');
}

/**
 * Runs `work` once per (user, key) inside the caller's transaction and stores its answer there. A key already
 * held (committed by an earlier request, or by a concurrent one we waited for) answers what it stored.
 */
export async function onceForKey<T>(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  request: { key: string; hash: string },
  work: () => Promise<{ status: number; body: T }>,
): Promise<StoredResponse<T>> {
  const now = deps.clock.now();
  const owner = { companyId: ctx.actor.companyId, userId: ctx.actor.userId, key: request.key };
  if (!(await claimKey(trx, owner, request.hash, now))) {
    const stored = await findKey(trx, owner);
    if (!stored) throw new Error('idempotency key vanished while held');
    if (stored.request_hash !== request.hash) {
      throw new AppError(
        'idempotency_mismatch',
        'This Idempotency-Key was first used with a different body; use a new key for a new request',
      );
    }
    return { status: stored.status, body: stored.body as T, replayed: true };
  }
  const result = await work();
  await storeResponse(trx, owner, result);
  return { ...result, replayed: false };
}

interface KeyOwner {
  companyId: string;
  userId: string;
  key: string;
}

/**
 * Takes the key: inserts it, or takes over one older than the TTL. A key inserted by a transaction still
 * running makes this wait for it (primary key); false when the key is held by a committed, fresh request.
 */
async function claimKey(trx: Tx, owner: KeyOwner, hash: string, now: Date): Promise<boolean> {
  const row = await trx
    .insertInto('idempotency_keys')
    .values({
      company_id: owner.companyId,
      user_id: owner.userId,
      key: owner.key,
      request_hash: hash,
      status: 0,
      body: 'null',
      created_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'user_id', 'key'])
        .doUpdateSet((eb) => ({
          request_hash: eb.ref('excluded.request_hash'),
          status: 0,
          body: 'null',
          created_at: eb.ref('excluded.created_at'),
        }))
        .where('idempotency_keys.created_at', '<=', new Date(now.getTime() - KEY_TTL_MS)),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

async function findKey(trx: Tx, owner: KeyOwner) {
  return trx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'body'])
    .where('user_id', '=', owner.userId)
    .where('key', '=', owner.key)
    .executeTakeFirst();
}

async function storeResponse(trx: Tx, owner: KeyOwner, result: { status: number; body: unknown }): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ status: result.status, body: JSON.stringify(result.body) })
    .where('user_id', '=', owner.userId)
    .where('key', '=', owner.key)
    .execute();
}

/** `POST /leads`, honouring an Idempotency-Key when one is sent; a replay answers the first status too. */
export async function createLeadOnce(
  deps: Deps,
  ctx: RequestContext,
  body: CreateLeadInput,
  key: string | null,
  onDuplicate?: OnDuplicate,
): Promise<StoredResponse<CreateAnswer['body']>> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const work = async () => {
      const wctx = await loadWriteContext(trx, ctx);
      const outcome = await createLeadOrMatchInTx(trx, deps, ctx, wctx, body, { channel: channelOf(ctx), onDuplicate });
      return createAnswer(outcome, wctx.input.access);
    };
    if (!key) return { ...(await work()), replayed: false };
    // The same body with another onDuplicate is another request (a key reused for it is a 422).
    const route = onDuplicate ? `POST /leads?onDuplicate=${onDuplicate}` : 'POST /leads';
    return onceForKey(trx, deps, ctx, { key, hash: requestHash(route, body) }, work);
  });
}
