import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { touchLead } from '../leads/index.ts';
import { activitySnapshot, toActivity } from './activities.dto.ts';
import * as repo from './activities.repository.ts';
import type { CompleteInput, RescheduleInput } from './activities.schemas.ts';
import { applyChanges, createActivityInTx, loadDto, lockActivity, versionConflict } from './activities.service.ts';

const isClosed = (status: string) => status === 'done' || status === 'cancelled';

function closedError(row: repo.ActivityRow): AppError {
  return new AppError('activity_closed', `“${row.title}” is already ${row.status}`, {
    extra: { activityStatus: row.status },
  });
}

/**
 * Marks an activity done with what came of it and, in the same transaction, schedules the next step: either
 * both happen or neither (a bad next step leaves the activity open).
 */
export async function completeActivity(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: CompleteInput,
  ifMatch: string | undefined,
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockActivity(trx, ctx, id, { version: body.version, ifMatch, required: false });
    if (isClosed(row.status)) throw closedError(row);
    const now = deps.clock.now();
    const changes: repo.ActivityColumns = {
      status: 'done',
      completed_at: now,
      completed_by: ctx.actor.userId,
      remind_at: null,
      ...(body.outcome !== undefined ? { outcome: body.outcome } : {}),
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      ...(body.durationSeconds !== undefined ? { duration_seconds: body.durationSeconds } : {}),
    };
    if (!(await repo.updateActivity(trx, id, row.version, changes, now))) throw versionConflict(row.version + 1);
    await touchLead(trx, row.lead_id, now);
    const after = await repo.findVisibleActivity(trx, ctx.actor, id);
    await recordAudit(trx, ctx, {
      action: 'activity.completed',
      entityType: 'activity',
      entityId: id,
      before: activitySnapshot(row),
      after: after ? activitySnapshot(after) : null,
      at: now,
    });
    let nextId: string | null = null;
    if (body.next) {
      const lead = { id: row.lead_id, name: row.lead_name, owner_id: null };
      nextId = await createActivityInTx(trx, deps, ctx, lead, body.next, {
        basePath: 'next',
        previousId: id,
        defaultAssigneeId: row.assignee_id,
      });
    }
    return {
      activity: await loadDto(trx, deps, ctx, id),
      next: nextId ? await loadDto(trx, deps, ctx, nextId) : null,
    };
  });
}

export async function cancelActivity(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { reason?: string | undefined; version?: number | undefined },
  ifMatch: string | undefined,
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockActivity(trx, ctx, id, { version: body.version, ifMatch, required: false });
    if (isClosed(row.status)) throw closedError(row);
    await cancelLocked(trx, deps, ctx, row, body.reason ?? null);
    await touchLead(trx, row.lead_id, deps.clock.now());
    return loadDto(trx, deps, ctx, id);
  });
}

async function cancelLocked(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  row: repo.ActivityRow,
  reason: string | null,
): Promise<void> {
  const now = deps.clock.now();
  const changes: repo.ActivityColumns = {
    status: 'cancelled',
    cancelled_at: now,
    cancelled_by: ctx.actor.userId,
    remind_at: null,
    ...(reason !== null ? { outcome: reason } : {}),
  };
  if (!(await repo.updateActivity(trx, row.id, row.version, changes, now))) throw versionConflict(row.version + 1);
  await recordAudit(trx, ctx, {
    action: 'activity.cancelled',
    entityType: 'activity',
    entityId: row.id,
    before: activitySnapshot(row),
    after: { ...activitySnapshot(row), status: 'cancelled', outcome: reason ?? row.outcome },
    at: now,
  });
}

/** A new due time (and optionally assignee or lead time) for an open or missed activity; it is open again. */
export async function rescheduleActivity(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: RescheduleInput,
  ifMatch: string | undefined,
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockActivity(trx, ctx, id, { version: body.version, ifMatch, required: false });
    if (isClosed(row.status) || !['follow_up', 'meeting'].includes(row.type)) throw closedError(row);
    const { version: _, ...fields } = body;
    await applyChanges(trx, deps, ctx, row, fields, 'activity.rescheduled');
    return loadDto(trx, deps, ctx, id);
  });
}

/**
 * A lead moving to a Won or Lost stage, asked about its open follow-ups and meetings: without an answer the
 * move is refused (409 `open_follow_ups`, listing them); `true` cancels them with the move, `false` keeps them.
 * Runs inside the stage move's transaction.
 */
export async function settleOpenFollowUps(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  lead: { id: string; name: string },
  stage: { name: string },
  closeFollowUps: boolean | undefined,
): Promise<number> {
  const open = await repo.openScheduledOf(trx, ctx.actor, lead.id, { lock: true });
  if (open.length === 0 || closeFollowUps === false) return open.length;
  if (closeFollowUps === undefined) {
    const now = deps.clock.now();
    throw new AppError(
      'open_follow_ups',
      `${lead.name} has ${open.length} open follow-up${open.length === 1 ? '' : 's'}: send closeFollowUps true to cancel ${open.length === 1 ? 'it' : 'them'} with the move to ${stage.name}, or false to keep ${open.length === 1 ? 'it' : 'them'}`,
      {
        errors: [{ path: 'closeFollowUps', message: 'is required: the lead has open follow-ups' }],
        extra: { openFollowUps: open.map((row) => toActivity(row, now)) },
      },
    );
  }
  for (const row of open) await cancelLocked(trx, deps, ctx, row, `Closed when the lead moved to ${stage.name}`);
  return open.length;
}
