import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { leadIsLive, leadVisibleTo } from '../leads/scope.ts';
import { checkCategory } from './tickets.categories.ts';
import { ticketSnapshot, toTicket } from './tickets.dto.ts';
import { seesTicketsWithoutLead, ticketVisibleTo } from './tickets.policy.ts';
import { planSolvedEmail, satisfactionOf } from './tickets.rating.ts';
import * as repo from './tickets.repository.ts';
import type { CreateTicketInput, ListTicketsInput, TicketPriority, UpdateTicketInput } from './tickets.schemas.ts';
import { dueTimes, warnTime } from './tickets.sla.ts';
import { scheduleSla } from './tickets.sla-jobs.ts';

export function invalid(errors: FieldError[]): never {
  throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

/** Tags as stored: trimmed, lower-case, once each, in the order given. */
export function normaliseTags(tags: string[]): { tags: string[]; errors: FieldError[] } {
  const out: string[] = [];
  const errors: FieldError[] = [];
  for (const [i, tag] of tags.entries()) {
    const clean = tag.trim().toLowerCase();
    if (!clean) errors.push({ path: `tags.${i}`, message: 'must not be blank' });
    else if (!out.includes(clean)) out.push(clean);
  }
  return { tags: out, errors };
}

const trimmedOrNull = (value: string | null | undefined) => {
  const v = value?.trim();
  return v ? v : null;
};

async function checkAssignee(trx: Tx, id: string | null | undefined, errors: FieldError[]) {
  if (!id) return;
  const user = await repo.activeUser(trx, id);
  if (!user?.active) errors.push({ path: 'assigneeId', message: 'is not an active user of this company' });
}

async function leadSeenBy(trx: Tx, actor: Actor, leadId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('leads as l')
    .select('l.id')
    .where('l.id', '=', leadId)
    .where(leadVisibleTo(actor))
    .where(leadIsLive)
    .executeTakeFirst();
  return row !== undefined;
}

/** Loads a ticket the actor may see (locked for a write), or answers 404. */
export async function visibleTicket(trx: Tx, actor: Actor, id: string, lock = false): Promise<repo.TicketRow> {
  const row = await repo.findTicket(trx, id, ticketVisibleTo(actor), { lock });
  if (!row) throw notFound('ticket');
  return row;
}

/**
 * Raises a ticket: numbered T-1001, T-1002, ... per company, due times set from its priority, the SLA jobs
 * enqueued and the audit row written, all in one transaction. Nobody is assigned unless `assigneeId` is given.
 */
export async function createTicket(deps: Deps, ctx: RequestContext, body: CreateTicketInput) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => createTicketIn(trx, deps, ctx, body));
}

/** createTicket in the caller's transaction (the support form and mailbox raise tickets inside their own). */
export async function createTicketIn(trx: Tx, deps: Deps, ctx: RequestContext, body: CreateTicketInput) {
  const { actor } = ctx;
  {
    const errors: FieldError[] = [];
    if (body.leadId) {
      if (!(await leadSeenBy(trx, actor, body.leadId)))
        errors.push({ path: 'leadId', message: 'is not a lead you can see' });
    } else if (!seesTicketsWithoutLead(actor)) {
      errors.push({ path: 'leadId', message: 'is required: your role sees tickets of its leads only' });
    }
    const subject = body.subject.trim();
    if (!subject) errors.push({ path: 'subject', message: 'must not be blank' });
    await checkAssignee(trx, body.assigneeId, errors);
    const category = await checkCategory(trx, body.category, errors);
    const tags = normaliseTags(body.tags ?? []);
    errors.push(...tags.errors);
    if (errors.length > 0) invalid(errors);

    const now = deps.clock.now();
    const priority: TicketPriority = body.priority ?? 'normal';
    const due = dueTimes(now, priority);
    const id = newId();
    await trx
      .insertInto('tickets')
      .values({
        company_id: actor.companyId,
        id,
        number: await repo.nextNumber(trx, actor.companyId),
        subject,
        description: body.description,
        lead_id: body.leadId ?? null,
        requester_name: trimmedOrNull(body.requesterName),
        requester_email: trimmedOrNull(body.requesterEmail)?.toLowerCase() ?? null,
        priority,
        status: 'new',
        category,
        assignee_id: body.assigneeId ?? null,
        tags: tags.tags,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
        first_response_due_at: due.firstResponseDueAt,
        resolution_due_at: due.resolutionDueAt,
      })
      .execute();
    const row = await visibleTicket(trx, actor, id);
    await scheduleSla(trx, row, now);
    await recordAudit(trx, ctx, {
      action: 'ticket.created',
      entityType: 'ticket',
      entityId: id,
      before: null,
      after: ticketSnapshot(row),
      at: now,
    });
    return toTicket(row, now);
  }
}

export async function getTicket(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    ...toTicket(await visibleTicket(trx, ctx.actor, id), deps.clock.now()),
    satisfaction: await satisfactionOf(trx, id),
  }));
}

/** How far ahead the "breaching soon" queue looks. */
export const BREACHING_SOON_MS = 2 * 3_600_000;

/**
 * Newest first, keyset paged; `q` matches the subject, or a reference (T-1001) exactly. `breaching=soon`: open
 * tickets whose running clock is due within two hours or overdue, soonest due first.
 */
