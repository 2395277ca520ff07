import { mayManageTemplate } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { can } from '../users/index.ts';
import { type Sender, sampleContext, variableCatalogue } from './email.context.ts';
import { type Content, renderContent } from './email.render.ts';
import type { CreateTemplateInput, UpdateTemplateInput } from './email.schemas.ts';
import * as repo from './templates.repository.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

export function senderOf(ctx: RequestContext): Sender {
  return { id: ctx.actor.userId, name: ctx.actor.name, email: ctx.actor.email, role: ctx.actor.role };
}

/** A personal template is its owner's alone; company templates are kept by admins and managers. */
function mayEdit(row: repo.TemplateRow, ctx: RequestContext): boolean {
  return mayManageTemplate(ctx.actor, { ownerId: row.owner_id, personal: row.scope === 'personal' });
}

function toTemplate(row: repo.TemplateRow, ctx: RequestContext) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as 'company' | 'personal',
    owner: row.owner_id ? { id: row.owner_id, name: row.owner_name ?? '' } : null,
    subject: row.subject,
    html: row.html,
    text: row.text,
    editable: mayEdit(row, ctx),
    createdBy: row.created_by ? { id: row.created_by, name: row.created_by_name ?? '' } : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const snapshot = (row: { name: string; scope: string; subject: string; html: string | null; text: string | null }) => ({
  name: row.name,
  scope: row.scope,
  subject: row.subject,
  html: row.html,
  text: row.text,
});

/**
 * A template must have a body and must render: it is rendered against an example lead that has every
 * variable (and every custom field), so a syntax error or an unknown variable is a 422 naming the part.
 */
async function checkContent(trx: Tx, ctx: RequestContext, content: Content): Promise<void> {
  if (content.html === null && content.text === null) {
    throw new AppError('validation_failed', 'A template needs an html or a text body', {
      errors: [{ path: 'html', message: 'give html, text or both' }],
    });
  }
  await renderContent(content, await sampleContext(trx, senderOf(ctx)));
}

async function checkName(trx: Tx, ownerId: string | null, name: string, exceptId: string | null): Promise<void> {
  if (await repo.nameTaken(trx, ownerId, name, exceptId)) {
    throw new AppError('conflict', `A template named "${name}" already exists`, {
      errors: [{ path: 'name', message: 'is already used by another template' }],
    });
  }
}

async function load(trx: Tx, ctx: RequestContext, id: string, lock = false): Promise<repo.TemplateRow> {
  const row = await repo.findTemplate(trx, ctx.actor.userId, id, { lock });
  if (!row) throw notFound('template');
  return row;
}

export async function listTemplates(deps: Deps, ctx: RequestContext, query: { scope?: string; q?: string }) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listTemplates(trx, ctx.actor.userId, query)).map((r) => toTemplate(r, ctx)),
  }));
}

export async function getTemplate(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toTemplate(await load(trx, ctx, id), ctx));
}

export async function createTemplate(deps: Deps, ctx: RequestContext, body: CreateTemplateInput) {
  const scope = body.scope ?? 'personal';
  if (scope === 'company' && !can(ctx.actor.role, 'email:templates')) {
    throw forbidden('Only admins and managers keep company templates; save it as a personal one');
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const content = { subject: body.subject, html: body.html ?? null, text: body.text ?? null };
    await checkContent(trx, ctx, content);
    const ownerId = scope === 'personal' ? ctx.actor.userId : null;
    const name = body.name.trim();
    await checkName(trx, ownerId, name, null);
    const id = newId();
    const now = deps.clock.now();
    await repo.insertTemplate(trx, {
      company_id: ctx.actor.companyId,
      id,
      scope,
      owner_id: ownerId,
      name,
      ...content,
      created_by: ctx.actor.userId,
      updated_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    const row = await load(trx, ctx, id);
    await recordAudit(trx, ctx, {
      action: 'email_template.created',
      entityType: 'email_template',
      entityId: id,
      after: snapshot(row),
    });
    return toTemplate(row, ctx);
  });
}

export async function updateTemplate(deps: Deps, ctx: RequestContext, id: string, body: UpdateTemplateInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await load(trx, ctx, id, true);
    if (!mayEdit(row, ctx)) throw forbidden('Only admins and managers change company templates');
    const next = {
      name: body.name?.trim() ?? row.name,
      subject: body.subject ?? row.subject,
      html: body.html === undefined ? row.html : body.html,
      text: body.text === undefined ? row.text : body.text,
    };
    await checkContent(trx, ctx, next);
    if (next.name !== row.name) await checkName(trx, row.owner_id, next.name, id);
    await repo.updateTemplate(trx, id, { ...next, updated_by: ctx.actor.userId, updated_at: deps.clock.now() });
    const after = await load(trx, ctx, id);
    await recordAudit(trx, ctx, {
      action: 'email_template.updated',
      entityType: 'email_template',
      entityId: id,
      before: snapshot(row),
      after: snapshot(after),
    });
    return toTemplate(after, ctx);
  });
}

/** Sent messages keep their rendered content and the template's name; only the link to it goes. */
export async function deleteTemplate(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await load(trx, ctx, id, true);
    if (!mayEdit(row, ctx)) throw forbidden('Only admins and managers delete company templates');
    await repo.deleteTemplate(trx, id);
    await recordAudit(trx, ctx, {
      action: 'email_template.deleted',
      entityType: 'email_template',
      entityId: id,
      before: snapshot(row),
    });
  });
}

export async function listVariables(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({ data: await variableCatalogue(trx) }));
}
