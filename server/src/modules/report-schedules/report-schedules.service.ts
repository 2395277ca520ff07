import { keptScope, mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, fieldError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findCompany } from '../companies/index.ts';
import { findVisibleSaved, listReports, prebuiltReport } from '../reports/index.ts';
import { can, findUser, findVisibleUser, type Role } from '../users/index.ts';
import { actorOf, deliver, runError } from './report-schedules.deliver.ts';
import { runScheduleJob } from './report-schedules.jobs.ts';
import * as repo from './report-schedules.repository.ts';
import type { CreateScheduleInput, UpdateScheduleInput } from './report-schedules.schemas.ts';
import { defaultRange, type Frequency, nextOccurrence, type Timing } from './report-schedules.timing.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });

/** Its owner changes, sends or deletes a schedule; an admin any schedule of the company. */
const mayEdit = (row: repo.ScheduleRow, actor: Actor) => mayManageKept(actor, { ownerId: row.owner_id });

/** A weekly schedule names its weekday and only it; a monthly one its day of the month and only it. */
function checkTiming(timing: Timing): void {
  const errors: FieldError[] = [];
  const { frequency, weekday, dayOfMonth } = timing;
  if (frequency === 'weekly' && weekday === null) errors.push({ path: 'weekday', message: 'is required weekly' });
  if (frequency !== 'weekly' && weekday !== null) {
    errors.push({ path: 'weekday', message: `only a weekly schedule takes a weekday, not a ${frequency} one` });
  }
  if (frequency === 'monthly' && dayOfMonth === null) {
    errors.push({ path: 'dayOfMonth', message: 'is required monthly' });
  }
  if (frequency !== 'monthly' && dayOfMonth !== null) {
    errors.push({
      path: 'dayOfMonth',
      message: `only a monthly schedule takes a day of the month, not a ${frequency} one`,
    });
  }
  if (errors.length > 0) throw invalid(errors);
}

function checkName(name: string | undefined): string | undefined {
  const trimmed = name?.trim();
  if (name !== undefined && !trimmed) throw fieldError('validation_failed', 'name', 'must not be blank');
  return trimmed;
}

function checkRecipientList(recipients: string[]): void {
  const errors = recipients.flatMap((id, i) =>
    recipients.indexOf(id) < i ? [{ path: `recipients.${i}`, message: 'is listed twice' }] : [],
  );
  if (errors.length > 0) throw invalid(errors);
}

/**
 * The recipients the caller adds must be users it may see (404 naming `recipients.N` otherwise, as for a user
 * of another company), active, and able to read reports. Those already on the schedule stay without the check.
 */
async function recipientActors(trx: Tx, ctx: RequestContext, recipients: string[], kept: readonly string[]) {
  const actors: Actor[] = [];
  for (const [i, id] of recipients.entries()) {
    const path = `recipients.${i}`;
    const user = kept.includes(id) ? await findUser(trx, id) : await findVisibleUser(trx, ctx.actor, id);
    if (!user)
      throw new AppError('not_found', `${path}: no such user`, { errors: [{ path, message: 'no such user' }] });
    if (!user.active) throw fieldError('unprocessable', path, `${user.name} has been deactivated`);
    if (!can(user.role as Role, 'reports:read')) {
      throw fieldError('unprocessable', path, `${user.name}'s role may not read reports`);
    }
    actors.push(actorOf(user, ctx.actor.companyId));
  }
  return actors;
}

/** Whether `actor` may run the report: it is in the reports it is offered (GET /reports as that person). */
async function offered(deps: Deps, ctx: RequestContext, actor: Actor, report: string): Promise<boolean> {
  const catalog = await listReports(deps, { ...ctx, actor });
  return catalog.data.some((r) => r.key === report);
}

/** The caller must be able to run the report: 400 naming `report` otherwise (it is not one it knows). */
async function checkReport(deps: Deps, ctx: RequestContext, report: string): Promise<void> {
  if (!(await offered(deps, ctx, ctx.actor, report))) {
    throw fieldError('validation_failed', 'report', `${report} is not a report you may run (GET /reports)`);
  }
}

/** So must each recipient (422 naming `recipients.N`): nobody is scheduled a report they would be refused. */
async function checkRecipientsMayRun(deps: Deps, ctx: RequestContext, report: string, recipients: Actor[]) {
  for (const [i, actor] of recipients.entries()) {
    if (actor.userId === ctx.actor.userId) continue;
    if (!(await offered(deps, ctx, actor, report))) {
      throw fieldError('unprocessable', `recipients.${i}`, `${actor.name} may not run this report`);
    }
  }
}

