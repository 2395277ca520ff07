import type { FastifySchemaValidationError } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import type { OnDuplicate } from '../duplicates/duplicates.policy.ts';
import { DuplicateRef } from '../duplicates/duplicates.schemas.ts';
import { onceForKey, requestHash, type StoredResponse } from './leads.idempotency.ts';
import { CreateLeadBody, type CreateLeadInput } from './leads.schemas.ts';
import { createLeadOrMatchInTx, loadWriteContext } from './leads.service.ts';

export const BULK_MAX = 500;

/** What the API documents: a list of lead bodies, each as for `POST /leads`. */
export const BulkCreateBody = Type.Object(
  {
    leads: Type.Array(CreateLeadBody, {
      minItems: 1,
      maxItems: BULK_MAX,
      description: 'Each item is checked and created on its own: one bad item does not stop the others',
    }),
  },
  { additionalProperties: false },
);

/**
 * What the route validates: the envelope only. Items are validated one by one in the service, so a bad item
 * becomes that item's 400 in the results instead of failing the whole call.
 */
const BulkEnvelope = Type.Object(
  { leads: Type.Array(Type.Unknown(), { minItems: 1, maxItems: BULK_MAX }) },
  { additionalProperties: false },
);

/** The bulk route's validator: the loose envelope for the body, the usual compiler for everything else. */
export function bulkValidatorCompiler(input: { schema: object; httpPart?: string }) {
  return validatorCompiler(input.httpPart === 'body' ? { schema: BulkEnvelope, httpPart: 'body' } : input);
}

const validateItem = validatorCompiler({ schema: CreateLeadBody, httpPart: 'body' });

const ItemError = Type.Object({
  code: Type.String(),
  detail: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
});

const outcomes = ['created', 'skipped', 'merged', 'duplicate', 'failed'] as const;
type Outcome = (typeof outcomes)[number];

export const BulkCreateResult = Type.Object({
  results: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the item in `leads`' }),
      status: Type.Integer({
        description: '201 created, 200 skipped or merged; else the status a single create would have answered',
      }),
      outcome: Type.Unsafe<Outcome>({
        type: 'string',
        enum: [...outcomes],
        description: 'duplicate: refused by the duplicate policy (409); `duplicates` lists the matches',
      }),
      id: Type.Optional(Type.String({ format: 'uuid', description: 'The lead created, skipped for or merged into' })),
      duplicates: Type.Optional(Type.Array(DuplicateRef)),
      error: Type.Optional(ItemError),
    }),
  ),
  created: Type.Integer(),
  skipped: Type.Integer(),
  merged: Type.Integer(),
  failed: Type.Integer({ description: 'Items refused, duplicates included' }),
});

type Match = { id: string; name: string; matchedOn: ('email' | 'phone' | 'name')[]; score?: number };

interface ItemResult {
  index: number;
  status: number;
  outcome: Outcome;
  id?: string;
  duplicates?: Match[];
  error?: { code: string; detail?: string; errors?: FieldError[] };
}

export interface BulkResult {
  results: ItemResult[];
  created: number;
  skipped: number;
  merged: number;
  failed: number;
}

/**
 * Creates up to 500 leads in one transaction, each under its own savepoint: a failing item rolls back to it
 * and the rest go on. Measured on 500 items (embedded PostgreSQL, 2 cores): savepoints 4.7 s against 6.2 s for
 * a transaction per item without rules, 12.8 s against 17 s with the assignment rules running; one commit
 * instead of 500. The write context is loaded once for all items.
 */
export async function createLeadsInBulk(
  deps: Deps,
  ctx: RequestContext,
  items: unknown[],
  key: string | null,
  onDuplicate?: OnDuplicate,
): Promise<StoredResponse<BulkResult>> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const work = async () => ({ status: 200, body: await createItems(trx, deps, ctx, items, onDuplicate) });
    if (!key) return { ...(await work()), replayed: false };
    const route = onDuplicate ? `POST /leads/bulk?onDuplicate=${onDuplicate}` : 'POST /leads/bulk';
    return onceForKey(trx, deps, ctx, { key, hash: requestHash(route, { leads: items }) }, work);
  });
}

async function createItems(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  items: unknown[],
  onDuplicate: OnDuplicate | undefined,
): Promise<BulkResult> {
  const wctx = await loadWriteContext(trx, ctx);
  const results: ItemResult[] = [];
  for (const [index, item] of items.entries()) {
    const basePath = `leads.${index}`;
    if (!validateItem(item)) {
      const errors = fieldErrors((validateItem.errors ?? []) as unknown as FastifySchemaValidationError[]).map((e) => ({
        path: e.path === '(body)' ? basePath : `${basePath}.${e.path}`,
        message: e.message,
      }));
      results.push({
        index,
        status: 400,
        outcome: 'failed',
        error: problemOf(new AppError('validation_failed', describe(errors), { errors })),
      });
      continue;
    }
    await sql`SAVEPOINT bulk_item`.execute(trx);
    try {
      const done = await createLeadOrMatchInTx(trx, deps, ctx, wctx, item as CreateLeadInput, {
        channel: 'bulk',
        basePath,
        onDuplicate,
      });
      await sql`RELEASE SAVEPOINT bulk_item`.execute(trx);
      results.push({
        index,
        status: done.status === 'created' ? 201 : 200,
        outcome: done.status,
        ...(done.row ? { id: done.row.id } : {}),
        ...(done.duplicates.length > 0 ? { duplicates: done.duplicates } : {}),
      });
    } catch (error) {
      // Anything but a refusal of this item is a fault of ours: the whole call fails and nothing is kept.
      if (!(error instanceof AppError)) throw error;
      await sql`ROLLBACK TO SAVEPOINT bulk_item`.execute(trx);
      const duplicate = error.code === 'duplicate_lead';
      results.push({
        index,
        status: error.status,
        outcome: duplicate ? 'duplicate' : 'failed',
        ...(duplicate ? { duplicates: error.extra.duplicates as Match[] } : {}),
        error: problemOf(error),
      });
    }
  }
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    results,
    created: count('created'),
    skipped: count('skipped'),
    merged: count('merged'),
    failed: count('failed') + count('duplicate'),
  };
}

function describe(errors: FieldError[]): string {
  return `The lead is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
}

function problemOf(error: AppError): NonNullable<ItemResult['error']> {
  return {
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}
