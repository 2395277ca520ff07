import { mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findVisibleLead, type LeadRow, leadVisibleToUser, touchLead } from '../leads/index.ts';
import { notify } from '../notifications/index.ts';
import { can } from '../users/index.ts';
import { mentionedIds, plainText } from './mentions.ts';
import * as repo from './notes.repository.ts';

type Person = { id: string; name: string };

function toNote(row: repo.NoteRow, names: Map<string, string>, ctx: RequestContext) {
  return {
    id: row.id,
    leadId: row.lead_id,
    body: row.body,
    author: row.author_id ? { id: row.author_id, name: row.author_name ?? '' } : null,
    mentions: row.mentions.map((id) => ({ id, name: names.get(id) ?? '' })),
    editable: mayChange(row, ctx),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function mayChange(row: repo.NoteRow, ctx: RequestContext): boolean {
  return mayManageKept(ctx.actor, { ownerId: row.author_id });
}

async function visibleLead(trx: Tx, ctx: RequestContext, leadId: string, forChange = false): Promise<LeadRow> {
  const lead = await findVisibleLead(trx, ctx.actor, leadId, { forChange });
  if (!lead) throw notFound('lead');
  return lead;
}

/**
 * The people a note mentions: active users of the company who can open this lead (a mention of someone who
 * cannot would hand them the note and the lead's name through the notification).
 */
async function resolveMentions(trx: Tx, ctx: RequestContext, lead: LeadRow, body: string): Promise<Person[]> {
  const ids = mentionedIds(body);
  const users = await repo.usersByIds(trx, ids);
  const errors: FieldError[] = [];
  for (const id of ids) {
    const user = users.find((u) => u.id === id);
    if (!user?.active) {
      errors.push({ path: 'body', message: `mentions ${id}, who is not an active user of this company` });
      continue;
    }
    const actor: Actor = {
      userId: user.id,
      companyId: ctx.actor.companyId,
      role: user.role,
      name: user.name,
      email: user.email,
      managerId: user.manager_id,
      sessionId: null,
      apiKeyId: null,
    };
    const sees = can(user.role, 'leads:read') && (await leadVisibleToUser(trx, lead.id, actor));
    if (!sees) errors.push({ path: 'body', message: `mentions ${user.name}, who cannot see this lead` });
  }
  if (errors.length > 0) {
    throw new AppError('unprocessable', errors.map((e) => e.message).join('; '), { errors });
  }
  return ids.map((id) => ({ id, name: users.find((u) => u.id === id)?.name ?? '' }));
}

async function notifyMentioned(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  lead: LeadRow,
  people: Person[],
  body: string,
): Promise<void> {
  const text = plainText(body);
  for (const person of people) {
    if (person.id === ctx.actor.userId) continue;
    await notify(trx, {
      companyId: ctx.actor.companyId,
      userId: person.id,
      kind: 'lead.mentioned',
      title: `${ctx.actor.name} mentioned you on ${lead.name}`,
      body: text.length > 500 ? `${text.slice(0, 499)}…` : text,
      leadId: lead.id,
      now: deps.clock.now(),
    });
  }
}

async function namesOf(trx: Tx, rows: repo.NoteRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => r.mentions))];
  return new Map((await repo.usersByIds(trx, ids)).map((u) => [u.id, u.name]));
}

export async function listNotes(
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await visibleLead(trx, ctx, leadId);
    const before = after ? { atUs: Number(after[0]), id: String(after[1]) } : null;
    const rows = await repo.listNotes(trx, leadId, { limit: query.limit + 1, before });
    const page = toPage(rows, query.limit, (r) => [Number(r.at_us), r.id]);
    const names = await namesOf(trx, page.data);
    return { data: page.data.map((r) => toNote(r, names, ctx)), nextCursor: page.nextCursor };
  });
}

/** A note on a lead: its mentions notified, the lead touched (the response SLA sees it), the audit row kept. */
export async function addNote(deps: Deps, ctx: RequestContext, leadId: string, body: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await visibleLead(trx, ctx, leadId, true);
    const text = blankChecked(body);
    const mentioned = await resolveMentions(trx, ctx, lead, text);
    const id = newId();
    const now = deps.clock.now();
    const mentions = mentioned.map((p) => p.id);
    await repo.insertNote(trx, {
      company_id: ctx.actor.companyId,
      id,
      lead_id: leadId,
      author_id: ctx.actor.userId,
      body: text,
      mentions,
      now,
    });
    await touchLead(trx, leadId, now);
    await notifyMentioned(trx, deps, ctx, lead, mentioned, text);
    await recordAudit(trx, ctx, {
      action: 'note.created',
      entityType: 'lead_note',
      entityId: id,
      after: { leadId, body: text, mentions },
    });
    const row = await repo.findNote(trx, leadId, id);
    if (!row) throw new Error('note vanished after insert');
    return toNote(row, new Map(mentioned.map((p) => [p.id, p.name])), ctx);
  });
}

/** Changes a note's text; only people newly mentioned are notified. */
export async function updateNote(deps: Deps, ctx: RequestContext, leadId: string, noteId: string, body: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await visibleLead(trx, ctx, leadId, true);
    const before = await changeableNote(trx, ctx, leadId, noteId);
    const text = blankChecked(body);
    const mentioned = await resolveMentions(trx, ctx, lead, text);
    const mentions = mentioned.map((p) => p.id);
    await repo.updateNote(trx, noteId, { body: text, mentions }, deps.clock.now());
    const fresh = mentioned.filter((p) => !before.mentions.includes(p.id));
    await notifyMentioned(trx, deps, ctx, lead, fresh, text);
    await recordAudit(trx, ctx, {
      action: 'note.updated',
      entityType: 'lead_note',
      entityId: noteId,
      before: { leadId, body: before.body, mentions: before.mentions },
      after: { leadId, body: text, mentions },
    });
    const row = await repo.findNote(trx, leadId, noteId);
    if (!row) throw notFound('note');
    return toNote(row, new Map(mentioned.map((p) => [p.id, p.name])), ctx);
  });
}

export async function deleteNote(deps: Deps, ctx: RequestContext, leadId: string, noteId: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await visibleLead(trx, ctx, leadId, true);
    const before = await changeableNote(trx, ctx, leadId, noteId);
    await repo.deleteNote(trx, noteId);
    await recordAudit(trx, ctx, {
      action: 'note.deleted',
      entityType: 'lead_note',
      entityId: noteId,
      before: { leadId, body: before.body, mentions: before.mentions },
    });
  });
}

async function changeableNote(trx: Tx, ctx: RequestContext, leadId: string, noteId: string) {
  const note = await repo.findNote(trx, leadId, noteId, { lock: true });
  if (!note) throw notFound('note');
  if (!mayChange(note, ctx)) throw new AppError('forbidden', 'Only its author or an admin may change a note');
  return note;
}

function blankChecked(body: string): string {
  const text = body.trim();
  if (!text)
    throw new AppError('validation_failed', 'The note is empty', {
      errors: [{ path: 'body', message: 'must not be blank' }],
    });
  return text;
}
