import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findVisibleUser } from '../users/index.ts';
import { companyTimezone } from './assignment.repository.ts';
import * as repo from './availability.repository.ts';
import { isTimeZone } from './local-time.ts';

export interface AvailabilityInput {
  timezone?: string | null | undefined;
  workingDays: number[];
  workStart?: string | null | undefined;
  workEnd?: string | null | undefined;
  dailyCap?: number | null | undefined;
  openCap?: number | null | undefined;
}

/** The user whose availability the actor manages: an admin any, a manager its subtree; anyone else is 404. */
async function managedUser(trx: Tx, ctx: RequestContext, userId: string) {
  const user = await findVisibleUser(trx, ctx.actor, userId);
  if (!user) throw notFound('user');
  return user;
}

function toAvailability(userId: string, row: repo.AvailabilityRow | undefined, companyZone: string) {
  return {
    userId,
    configured: row !== undefined,
    timezone: row?.timezone ?? null,
    effectiveTimezone: row?.timezone ?? companyZone,
    workingDays: row ? [...row.working_days].sort() : [1, 2, 3, 4, 5, 6, 7],
    workStart: row?.work_start ?? null,
    workEnd: row?.work_end ?? null,
    dailyCap: row?.daily_cap ?? null,
    openCap: row?.open_cap ?? null,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  };
}

function snapshot(a: ReturnType<typeof toAvailability>): Record<string, unknown> {
  const { updatedAt: _, effectiveTimezone: __, ...rest } = a;
  return rest;
}

async function readAvailability(trx: Tx, userId: string) {
  const [row, zone] = await Promise.all([repo.findAvailability(trx, userId), companyTimezone(trx)]);
  return toAvailability(userId, row, zone);
}

export async function getAvailability(deps: Deps, ctx: RequestContext, userId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await managedUser(trx, ctx, userId);
    return readAvailability(trx, userId);
  });
}

export async function myAvailability(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => readAvailability(trx, ctx.actor.userId));
}

/**
 * A person sets its own time zone (every date it is shown, "today" on My day, its working hours): the one
 * setting of its availability it may change itself. Everything else stays as its manager set it.
 */
export async function setMyTimezone(deps: Deps, ctx: RequestContext, timezone: string | null) {
  if (timezone !== null && !isTimeZone(timezone)) {
    throw fieldError('validation_failed', 'timezone', 'must be an IANA time zone such as Asia/Kolkata');
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const userId = ctx.actor.userId;
    const before = await readAvailability(trx, userId);
    if (before.timezone === timezone) return before;
    await repo.upsertAvailability(trx, {
      company_id: ctx.actor.companyId,
      user_id: userId,
      timezone,
      working_days: before.workingDays,
      work_start: before.workStart,
      work_end: before.workEnd,
      daily_cap: before.dailyCap,
      open_cap: before.openCap,
      updated_at: deps.clock.now(),
    });
    const after = await readAvailability(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'user.timezone_changed',
      entityType: 'user',
      entityId: userId,
      before: { timezone: before.timezone },
      after: { timezone: after.timezone },
    });
    return after;
  });
}

export async function putAvailability(deps: Deps, ctx: RequestContext, userId: string, body: AvailabilityInput) {
  if (body.timezone && !isTimeZone(body.timezone)) {
    throw fieldError('validation_failed', 'timezone', 'must be an IANA time zone such as Asia/Kolkata');
  }
  if (body.workStart && body.workEnd && body.workStart === body.workEnd) {
    throw fieldError('validation_failed', 'workEnd', 'must differ from workStart');
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await managedUser(trx, ctx, userId);
    const before = await readAvailability(trx, userId);
    const now = deps.clock.now();
    await repo.upsertAvailability(trx, {
      company_id: ctx.actor.companyId,
      user_id: userId,
      timezone: body.timezone ?? null,
      working_days: [...new Set(body.workingDays)].sort(),
      work_start: body.workStart ?? null,
      work_end: body.workEnd ?? null,
      daily_cap: body.dailyCap ?? null,
      open_cap: body.openCap ?? null,
      updated_at: now,
    });
    const after = await readAvailability(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'user.availability_changed',
      entityType: 'user',
      entityId: userId,
      before: before.configured ? snapshot(before) : null,
      after: snapshot(after),
    });
    return after;
  });
}

function toLeave(row: repo.LeaveRow) {
  return {
    id: row.id,
    userId: row.user_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    reason: row.reason,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listLeaves(deps: Deps, ctx: RequestContext, userId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await managedUser(trx, ctx, userId);
    return { data: (await repo.listLeaves(trx, userId)).map(toLeave) };
  });
}

export async function addLeave(
  deps: Deps,
  ctx: RequestContext,
  userId: string,
  body: { startsOn: string; endsOn: string; reason?: string | null | undefined },
) {
  if (body.endsOn < body.startsOn) throw fieldError('validation_failed', 'endsOn', 'must not be before startsOn');
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await managedUser(trx, ctx, userId);
    const clash = await repo.overlappingLeave(trx, userId, body.startsOn, body.endsOn);
    if (clash) {
      throw new AppError('unprocessable', `Overlaps the leave from ${clash.starts_on} to ${clash.ends_on}`, {
        errors: [{ path: 'startsOn', message: `overlaps the leave from ${clash.starts_on} to ${clash.ends_on}` }],
      });
    }
    const id = newId();
    await repo.insertLeave(trx, {
      company_id: ctx.actor.companyId,
      id,
      user_id: userId,
      starts_on: body.startsOn,
      ends_on: body.endsOn,
      reason: body.reason?.trim() || null,
      created_at: deps.clock.now(),
    });
    const row = await repo.findLeave(trx, userId, id);
    if (!row) throw notFound('leave');
    const leave = toLeave(row);
    await recordAudit(trx, ctx, {
      action: 'user.leave_added',
      entityType: 'user',
      entityId: userId,
      after: { startsOn: leave.startsOn, endsOn: leave.endsOn, reason: leave.reason },
    });
    return leave;
  });
}

export async function removeLeave(deps: Deps, ctx: RequestContext, userId: string, leaveId: string) {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await managedUser(trx, ctx, userId);
    const row = await repo.findLeave(trx, userId, leaveId);
    if (!row) throw notFound('leave');
    await repo.deleteLeave(trx, leaveId);
    await recordAudit(trx, ctx, {
      action: 'user.leave_removed',
      entityType: 'user',
      entityId: userId,
      before: { startsOn: row.starts_on, endsOn: row.ends_on, reason: row.reason },
    });
  });
}

/**
 * Sets one user's open-lead cap as an admin would on the availability page (the rest of its settings as they
 * are, the same audit row), inside the caller's transaction: for other modules, through index.ts.
 */
export async function setOpenCapIn(trx: Tx, deps: Deps, ctx: RequestContext, userId: string, openCap: number) {
  await managedUser(trx, ctx, userId);
  const before = await readAvailability(trx, userId);
  await repo.upsertAvailability(trx, {
    company_id: ctx.actor.companyId,
    user_id: userId,
    timezone: before.timezone,
    working_days: before.workingDays,
    work_start: before.workStart,
    work_end: before.workEnd,
    daily_cap: before.dailyCap,
    open_cap: openCap,
    updated_at: deps.clock.now(),
  });
  const after = await readAvailability(trx, userId);
  await recordAudit(trx, ctx, {
    action: 'user.availability_changed',
    entityType: 'user',
    entityId: userId,
    before: before.configured ? snapshot(before) : null,
    after: snapshot(after),
  });
  return after;
}