/** Who receives the report: checked as `recipientActors` and `checkRecipientsMayRun` say, the report first. */
async function checkAudience(
  deps: Deps,
  ctx: RequestContext,
  report: string,
  recipients: string[],
  kept: readonly string[],
): Promise<void> {
  await checkReport(deps, ctx, report);
  const actors = await withTenant(deps.db, ctx.actor.companyId, (trx) => recipientActors(trx, ctx, recipients, kept));
  await checkRecipientsMayRun(deps, ctx, report, actors);
}

type Users = Map<string, { name: string; active: boolean }>;

/** The recipients of these schedules, by id, read at once. */
async function usersOf(trx: Tx, rows: repo.ScheduleRow[]): Promise<Users> {
  const ids = [...new Set(rows.flatMap((r) => r.recipients))];
  return new Map((await repo.usersByIds(trx, ids)).map((u) => [u.id, u]));
}

async function toSchedule(trx: Tx, row: repo.ScheduleRow, actor: Actor, timeZone: string, known?: Users) {
  const users = known ?? (await usersOf(trx, [row]));
  const saved = UUID.test(row.report) ? await findVisibleSaved(trx, actor, row.report) : undefined;
  return {
    id: row.id,
    name: row.name,
    report: row.report,
    reportName: prebuiltReport(row.report)?.name ?? saved?.name ?? null,
    frequency: row.frequency as Frequency,
    at: row.time_of_day,
    weekday: row.weekday,
    dayOfMonth: row.day_of_month,
    timeZone,
    range: row.range_preset,
    recipients: row.recipients.map((id) => ({
      id,
      name: users.get(id)?.name ?? '',
      active: users.get(id)?.active ?? false,
    })),
    format: row.format as 'csv' | 'xlsx',
    active: row.active,
    nextRunAt: iso(row.next_run_at),
    lastRunAt: row.last_run_at ? iso(row.last_run_at) : null,
    lastError: row.last_error,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    editable: mayEdit(row, actor),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function snapshot(row: repo.ScheduleRow) {
  return {
    name: row.name,
    report: row.report,
    frequency: row.frequency,
    at: row.time_of_day,
    weekday: row.weekday,
    dayOfMonth: row.day_of_month,
    range: row.range_preset,
    recipients: row.recipients,
    format: row.format,
    active: row.active,
  };
}

async function zoneOf(trx: Tx, companyId: string): Promise<string> {
  return (await findCompany(trx, companyId))?.timezone ?? 'UTC';
}

/** A schedule the caller keeps (its own, or any for an admin); 404 otherwise, as for another company's. */
async function keptSchedule(trx: Tx, ctx: RequestContext, id: string, lock = false) {
  const row = await repo.findSchedule(trx, id, { lock });
  if (!row || !mayEdit(row, ctx.actor)) throw notFound('report schedule');
  return row;
}

export async function listSchedules(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const zone = await zoneOf(trx, ctx.actor.companyId);
    const rows = await repo.listSchedules(trx, keptScope(ctx.actor));
    const data = [];
    const users = await usersOf(trx, rows);
    for (const row of rows) data.push(await toSchedule(trx, row, ctx.actor, zone, users));
    return { data };
  });
}

export async function getSchedule(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) =>
    toSchedule(trx, await keptSchedule(trx, ctx, id), ctx.actor, await zoneOf(trx, ctx.actor.companyId)),
  );
}

export async function createSchedule(deps: Deps, ctx: RequestContext, body: CreateScheduleInput, baseUrl: string) {
  const name = checkName(body.name) as string;
  const timing: Timing = {
    frequency: body.frequency,
    at: body.at,
    weekday: body.weekday ?? null,
    dayOfMonth: body.dayOfMonth ?? null,
  };
  checkTiming(timing);
  checkRecipientList(body.recipients);
  await checkAudience(deps, ctx, body.report, body.recipients, []);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const zone = await zoneOf(trx, ctx.actor.companyId);
    const id = newId();
    const active = body.active ?? true;
    const next = nextOccurrence(timing, now, zone);
    await repo.insertSchedule(trx, {
      company_id: ctx.actor.companyId,
      id,
      owner_id: ctx.actor.userId,
      report: body.report,
      name,
      frequency: timing.frequency,
      time_of_day: timing.at,
      weekday: timing.weekday,
      day_of_month: timing.dayOfMonth,
      range_preset: body.range ?? defaultRange(timing.frequency, body.report),
      recipients: body.recipients,
      format: body.format ?? 'csv',
      active,
      link_base_url: baseUrl,
      next_run_at: next,
      created_at: now,
      updated_at: now,
    });
    if (active) await enqueue(trx, runScheduleJob, { scheduleId: id }, { runAt: next, now });
    const row = (await repo.findSchedule(trx, id)) as repo.ScheduleRow;
    await recordAudit(trx, ctx, {
      action: 'report_schedule.created',
      entityType: 'report_schedule',
      entityId: id,
      after: snapshot(row),
    });
    return toSchedule(trx, row, ctx.actor, zone);
  });
}

