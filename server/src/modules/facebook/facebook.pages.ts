import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { randomToken } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { can } from '../users/index.ts';
import { requeue } from './facebook.process.ts';
import * as repo from './facebook.repository.ts';
import type { ConnectInput, EventsQueryInput, UpdateInput } from './facebook.schemas.ts';
import { verifyTokenHash } from './facebook.webhook.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/facebook';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function toConnection(deps: Deps, row: repo.PageRow, baseUrl: string, pending: number, showToken = true) {
  return {
    id: row.id,
    pageId: row.page_id,
    pageName: row.page_name,
    status: row.status,
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
    lastSuccessAt: iso(row.last_success_at),
    webhookUrl: `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`,
    verifyToken: showToken ? deps.secrets.open(row.verify_token_sealed, row.company_id) : null,
    accessTokenSet: true,
    appSecretSet: true,
    pendingEvents: pending,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

/** What the audit log keeps of a connection: never a secret, only whether one was replaced. */
const auditView = (row: { page_id: string; page_name: string; status: string }) => ({
  pageId: row.page_id,
  pageName: row.page_name,
  status: row.status,
});

/** Who may manage the connections sees the verify token; a reader of the logs does not. */
const manages = (ctx: RequestContext) => can(ctx.actor.role, 'facebook:manage');

export async function listPages(deps: Deps, ctx: RequestContext, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const pending = await repo.pendingCounts(trx);
    const rows = await repo.listPages(trx);
    return { data: rows.map((r) => toConnection(deps, r, baseUrl, pending.get(r.id) ?? 0, manages(ctx))) };
  });
}

export async function getPage(deps: Deps, ctx: RequestContext, id: string, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findPage(trx, id);
    if (!row) throw notFound('Facebook page connection');
    return toConnection(deps, row, baseUrl, (await repo.pendingCounts(trx)).get(id) ?? 0, manages(ctx));
  });
}

/**
 * Connects a Page: its secrets sealed, a verify token generated for the subscription, and the page id entered
 * in the global directory so that Meta's deliveries find the company. A page connected anywhere already is a 409.
 */
export async function connectPage(deps: Deps, ctx: RequestContext, body: ConnectInput, baseUrl: string) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    if (await repo.directoryOf(trx, body.pageId)) {
      throw new AppError('conflict', 'This Facebook page is already connected', {
        errors: [{ path: 'pageId', message: 'is already connected' }],
      });
    }
    const now = deps.clock.now();
    const seal = (value: string) => deps.secrets.seal(value, companyId);
    const verifyToken = randomToken(24);
    const id = newId();
    const row = {
      company_id: companyId,
      id,
      page_id: body.pageId,
      page_name: body.pageName.trim(),
      access_token_sealed: seal(body.accessToken),
      app_secret_sealed: seal(body.appSecret),
      verify_token_sealed: seal(verifyToken),
      status: 'connected',
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    await repo.insertPage(trx, row);
    await repo.insertDirectory(trx, {
      page_id: body.pageId,
      company_id: companyId,
      connection_id: id,
      verify_token_hash: verifyTokenHash(verifyToken),
    });
    await recordAudit(trx, ctx, {
      action: 'facebook.page_connected',
      entityType: 'facebook_page',
      entityId: id,
      before: null,
      after: auditView(row),
      at: now,
    });
    return toConnection(deps, (await repo.findPage(trx, id)) as repo.PageRow, baseUrl, 0);
  });
}

/**
 * Changes a connection. A new access token repairs a broken connection and queues again every lead waiting
 * to be fetched (and resumes paused backfills); a new verify token replaces the old one at once.
 */
export async function updatePage(deps: Deps, ctx: RequestContext, id: string, body: UpdateInput, baseUrl: string) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const current = await repo.lockPage(trx, id);
    if (!current) throw notFound('Facebook page connection');
    const now = deps.clock.now();
    const seal = (value: string) => deps.secrets.seal(value, companyId);
    const changes: Parameters<typeof repo.updatePage>[2] = { updated_at: now };
    if (body.pageName !== undefined) changes.page_name = body.pageName.trim();
    if (body.appSecret !== undefined) changes.app_secret_sealed = seal(body.appSecret);
    if (body.accessToken !== undefined) {
      Object.assign(changes, {
        access_token_sealed: seal(body.accessToken),
        status: 'connected',
        last_error: null,
        last_error_at: null,
      });
    }
    if (body.newVerifyToken) {
      const verifyToken = randomToken(24);
      changes.verify_token_sealed = seal(verifyToken);
      await repo.setDirectoryToken(trx, id, verifyTokenHash(verifyToken));
    }
    await repo.updatePage(trx, id, changes);
    const after = (await repo.findPage(trx, id)) as repo.PageRow;
    const requeued = body.accessToken !== undefined ? await requeue(trx, deps, id) : 0;
    await recordAudit(trx, ctx, {
      action: 'facebook.page_updated',
      entityType: 'facebook_page',
      entityId: id,
      before: auditView(current),
      after: {
        ...auditView(after),
        accessTokenReplaced: body.accessToken !== undefined,
        appSecretReplaced: body.appSecret !== undefined,
        verifyTokenReplaced: body.newVerifyToken === true,
        ...(requeued > 0 ? { leadsRequeued: requeued } : {}),
      },
      at: now,
    });
    return toConnection(deps, after, baseUrl, (await repo.pendingCounts(trx)).get(id) ?? 0);
  });
}

/** Disconnects a Page: deliveries for it are ignored from now on; the leads it brought stay. */
export async function deletePage(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const current = await repo.lockPage(trx, id);
    if (!current) throw notFound('Facebook page connection');
    await repo.deletePage(trx, id);
    await recordAudit(trx, ctx, {
      action: 'facebook.page_disconnected',
      entityType: 'facebook_page',
      entityId: id,
      before: auditView(current),
      after: null,
      at: deps.clock.now(),
    });
  });
}

function toEvent(row: repo.EventRow) {
  return {
    id: row.id,
    via: row.via,
    status: row.status,
    leadgenId: row.leadgen_id,
    pageId: row.page_id,
    formId: row.form_id,
    adId: row.ad_id,
    createdTime: iso(row.created_time),
    leadId: row.lead_id,
    adName: row.ad_name,
    campaignName: row.campaign_name,
    formName: row.form_name,
    error: row.error,
    attempts: row.attempts,
    receivedAt: iso(row.received_at) as string,
    processedAt: iso(row.processed_at),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The connection's log, newest first: every event received, the lead it made, or why it failed. */
export async function listEvents(deps: Deps, ctx: RequestContext, id: string, query: EventsQueryInput) {
  if (query.cursor !== undefined && !UUID.test(query.cursor)) {
    throw new AppError('validation_failed', 'cursor is not one this API issued', {
      errors: [{ path: 'cursor', message: 'is not a cursor this API issued' }],
    });
  }
  const limit = query.limit ?? 50;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await repo.findPage(trx, id))) throw notFound('Facebook page connection');
    const rows = await repo.listEvents(trx, id, { status: query.status, before: query.cursor ?? null, limit });
    const page = rows.slice(0, limit);
    return { data: page.map(toEvent), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  });
}
