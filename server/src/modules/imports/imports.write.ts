import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { fillFromIncoming } from '../duplicates/index.ts';
import type { NewLeadColumns } from '../leads/commands.ts';
import { findVisibleLead } from '../leads/index.ts';

/** The columns a merge may change (see fillFromIncoming): what undo compares and puts back. */
const mergeable = [
  'company_name',
  'campaign',
  'product',
  'city',
  'state',
  'country',
  'territory',
  'notes',
  'expected_value',
  'currency',
  'expected_close_date',
  'emails',
  'phones',
  'tags',
  'custom_fields',
] as const;

export interface MergeResult {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * Merges a row into an existing lead the importer sees, as `onDuplicate=merge` does for any create: the row
 * fills the lead's empty fields and adds its emails, phones, tags and custom field values; nothing the lead
 * holds is overwritten. Returns the changed columns before and after (what undo puts back), or null when the
 * row adds nothing.
 */
export async function mergeInto(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  incoming: NewLeadColumns,
): Promise<MergeResult | null> {
  const before = await findVisibleLead(trx, ctx.actor, leadId, { lock: true });
  if (!before) throw new AppError('not_found', 'The lead it matches is no longer there');
  const after = await fillFromIncoming(trx, deps, ctx, leadId, incoming, 'import');
  if (after.version === before.version) return null;
  const held = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  const changed = mergeable.filter((c) => JSON.stringify(held[c] ?? null) !== JSON.stringify(now[c] ?? null));
  return {
    before: Object.fromEntries(changed.map((c) => [c, held[c] ?? null])),
    after: Object.fromEntries(changed.map((c) => [c, now[c] ?? null])),
  };
}
