import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type ErrorCode, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findLead, findVisibleLead, type LeadRow, leadRelations, leadSnapshot } from '../leads/index.ts';

import { chosenColumns, same } from './merge-fields.ts';
import { type Image, rebase } from './merge-rebase.ts';
import * as repo from './merges.repository.ts';
import { notifyOwners } from './merges.service.ts';

export const UNDO_WINDOW_DAYS = 30;
const UNDO_WINDOW_MS = UNDO_WINDOW_DAYS * 24 * 60 * 60 * 1000;

export function undoDeadline(at: Date | string): Date {
  return new Date(new Date(at).getTime() + UNDO_WINDOW_MS);
}

export interface Blocker {
  code: ErrorCode;
  reason: string;
  blockingMergeId: string | null;
}

const names = (merge: repo.MergeRow) => {
  const images = merge.before_images as Record<string, Image>;
  return (id: string) => String(images[id]?.name ?? id);
};

/** Why a merge cannot be undone now, or null when it can. */
export async function undoBlocker(trx: Tx, merge: repo.MergeRow, now: Date): Promise<Blocker | null> {
  if (merge.undone_at) {
    const by = merge.undone_by_name ? ` by ${merge.undone_by_name}` : '';
    return {
      code: 'merge_already_undone',
      reason: `This merge was undone at ${new Date(merge.undone_at).toISOString()}${by}`,
      blockingMergeId: null,
    };
  }
  const deadline = undoDeadline(merge.at);
  if (now.getTime() > deadline.getTime()) {
    return {
      code: 'merge_undo_expired',
      reason: `A merge can be undone for ${UNDO_WINDOW_DAYS} days; this one could be until ${deadline.toISOString()}`,
      blockingMergeId: null,
    };
  }
  const survivor = await trx
    .selectFrom('leads')
    .select(['deleted_at'])
    .where('id', '=', merge.survivor_id)
    .executeTakeFirst();
  if (survivor?.deleted_at) {
    return {
      code: 'merge_survivor_trashed',
      reason: `"${names(merge)(merge.survivor_id)}" is in the trash: restore it, then undo the merge`,
      blockingMergeId: null,
    };
  }
  const later = await repo.laterMerge(trx, Number(merge.seq), [merge.survivor_id, ...merge.merged_ids]);
  if (later) {
    const name = (await repo.leadName(trx, later.survivor_id)) ?? later.survivor_id;
    return {
      code: 'merge_dependency',
      reason: `A later merge into "${name}" (${later.id}) involves these leads: undo it first`,
      blockingMergeId: later.id,
    };
  }
  return null;
}

/** What undo would write for each lead, from its images and its row now. */
export function plannedRows(merge: repo.MergeRow, current: Map<string, Image>, columns: Set<string>) {
  const before = merge.before_images as Record<string, Image>;
  const after = merge.after_images as Record<string, Image>;
  const planned = new Map<string, { restored: Image; keptLaterEdits: string[] }>();
  for (const id of [merge.survivor_id, ...merge.merged_ids]) {
    const now = current.get(id);
    const image = before[id];
    if (!now || !image) continue;
    const { restored, keptLaterEdits } = rebase(image, after[id] ?? {}, now);
    for (const column of Object.keys(restored)) if (!columns.has(column)) delete restored[column];
    planned.set(id, { restored, keptLaterEdits });
  }
  return planned;
}

/**
 * Undoes a merge: every lead row goes back to what it was (fields a later edit changed keep that edit), the
 * moved rows go back to their leads, the rows the merge added go away. Refused once undone, after 30 days,
 * while the survivor is in the trash, or when a later merge still in force involves these leads.
 */
export async function undoMerge(deps: Deps, ctx: RequestContext, mergeId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const merge = await repo.findMerge(trx, mergeId, { lock: true });
    if (!merge) throw notFound('merge');
    const visible = await findVisibleLead(trx, ctx.actor, merge.survivor_id, { includeDead: true });
    if (!visible) throw notFound('merge');
    const survivorId = merge.survivor_id;
    const ids = [survivorId, ...merge.merged_ids];
    await repo.lockLeads(trx, ids);
    const now = deps.clock.now();
    const blocker = await undoBlocker(trx, merge, now);
    if (blocker) {
      throw new AppError(blocker.code, blocker.reason, {
        extra: blocker.blockingMergeId ? { blockingMergeId: blocker.blockingMergeId } : {},
      });
    }

    const beforeRows = new Map<string, LeadRow>();
    for (const id of ids) {
      const row = await findLead(trx, id);
      if (row) beforeRows.set(id, row);
    }
    const planned = plannedRows(merge, await repo.rowImages(trx, ids), await repo.leadTableColumns(trx));
    for (const [id, plan] of planned) await repo.writeImage(trx, id, plan.restored, now);

    const movedBack: Record<string, number> = {};
    const moved = merge.moved_rows as Record<string, Record<string, string[]>>;
    for (const [table, byLead] of Object.entries(moved)) {
      for (const [leadId, rowIds] of Object.entries(byLead)) {
        movedBack[table] = (movedBack[table] ?? 0) + (await repo.moveRowsBack(trx, table, rowIds, survivorId, leadId));
      }
    }
    const survivorPlan = planned.get(survivorId);
    const beforeSurvivor = (merge.before_images as Record<string, Image>)[survivorId] ?? {};
    for (const row of merge.created_rows as repo.MergeRecord['created_rows']) {
      const column = chosenColumns[row.field as keyof typeof chosenColumns];
      if (column && survivorPlan && same(survivorPlan.restored[column], beforeSurvivor[column])) {
        await repo.deleteRow(trx, row.table, row.id, survivorId);
      }
    }
    await repo.markUndone(trx, mergeId, newId(), ctx.actor.userId, now);

    const restoredRows: LeadRow[] = [];
    for (const id of ids) {
      const before = beforeRows.get(id);
      const after = await findLead(trx, id);
      if (!before || !after) continue;
      restoredRows.push(after);
      const role = id === survivorId ? {} : { mergedInto: survivorId };
      await recordAudit(trx, ctx, {
        action: 'lead.merge_undone',
        entityType: 'lead',
        entityId: id,
        before: { ...leadSnapshot(before), ...role },
        after: { ...leadSnapshot(after), ...(id === survivorId ? {} : { mergedInto: null }), undoneMergeId: mergeId },
        at: now,
      });
    }
    const restored = merge.merged_ids.map(names(merge));
    await notifyOwners(trx, ctx, restoredRows, now, {
      kind: 'lead.merge_undone',
      title: `Merge undone: ${restored.join(', ')} restored`,
      body: `${ctx.actor.name} undid the merge of ${restored.map((n) => `"${n}"`).join(', ')} into "${names(merge)(survivorId)}".`,
      leadId: survivorId,
    });
    return {
      mergeId,
      survivorId,
      restoredIds: merge.merged_ids,
      undoneAt: now.toISOString(),
      keptLaterEdits: survivorPlan?.keptLaterEdits ?? [],
      movedBack: movedSummary(movedBack),
    };
  });
}

export function movedSummary(counts: Record<string, number>) {
  return Object.entries(counts).map(([table, count]) => ({ table, label: labelOf(table), count }));
}

function labelOf(table: string): string {
  return leadRelations.find((r) => r.table === table)?.label ?? table.replaceAll('_', ' ');
}
