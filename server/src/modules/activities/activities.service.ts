import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findVisibleLead, touchLead } from '../leads/index.ts';
import { notify } from '../notifications/index.ts';
import { checkAssignee, defaultTitle, dueTimeErrors, invalid, path, typeFieldErrors } from './activities.checks.ts';
import { type ActivityDto, activitySnapshot, toActivity } from './activities.dto.ts';
import { reminderTime, scheduleActivityJobs } from './activities.reminders.ts';
import * as repo from './activities.repository.ts';
import {
  type ActivityType,
  type CreateActivityInput,
  scheduledTypes,
  type UpdateActivityInput,
} from './activities.schemas.ts';
import { isoInZone } from './activities.time.ts';

/** A new activity's fields, as create and "complete with a next step" take them. */
export type NewActivity = Omit<CreateActivityInput, 'leadId'>;

/**
 * Creates an activity on a lead the caller sees, inside the caller's transaction: fields checked against its
 * type, the assignee checked to see the lead, the reminder and missed check planned, the lead touched (the
 * response SLA sees the work), the assignee told when someone else gave it to them, the audit row written.
 */
export async function createActivityInTx(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  lead: { id: string; name: string; owner_id: string | null },
  body: NewActivity,
  options: { basePath?: string; previousId?: string; defaultAssigneeId?: string } = {},
): Promise<string> {
  const base = options.basePath;
  const now = deps.clock.now();
  const type = body.type as ActivityType;
  const scheduled = scheduledTypes.includes(type);
  const errors: FieldError[] = typeFieldErrors(type, body, base);
  const status = body.status ?? (scheduled ? 'open' : 'done');
  if (!scheduled && status !== 'done') {
    errors.push({ path: path(base, 'status'), message: 'must be done: a call or note is logged once it happened' });
  }
  if (scheduled && status === 'open' && !body.dueAt) {
    errors.push({
      path: path(base, 'dueAt'),
      message: `is required for a ${type === 'meeting' ? 'meeting' : 'follow-up'}`,
    });
  }
  const due = body.dueAt ? new Date(body.dueAt) : now;
  errors.push(...dueTimeErrors(due, now, status === 'done', base));
  if (errors.length > 0) throw invalid(errors);

  const assigneeId =
    body.assigneeId ??
    options.defaultAssigneeId ??
    (ctx.actor.role === 'INTEGRATION' ? lead.owner_id : ctx.actor.userId);
  if (!assigneeId) throw invalid([{ path: path(base, 'assigneeId'), message: 'is required: the lead has no owner' }]);
  const assignee = await checkAssignee(trx, ctx, lead.id, assigneeId, path(base, 'assigneeId'));

  const id = newId();
  const reminderMinutes = scheduled ? (body.reminderMinutesBefore ?? null) : null;
  const remindAt = await reminderTime(trx, { type, status, dueAt: due, assigneeId, reminderMinutes }, now);
  const done = status === 'done';
  await repo.insertActivity(trx, {
    company_id: ctx.actor.companyId,
    id,
    lead_id: lead.id,
    type,
    title: body.title?.trim() || defaultTitle(type, lead.name, body),
    notes: body.notes ?? null,
    outcome: body.outcome ?? null,
    location: body.location ?? null,
    channel: type === 'follow_up' ? (body.channel ?? 'call') : null,
    call_direction: type === 'call' ? (body.direction ?? 'out') : null,
    call_result: type === 'call' ? (body.callResult ?? null) : null,
    duration_seconds: body.durationSeconds ?? null,
    assignee_id: assignee.id,
    due_at: due,
    reminder_minutes: reminderMinutes,
    remind_at: remindAt,
    status,
    // Something logged as done happened at its due time, and sits there on the timeline.
    completed_at: done ? due : null,
    completed_by: done ? ctx.actor.userId : null,
    created_by: ctx.actor.userId,
    previous_id: options.previousId ?? null,
    now,
  });
  if (scheduled && status === 'open') {
    await scheduleActivityJobs(
      trx,
      { companyId: ctx.actor.companyId, activityId: id, remindAt, dueAt: due, checkMissed: true },
      now,
    );
  }
  await touchLead(trx, lead.id, now);
  if (assignee.id !== ctx.actor.userId) await tellAssignee(trx, ctx, assignee.id, lead, body, due, now);
  const row = await repo.findVisibleActivity(trx, ctx.actor, id);
  if (!row) throw new Error('activity vanished after insert');
  await recordAudit(trx, ctx, {
    action: 'activity.created',
    entityType: 'activity',
    entityId: id,
    after: activitySnapshot(row),
    at: now,
  });
  return id;
}

