import { type Static, Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';

/** How many categories (active and retired) a company keeps. */
export const MAX_CATEGORIES = 50;

export const TicketCategory = Type.Object(
  {
    key: Type.String({
      pattern: '^[a-z0-9][a-z0-9_-]{0,59}$',
      description: 'What tickets store in `category`: lower-case letters, digits, `-` and `_`, at most 60',
    }),
    label: Type.String({ minLength: 1, maxLength: 100, description: 'What people see' }),
    active: Type.Boolean({ description: 'Offered for tickets; a retired one stays on the tickets that have it' }),
  },
  { additionalProperties: false },
);

export const TicketCategoryList = Type.Object(
  {
    data: Type.Array(TicketCategory, {
      description: 'In the order kept. Empty: a ticket’s category is free text; otherwise one of the active keys',
    }),
  },
  { additionalProperties: false },
);

export const PutTicketCategoriesBody = Type.Object(
  {
    categories: Type.Array(TicketCategory, {
      maxItems: MAX_CATEGORIES,
      description: 'The whole list, in order: keys left out are dropped from it (tickets keep their category)',
    }),
  },
  { additionalProperties: false },
);
export type PutTicketCategoriesInput = Static<typeof PutTicketCategoriesBody>;

type Category = Static<typeof TicketCategory>;

async function categoriesIn(trx: Tx): Promise<Category[]> {
  return trx
    .selectFrom('ticket_categories')
    .select(['key', 'label', 'active'])
    .orderBy('position')
    .orderBy('key')
    .execute();
}

export async function listCategories(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({ data: await categoriesIn(trx) }));
}

/**
 * Replaces the company's list of categories (keys unique, labels trimmed). Audited as
 * `ticket_categories.updated` with the list before and after.
 */
export async function putCategories(deps: Deps, ctx: RequestContext, body: PutTicketCategoriesInput) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const clean = body.categories.map((c, i) => {
    const label = c.label.trim();
    if (!label) errors.push({ path: `categories.${i}.label`, message: 'must not be blank' });
    if (seen.has(c.key)) errors.push({ path: `categories.${i}.key`, message: 'is already in the list' });
    seen.add(c.key);
    return { key: c.key, label, active: c.active };
  });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await categoriesIn(trx);
    const now = deps.clock.now();
    const created = new Map(
      (await trx.selectFrom('ticket_categories').select(['key', 'created_at']).execute()).map((r) => [r.key, r]),
    );
    await trx.deleteFrom('ticket_categories').execute();
    if (clean.length > 0) {
      await trx
        .insertInto('ticket_categories')
        .values(
          clean.map((c, position) => ({
            company_id: ctx.actor.companyId,
            key: c.key,
            label: c.label,
            active: c.active,
            position,
            created_at: created.get(c.key)?.created_at ?? now,
            updated_at: now,
          })),
        )
        .execute();
    }
    await recordAudit(trx, ctx, {
      action: 'ticket_categories.updated',
      entityType: 'ticket_categories',
      entityId: null,
      before: { categories: before },
      after: { categories: clean },
      at: now,
    });
    return { data: clean };
  });
}

/**
 * The category a ticket may take: free text (trimmed) while the company has no categories, otherwise one of its
 * active keys (matched case-insensitively), else an error on `category`.
 */
export async function checkCategory(
  trx: Tx,
  value: string | null | undefined,
  errors: FieldError[],
): Promise<string | null> {
  const text = value?.trim();
  if (!text) return null;
  const rows = await trx.selectFrom('ticket_categories').select(['key', 'active']).execute();
  if (rows.length === 0) return text;
  const key = text.toLowerCase();
  if (!rows.some((r) => r.active && r.key === key)) {
    errors.push({ path: 'category', message: 'is not one of the company’s active ticket categories' });
    return null;
  }
  return key;
}
