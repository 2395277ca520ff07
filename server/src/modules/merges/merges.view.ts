import { withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { controlledFields, customAccess, type FieldAccess, fieldAccessFor, findVisibleLead } from '../leads/index.ts';

import { fieldOfColumn, same } from './merge-fields.ts';
import type { Image } from './merge-rebase.ts';
import * as repo from './merges.repository.ts';
import { movedSummary, plannedRows, undoBlocker, undoDeadline } from './merges.undo.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

interface SummaryRow {
  id: string;
  at: Date | string;
  by_user_id: string | null;
  by_user_name: string | null;
  survivor_id: string;
  undone_at: Date | string | null;
  undone_by: string | null;
  undone_by_name: string | null;
}

function summary(m: SummaryRow, survivorName: string, merged: { id: string; name: string }[]) {
  return {
    id: m.id,
    at: iso(m.at),
    by: person(m.by_user_id, m.by_user_name),
    survivor: { id: m.survivor_id, name: survivorName },
    merged,
    undoneAt: m.undone_at ? iso(m.undone_at) : null,
    undoneBy: person(m.undone_by, m.undone_by_name),
    undoDeadline: undoDeadline(m.at).toISOString(),
  };
}

/** Merge history, newest first: of one lead (as survivor or merged), else of every lead the caller sees. */
export async function listMerges(
  deps: Deps,
  ctx: RequestContext,
  query: { leadId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.listMerges(trx, ctx.actor, {
      leadId: query.leadId,
      beforeSeq: after ? Number(after[0]) : null,
      limit: query.limit,
    });
    const page = toPage(rows, query.limit, (r) => [Number(r.seq)]);
    return { data: page.data.map((r) => summary(r, r.survivor_name, r.merged)), nextCursor: page.nextCursor };
  });
}

/** Whether a field is shown to the caller; fields outside the field permissions (name, stage) always are. */
function shown(access: FieldAccess, field: string): boolean {
  if (field.startsWith('customFields.')) return customAccess(access, field.slice('customFields.'.length)) !== 'hidden';
  if ((controlledFields as readonly string[]).includes(field)) {
    return access.fields[field as (typeof controlledFields)[number]] !== 'hidden';
  }
  return true;
}

/** The survivor's fields whose value undo would change, in API terms. */
function fieldChanges(current: Image, restored: Image) {
  const changes: { field: string; current: unknown; restored: unknown }[] = [];
  for (const [column, field] of Object.entries(fieldOfColumn)) {
    if (!(column in restored) || same(current[column], restored[column])) continue;
    if (column !== 'custom_fields') {
      changes.push({ field, current: current[column] ?? null, restored: restored[column] ?? null });
      continue;
    }
    const now = (current[column] ?? {}) as Record<string, unknown>;
    const then = (restored[column] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(now), ...Object.keys(then)])) {
      if (same(now[key] ?? null, then[key] ?? null)) continue;
      changes.push({ field: `customFields.${key}`, current: now[key] ?? null, restored: then[key] ?? null });
    }
  }
  return changes;
}

/** One merge: what was merged and moved, and what undo would do now (or why it cannot). */
export async function getMerge(deps: Deps, ctx: RequestContext, mergeId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const merge = await repo.findMerge(trx, mergeId);
    if (!merge) throw notFound('merge');
    const survivor = await findVisibleLead(trx, ctx.actor, merge.survivor_id, { includeDead: true });
    if (!survivor) throw notFound('merge');
    const access = await fieldAccessFor(trx, ctx.actor.role);
    const before = merge.before_images as Record<string, Image>;
    const merged = merge.merged_ids.map((id) => ({ id, name: String(before[id]?.name ?? '') }));
    const base = summary(merge, survivor.name, merged);
    const blocker = await undoBlocker(trx, merge, deps.clock.now());
    const ids = [merge.survivor_id, ...merge.merged_ids];
    const current = await repo.rowImages(trx, ids);
    const plan = blocker ? null : plannedRows(merge, current, await repo.leadTableColumns(trx)).get(merge.survivor_id);

    const movedRows = merge.moved_rows as Record<string, Record<string, string[]>>;
    const moved: Record<string, number> = {};
    const stillThere: Record<string, number> = {};
    for (const [table, byLead] of Object.entries(movedRows)) {
      const rowIds = Object.values(byLead).flat();
      moved[table] = rowIds.length;
      if (!blocker) stillThere[table] = await repo.countRows(trx, table, rowIds, merge.survivor_id);
    }
    const choices = merge.field_choices as Record<string, string>;
    return {
      ...base,
      fieldChoices: Object.fromEntries(Object.entries(choices).filter(([field]) => shown(access, field))),
      moved: movedSummary(moved),
      undo: {
        possible: blocker === null,
        code: blocker?.code ?? null,
        reason: blocker?.reason ?? null,
        blockingMergeId: blocker?.blockingMergeId ?? null,
        restores: blocker ? [] : base.merged,
        survivorChanges: plan
          ? fieldChanges(current.get(merge.survivor_id) ?? {}, plan.restored).filter((c) => shown(access, c.field))
          : [],
        keptLaterEdits: plan ? plan.keptLaterEdits.filter((f) => shown(access, f)) : [],
        moveBack: movedSummary(stillThere),
      },
    };
  });
}