async function tellAssignee(
  trx: Tx,
  ctx: RequestContext,
  userId: string,
  lead: { id: string; name: string },
  activity: { type: string; title?: string | undefined },
  due: Date,
  now: Date,
): Promise<void> {
  if (!scheduledTypes.includes(activity.type as ActivityType)) return;
  // In the assignee's own time zone, as its reminders are.
  const zone = await repo.timezoneOf(trx, userId);
  const when = `${isoInZone(due, zone).slice(0, 16).replace('T', ' ')} (${zone})`;
  await notify(trx, {
    companyId: ctx.actor.companyId,
    userId,
    kind: 'activity.assigned',
    title: `${ctx.actor.name} gave you a ${activity.type === 'meeting' ? 'meeting' : 'follow-up'} on ${lead.name}`,
    body: `${activity.title ?? ''}${activity.title ? ' · ' : ''}due ${when}`,
    leadId: lead.id,
    now,
  });
}

export async function createActivity(deps: Deps, ctx: RequestContext, body: CreateActivityInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, body.leadId, { lock: true });
    if (!lead) throw invalid([{ path: 'leadId', message: 'is not a lead you can see' }]);
    const { leadId: _, ...fields } = body;
    const id = await createActivityInTx(trx, deps, ctx, lead, fields);
    return loadDto(trx, deps, ctx, id);
  });
}

export async function loadDto(trx: Tx, deps: Deps, ctx: RequestContext, id: string): Promise<ActivityDto> {
  const row = await repo.findVisibleActivity(trx, ctx.actor, id);
  if (!row) throw notFound('activity');
  return toActivity(row, deps.clock.now());
}

export async function getActivity(deps: Deps, ctx: RequestContext, id: string): Promise<ActivityDto> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => loadDto(trx, deps, ctx, id));
}

/** The version a change is based on: the body's `version`, else `If-Match`. */
export function claimedVersion(version: number | undefined, ifMatch: string | undefined): number | null {
  if (version !== undefined) return version;
  const match = ifMatch?.match(/^(?:W\/)?"?(\d+)"?$/);
  return match?.[1] ? Number(match[1]) : null;
}

export function versionConflict(current: number): AppError {
  return new AppError('version_conflict', `The activity is at version ${current}; reload it and try again`, {
    extra: { currentVersion: current },
  });
}

/**
 * Loads an activity for a change, locked: 404 when its lead is out of sight, 428 when a required version is
 * missing, 409 when the version is stale.
 */
export async function lockActivity(
  trx: Tx,
  ctx: RequestContext,
  id: string,
  claim: { version: number | undefined; ifMatch: string | undefined; required: boolean },
): Promise<repo.ActivityRow> {
  const row = await repo.findVisibleActivity(trx, ctx.actor, id, { lock: true });
  if (!row) throw notFound('activity');
  const version = claimedVersion(claim.version, claim.ifMatch);
  if (version === null && claim.required) {
    throw new AppError('precondition_required', 'Send the version you read, as `version` in the body or If-Match', {
      errors: [{ path: 'version', message: 'is required (or an If-Match header)' }],
    });
  }
  if (version !== null && version !== row.version) throw versionConflict(row.version);
  return row;
}

/**
 * Applies changes to a locked activity: the type's rules checked, a new due time or assignee re-plans the
 * reminder (and the missed check), the lead is touched, the audit row written. Shared by PATCH and reschedule.
 */