export async function updateSchedule(deps: Deps, ctx: RequestContext, id: string, body: UpdateScheduleInput) {
  const name = checkName(body.name);
  if (body.recipients) checkRecipientList(body.recipients);
  // Read first (404 before anything else), then check what changes, then write under a lock.
  const current = await withTenant(deps.db, ctx.actor.companyId, (trx) => keptSchedule(trx, ctx, id));
  const frequency = body.frequency ?? (current.frequency as Frequency);
  const sameFrequency = frequency === current.frequency;
  const timing: Timing = {
    frequency,
    at: body.at ?? current.time_of_day,
    weekday: body.weekday !== undefined ? body.weekday : sameFrequency ? current.weekday : null,
    dayOfMonth: body.dayOfMonth !== undefined ? body.dayOfMonth : sameFrequency ? current.day_of_month : null,
  };
  checkTiming(timing);
  const report = body.report ?? current.report;
  const recipientIds = body.recipients ?? current.recipients;
  if (body.report !== undefined || body.recipients !== undefined) {
    await checkAudience(deps, ctx, report, recipientIds, current.recipients);
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await keptSchedule(trx, ctx, id, true);
    const now = deps.clock.now();
    const zone = await zoneOf(trx, ctx.actor.companyId);
    const active = body.active ?? before.active;
    const retimed =
      timing.frequency !== before.frequency ||
      timing.at !== before.time_of_day ||
      timing.weekday !== before.weekday ||
      timing.dayOfMonth !== before.day_of_month ||
      (active && !before.active);
    const next = retimed ? nextOccurrence(timing, now, zone) : null;
    await repo.updateSchedule(trx, id, {
      ...(name !== undefined ? { name } : {}),
      report,
      frequency: timing.frequency,
      time_of_day: timing.at,
      weekday: timing.weekday,
      day_of_month: timing.dayOfMonth,
      ...(body.range !== undefined ? { range_preset: body.range } : {}),
      recipients: recipientIds,
      ...(body.format !== undefined ? { format: body.format } : {}),
      active,
      ...(next ? { next_run_at: next } : {}),
      updated_at: now,
    });
    // The job of the old time does nothing when it comes (the schedule is not due then); this one is the new time's.
    if (next && active) await enqueue(trx, runScheduleJob, { scheduleId: id }, { runAt: next, now });
    const after = (await repo.findSchedule(trx, id)) as repo.ScheduleRow;
    await recordAudit(trx, ctx, {
      action: 'report_schedule.updated',
      entityType: 'report_schedule',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toSchedule(trx, after, ctx.actor, zone);
  });
}

export async function deleteSchedule(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await keptSchedule(trx, ctx, id, true);
    await repo.deleteSchedule(trx, id);
    await recordAudit(trx, ctx, {
      action: 'report_schedule.deleted',
      entityType: 'report_schedule',
      entityId: id,
      before: snapshot(before),
    });
  });
}

/**
 * Sends the schedule now, as its next run would (each recipient its own report), without moving its next run.
 * Answers what became of each recipient; the run is recorded as the last one.
 */
export async function sendNow(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const schedule = await keptSchedule(trx, ctx, id, true);
    const now = deps.clock.now();
    const deliveries = await deliver(trx, deps, schedule, now);
    await repo.updateSchedule(trx, id, { last_run_at: now, last_error: runError(deliveries) });
    await recordAudit(trx, ctx, {
      action: 'report_schedule.sent',
      entityType: 'report_schedule',
      entityId: id,
      after: { deliveries: deliveries.map((d) => ({ userId: d.userId, status: d.status, messageId: d.messageId })) },
    });
    const after = (await repo.findSchedule(trx, id)) as repo.ScheduleRow;
    return { schedule: await toSchedule(trx, after, ctx.actor, await zoneOf(trx, ctx.actor.companyId)), deliveries };
  });
}
