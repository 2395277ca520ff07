import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  findLead,
  findVisibleLead,
  type LeadColumns,
  type LeadRow,
  leadFields,
  leadSnapshot,
  updateLeadRow,
} from '../leads/index.ts';

/**
 * Fields an incoming duplicate may fill when the existing lead has none (the catalog's `fill`); assignment and
 * stage are never touched. Custom fields fill key by key below.
 */
const fillable = leadFields.filter((f) => f.fill && f.type !== 'jsonb').map((f) => f.column as keyof LeadColumns);

const empty = (value: unknown) => value === null || value === undefined || value === '';

/**
 * `onDuplicate=merge`: the incoming lead's values fill the empty fields of the existing one, its e-mails, phones
 * and tags are added, its custom fields fill the ones not set. The columns were checked against the caller's
 * field permissions on the way in, like any write. Audited as `lead.updated`, naming the channel it came in by.
 */
export async function fillFromIncoming(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  targetId: string,
  incoming: LeadColumns,
  channel: string,
): Promise<LeadRow> {
  const before = await findVisibleLead(trx, ctx.actor, targetId, { lock: true });
  if (!before) {
    // A match the caller may read but not change (an integration key's leads:read-all scope) is refused as
    // such, not hidden: the caller already sees it among the duplicates.
    if (await findVisibleLead(trx, ctx.actor, targetId)) {
      throw new AppError(
        'forbidden',
        'The matching lead is one you may read but not change: it cannot be merged into',
        {
          errors: [{ path: 'onDuplicate', message: 'merge needs a match you may change' }],
        },
      );
    }
    throw notFound('lead');
  }
  const changes: LeadColumns = {};
  for (const column of fillable) {
    const value = incoming[column];
    if (!empty(value) && empty(before[column])) (changes as Record<string, unknown>)[column] = value;
  }
  const union = (current: string[], more: string[] | undefined) => {
    const added = (more ?? []).filter((x) => !current.includes(x));
    return added.length > 0 ? [...current, ...added] : null;
  };
  const emails = union(before.emails, incoming.emails);
  if (emails) changes.emails = emails;
  const phones = union(before.phones, incoming.phones);
  if (phones) changes.phones = phones;
  const tags = union(before.tags, incoming.tags);
  if (tags) changes.tags = tags;
  const current = (before.custom_fields ?? {}) as Record<string, unknown>;
  const customAdded = Object.entries(incoming.custom_fields ?? {}).filter(([k, v]) => !empty(v) && empty(current[k]));
  if (customAdded.length > 0) changes.custom_fields = { ...current, ...Object.fromEntries(customAdded) };
  if (Object.keys(changes).length === 0) return before;

  const now = deps.clock.now();
  if (!(await updateLeadRow(trx, before.id, before.version, changes, now))) {
    throw new AppError('version_conflict', 'The lead changed while the duplicate was merged into it');
  }
  const after = await findLead(trx, before.id);
  if (!after) throw notFound('lead');
  await recordAudit(trx, ctx, {
    action: 'lead.updated',
    entityType: 'lead',
    entityId: before.id,
    before: leadSnapshot(before),
    after: { ...leadSnapshot(after), duplicateMergedVia: channel },
    at: now,
  });
  return after;
}