export async function applyChanges(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  row: repo.ActivityRow,
  fields: Omit<UpdateActivityInput, 'version'>,
  action: string,
): Promise<void> {
  const now = deps.clock.now();
  const type = row.type as ActivityType;
  const scheduled = scheduledTypes.includes(type);
  const closed = row.status === 'done' || row.status === 'cancelled';
  const planning =
    fields.dueAt !== undefined || fields.assigneeId !== undefined || fields.reminderMinutesBefore !== undefined;
  if (closed && scheduled && planning) {
    throw new AppError('activity_closed', `This ${type === 'meeting' ? 'meeting' : 'follow-up'} is ${row.status}`);
  }
  const errors = typeFieldErrors(type, fields);
  const due = fields.dueAt ? new Date(fields.dueAt) : null;
  if (due) errors.push(...dueTimeErrors(due, now, !scheduled || row.status === 'done'));
  if (errors.length > 0) throw invalid(errors);
  const assigneeId = fields.assigneeId ?? row.assignee_id;
  if (fields.assigneeId && fields.assigneeId !== row.assignee_id) {
    await checkAssignee(trx, ctx, row.lead_id, fields.assigneeId, 'assigneeId');
  }
  const changes: repo.ActivityColumns = {};
  if (fields.title !== undefined) changes.title = fields.title.trim() || row.title;
  if (fields.notes !== undefined) changes.notes = fields.notes;
  if (fields.outcome !== undefined) changes.outcome = fields.outcome;
  if (fields.location !== undefined) changes.location = fields.location;
  if (fields.channel !== undefined) changes.channel = fields.channel ?? 'call';
  if (fields.direction !== undefined) changes.call_direction = fields.direction ?? 'out';
  if (fields.callResult !== undefined) changes.call_result = fields.callResult;
  if (fields.durationSeconds !== undefined) changes.duration_seconds = fields.durationSeconds;
  if (fields.assigneeId !== undefined) changes.assignee_id = assigneeId;
  if (fields.reminderMinutesBefore !== undefined && scheduled) changes.reminder_minutes = fields.reminderMinutesBefore;
  const dueMoved = due !== null && due.getTime() !== new Date(row.due_at).getTime();
  if (due) changes.due_at = due;
  // A logged call or note sits on the timeline at the time it happened.
  if (due && !scheduled) changes.completed_at = due;
  if (dueMoved && scheduled && row.status === 'missed') Object.assign(changes, { status: 'open', missed_at: null });
  const status = changes.status ?? row.status;
  if (scheduled && status === 'open' && planning) {
    const dueAt = due ?? new Date(row.due_at);
    const reminderMinutes =
      changes.reminder_minutes !== undefined ? changes.reminder_minutes : (row.reminder_minutes ?? null);
    const alreadyReminded = row.reminded_at !== null && !dueMoved;
    changes.remind_at = alreadyReminded
      ? null
      : await reminderTime(trx, { type, status, dueAt, assigneeId, reminderMinutes }, now);
    if (dueMoved) changes.reminded_at = null;
    await scheduleActivityJobs(
      trx,
      { companyId: ctx.actor.companyId, activityId: row.id, remindAt: changes.remind_at, dueAt, checkMissed: dueMoved },
      now,
    );
  }
  if (!(await repo.updateActivity(trx, row.id, row.version, changes, now))) throw versionConflict(row.version + 1);
  await touchLead(trx, row.lead_id, now);
  if (fields.assigneeId && fields.assigneeId !== row.assignee_id && fields.assigneeId !== ctx.actor.userId) {
    const lead = { id: row.lead_id, name: row.lead_name };
    await tellAssignee(trx, ctx, fields.assigneeId, lead, row, due ?? new Date(row.due_at), now);
  }
  const after = await repo.findVisibleActivity(trx, ctx.actor, row.id);
  await recordAudit(trx, ctx, {
    action,
    entityType: 'activity',
    entityId: row.id,
    before: activitySnapshot(row),
    after: after ? activitySnapshot(after) : null,
    at: now,
  });
}

export async function updateActivity(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: UpdateActivityInput,
  ifMatch: string | undefined,
): Promise<ActivityDto> {
  const { version, ...fields } = body;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockActivity(trx, ctx, id, { version, ifMatch, required: true });
    await applyChanges(trx, deps, ctx, row, fields, 'activity.updated');
    return loadDto(trx, deps, ctx, id);
  });
}
