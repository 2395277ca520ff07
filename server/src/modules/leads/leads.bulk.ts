import type { FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { DuplicateRef, type OnDuplicate } from '../duplicates/index.ts';

import { type CreateResult, createLeads } from './leads.create.ts';
import { onceForKey, requestHash, type StoredResponse } from './leads.idempotency.ts';
import { CreateLeadBody, type CreateLeadInput } from './leads.schemas.ts';

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
  return input.httpPart === 'body'
    ? validatorCompiler({ schema: BulkEnvelope, httpPart: 'body' }, { textCheckedLater: ['leads'] })
    : validatorCompiler(input);
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
 * Creates up to 500 leads in one transaction through the one write path (createLeads): the items that pass
 * validation go as one batch (one duplicate lookup, one routing pass, one insert per table); a failing item
 * changes nothing of its own and the rest go on. One commit instead of 500.
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
  const results: ItemResult[] = [];
  const valid: { index: number; body: CreateLeadInput }[] = [];
  for (const [index, item] of items.entries()) {
    const basePath = `leads.${index}`;
    if (validateItem(item)) {
      valid.push({ index, body: item as CreateLeadInput });
      continue;
    }
    const errors = fieldErrors((validateItem.errors ?? []) as unknown as FastifySchemaValidationError[]).map((e) => ({
      path: e.path === '(body)' ? basePath : `${basePath}.${e.path}`,
      message: e.message,
    }));
    results[index] = {
      index,
      status: 400,
      outcome: 'failed',
      error: problemOf(new AppError('validation_failed', describe(errors), { errors })),
    };
  }
  const done = await createLeads(
    trx,
    deps,
    ctx,
    valid.map(({ index, body }) => ({ body, basePath: `leads.${index}` })),
    { channel: 'bulk', onDuplicate },
  );
  for (const [i, result] of done.results.entries()) {
    const { index } = valid[i] as { index: number };
    results[index] = itemResult(index, result);
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

function itemResult(index: number, result: CreateResult): ItemResult {
  const matches = (found: Match[]) => (found.length > 0 ? { duplicates: found } : {});
  switch (result.status) {
    case 'created':
      return { index, status: 201, outcome: 'created', id: result.id, ...matches(result.duplicates) };
    case 'skipped':
    case 'merged':
      return {
        index,
        status: 200,
        outcome: result.status,
        ...(result.row ? { id: result.row.id } : {}),
        ...matches(result.duplicates),
      };
    case 'duplicate':
      return {
        index,
        status: result.error.status,
        outcome: 'duplicate',
        duplicates: result.error.extra.duplicates as Match[],
        error: problemOf(result.error),
      };
    default:
      // Anything but a refusal of this item is a fault of ours: the whole call fails and nothing is kept.
      if (!(result.error instanceof AppError)) throw result.error;
      return { index, status: result.error.status, outcome: 'failed', error: problemOf(result.error) };
  }
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