export async function listTickets(deps: Deps, ctx: RequestContext, query: ListTicketsInput) {
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  const limit = query.limit ?? 50;
  const reference = query.q?.trim().match(/^T-?(\d{1,9})$/i);
  const filters: repo.ListFilters = {
    status: query.status,
    priority: query.priority,
    assigneeId:
      query.assigneeId === 'me'
        ? ctx.actor.userId
        : query.assigneeId === 'none'
          ? null
          : query.assigneeId?.toLowerCase(),
    leadId: query.leadId,
    q: query.q?.trim() || undefined,
    number: reference?.[1] ? Number(reference[1]) : undefined,
  };
  const now = deps.clock.now();
  if (query.breaching === 'soon') filters.dueBy = new Date(now.getTime() + BREACHING_SOON_MS);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.listTickets(
      trx,
      ticketVisibleTo(ctx.actor),
      filters,
      after ? { at: String(after[0]), id: String(after[1]) } : null,
      limit,
    );
    const page = toPage(rows, limit, (r) => [
      new Date(filters.dueBy ? runningDue(r) : r.created_at).toISOString(),
      r.id,
    ]);
    return { data: page.data.map((r) => toTicket(r, now)), nextCursor: page.nextCursor };
  });
}

const runningDue = (r: repo.TicketRow) =>
  r.first_responded_at === null ? r.first_response_due_at : r.resolution_due_at;

const closedStatuses = ['solved', 'closed'];

/**
 * Changes a ticket based on the version read (a stale one answers 409). Solving stops the resolution clock and
 * reopening starts it again; a new priority moves both due times (from the creation, by the new targets) and
 * re-plans their warnings, each still said once.
 */
export async function updateTicket(deps: Deps, ctx: RequestContext, id: string, body: UpdateTicketInput) {
  const { actor } = ctx;
  return withTenant(deps.db, actor.companyId, async (trx) => {
    const row = await visibleTicket(trx, actor, id, true);
    if (row.version !== body.version) {
      throw new AppError('version_conflict', `The ticket is at version ${row.version}; reload it and try again`, {
        extra: { currentVersion: row.version },
      });
    }
    const errors: FieldError[] = [];
    const subject = body.subject?.trim();
    if (body.subject !== undefined && !subject) errors.push({ path: 'subject', message: 'must not be blank' });
    await checkAssignee(trx, body.assigneeId, errors);
    // A ticket keeps a category it already has (retired, or free text from before the list); a new one is checked.
    const categoryChanged = body.category !== undefined && trimmedOrNull(body.category) !== row.category;
    const category = categoryChanged ? await checkCategory(trx, body.category, errors) : row.category;
    const tags = body.tags ? normaliseTags(body.tags) : null;
    if (tags) errors.push(...tags.errors);
    if (errors.length > 0) invalid(errors);

    const now = deps.clock.now();
    const set: Record<string, unknown> = {};
    if (subject !== undefined) set.subject = subject;
    if (body.description !== undefined) set.description = body.description;
    if (body.requesterName !== undefined) set.requester_name = trimmedOrNull(body.requesterName);
    if (body.requesterEmail !== undefined) {
      set.requester_email = trimmedOrNull(body.requesterEmail)?.toLowerCase() ?? null;
    }
    if (categoryChanged) set.category = category;
    if (body.assigneeId !== undefined) set.assignee_id = body.assigneeId;
    if (tags) set.tags = tags.tags;
    const status = body.status ?? row.status;
    const wasClosed = closedStatuses.includes(row.status);
    if (body.status !== undefined && body.status !== row.status) {
      set.status = status;
      if (closedStatuses.includes(status)) {
        if (row.solved_at === null) set.solved_at = now;
        set.closed_at = status === 'closed' ? now : null;
      } else {
        set.solved_at = null;
        set.closed_at = null;
      }
    }
    const created = new Date(row.created_at);
    if (body.priority !== undefined && body.priority !== row.priority) {
      set.priority = body.priority;
      const due = dueTimes(created, body.priority);
      set.first_response_due_at = due.firstResponseDueAt;
      set.resolution_due_at = due.resolutionDueAt;
      // A clock moved later may warn and breach again at its new times; one already past keeps its stamps.
      if (due.firstResponseDueAt > now) set.first_response_breached_at = null;
      if (warnTime(created, due.firstResponseDueAt) > now) set.first_response_warned_at = null;
      if (due.resolutionDueAt > now) set.resolution_breached_at = null;
      if (warnTime(created, due.resolutionDueAt) > now) set.resolution_warned_at = null;
    }
    if (Object.keys(set).length === 0) return { ...toTicket(row, now), satisfaction: await satisfactionOf(trx, id) };
    await trx
      .updateTable('tickets')
      .set({ ...set, version: row.version + 1, updated_at: now })
      .where('id', '=', id)
      .execute();
    const after = await visibleTicket(trx, actor, id);
    const reopened = wasClosed && !closedStatuses.includes(status);
    if (set.priority !== undefined || reopened) await scheduleSla(trx, after, now);
    await planSolvedEmail(trx, row, after, now);
    await recordAudit(trx, ctx, {
      action: 'ticket.updated',
      entityType: 'ticket',
      entityId: id,
      before: ticketSnapshot(row),
      after: ticketSnapshot(after),
      at: now,
    });
    return { ...toTicket(after, now), satisfaction: await satisfactionOf(trx, id) };
  });
}
