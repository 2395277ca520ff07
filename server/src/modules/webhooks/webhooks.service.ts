import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { type EndpointFilter, messageBody, messageId, TEST_EVENT } from './webhooks.events.ts';
import { deliverJob } from './webhooks.jobs.ts';
import * as repo from './webhooks.repository.ts';
import type { CreateEndpointInput, UpdateEndpointInput } from './webhooks.schemas.ts';
import { newSecret, sealContext } from './webhooks.signing.ts';

/** How long a rotated-out secret keeps signing, so receivers can switch without losing a message. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
const REPLAY_LIMIT = 1000;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** An http(s) URL with a host and no credentials in it (they would show in logs): 400 naming `url` otherwise. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw fieldError('validation_failed', 'url', 'must be an absolute http or https URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw fieldError('validation_failed', 'url', 'must be an http or https URL');
  }
  if (!parsed.hostname) throw fieldError('validation_failed', 'url', 'must name a host');
  if (parsed.username || parsed.password) {
    throw fieldError('validation_failed', 'url', 'must not carry a user name or password');
  }
  return parsed.toString();
}

export function toEndpoint(row: repo.EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    filter: row.filter as EndpointFilter,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    failingSince: iso(row.failing_since),
    lastSuccessAt: iso(row.last_success_at),
    lastFailureAt: iso(row.last_failure_at),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

/** What the audit log keeps of an endpoint: never its secret. */
function snapshot(row: repo.EndpointRow) {
  return {
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    filter: row.filter,
    enabled: row.enabled,
  };
}

function toDelivery(row: repo.DeliveryRow, attempts: repo.AttemptRow[] = []) {
  return {
    id: row.id,
    messageId: messageId(row.event_id),
    eventType: row.event_type,
    status: row.status as 'pending' | 'succeeded' | 'failed' | 'cancelled',
    body: row.body,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: iso(row.created_at) as string,
    finishedAt: iso(row.finished_at),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      at: iso(a.at) as string,
      request: { url: a.url, headers: a.request_headers as Record<string, string> },
      responseStatus: a.response_status,
      responseBody: a.response_body,
      durationMs: a.duration_ms,
      error: a.error,
    })),
  };
}

/** One of the company's endpoints; 404 otherwise (another company's included). */
async function endpointOf(trx: Tx, id: string, lock = false): Promise<repo.EndpointRow> {
  const row = await repo.findEndpoint(trx, id, { lock });
  if (!row) throw notFound('webhook endpoint');
  return row;
}

function mustBeEnabled(row: repo.EndpointRow): void {
  if (!row.enabled) throw new AppError('webhook_endpoint_disabled', 'Enable the endpoint first (PATCH enabled: true)');
}

export async function listEndpoints(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listEndpoints(trx)).map(toEndpoint),
  }));
}

export async function getEndpoint(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toEndpoint(await endpointOf(trx, id)));
}

export async function createEndpoint(deps: Deps, ctx: RequestContext, body: CreateEndpointInput) {
  const url = checkUrl(body.url);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const id = newId();
    const secret = newSecret();
    await repo.insertEndpoint(trx, {
      company_id: ctx.actor.companyId,
      id,
      url,
      description: body.description?.trim() ?? '',
      event_types: body.eventTypes,
      filter: JSON.stringify(body.filter ?? {}),
      enabled: body.enabled ?? true,
      secret_sealed: deps.secrets.seal(secret, sealContext(ctx.actor.companyId, id)),
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    const row = await endpointOf(trx, id);
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: id,
      after: snapshot(row),
    });
    return { ...toEndpoint(row), secret };
  });
}

export async function updateEndpoint(deps: Deps, ctx: RequestContext, id: string, body: UpdateEndpointInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await endpointOf(trx, id, true);
    const url = body.url === undefined ? undefined : checkUrl(body.url);
    const now = deps.clock.now();
    const resumed = body.enabled === true && !before.enabled;
    await repo.updateEndpoint(trx, id, {
      ...(url !== undefined ? { url } : {}),
      ...(body.description !== undefined ? { description: body.description.trim() } : {}),
      ...(body.eventTypes !== undefined ? { event_types: body.eventTypes } : {}),
      ...(body.filter !== undefined ? { filter: JSON.stringify(body.filter) } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      // Resuming starts afresh: the 5-day failure count too.
      ...(resumed ? { disabled_reason: null, failing_since: null } : {}),
      updated_at: now,
    });
    const after = await endpointOf(trx, id);
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.updated',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toEndpoint(after);
  });
}

export async function deleteEndpoint(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await endpointOf(trx, id, true);
    await repo.deleteEndpoint(trx, id);
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.deleted',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: snapshot(before),
    });
  });
}

/** A new secret, shown once; the current one keeps signing beside it for 24 hours. */
export async function rotateSecret(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await endpointOf(trx, id, true);
    const now = deps.clock.now();
    const secret = newSecret();
    await repo.updateEndpoint(trx, id, {
      secret_sealed: deps.secrets.seal(secret, sealContext(ctx.actor.companyId, id)),
      previous_secret_sealed: before.secret_sealed,
      previous_secret_expires_at: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.secret_rotated',
      entityType: 'webhook_endpoint',
      entityId: id,
    });
    return { ...toEndpoint(await endpointOf(trx, id)), secret };
  });
}

async function queueDelivery(
  trx: Tx,
  deps: Deps,
  source: { endpointId: string; eventId: string; type: string; body: string },
) {
  const now = deps.clock.now();
  const row = {
    company_id: (await endpointOf(trx, source.endpointId)).company_id,
    id: newId(),
    endpoint_id: source.endpointId,
    event_id: source.eventId,
    event_type: source.type,
    body: source.body,
    status: 'pending',
    next_attempt_at: now,
    created_at: now,
  };
  await repo.insertDeliveries(trx, [row]);
  await enqueue(trx, deliverJob, { deliveryId: row.id }, { runAt: now });
  return (await repo.findDelivery(trx, row.id)) as repo.DeliveryRow;
}

/** Sends a `webhook.test` message to the endpoint now (through the worker, as every message). */
export async function sendTest(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const endpoint = await endpointOf(trx, id);
    mustBeEnabled(endpoint);
    const now = deps.clock.now();
    const eventId = newId();
    const data = { endpointId: id, message: 'A test message from iPerform' };
    await repo.insertEvent(trx, {
      company_id: ctx.actor.companyId,
      id: eventId,
      type: TEST_EVENT,
      data,
      endpoint_id: id,
      occurred_at: now,
    });
    const body = messageBody(TEST_EVENT, now, data);
    return toDelivery(await queueDelivery(trx, deps, { endpointId: id, eventId, type: TEST_EVENT, body }));
  });
}

export async function listDeliveries(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  query: { limit?: number; cursor?: string },
) {
  const limit = query.limit ?? 25;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await endpointOf(trx, id);
    if (query.cursor !== undefined && !isUuid(query.cursor)) {
      throw fieldError('validation_failed', 'cursor', 'is not a cursor this list gave');
    }
    const rows = await repo.listDeliveries(trx, id, { limit, ...(query.cursor ? { before: query.cursor } : {}) });
    const page = rows.slice(0, limit);
    const attempts = await repo.attemptsOf(
      trx,
      page.map((r) => r.id),
    );
    return {
      data: page.map((r) =>
        toDelivery(
          r,
          attempts.filter((a) => a.delivery_id === r.id),
        ),
      ),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  });
}

/** Sends one message again, with the same `webhook-id`, as a new delivery with its own attempts. */
export async function replayDelivery(deps: Deps, ctx: RequestContext, deliveryId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const original = await repo.findDelivery(trx, deliveryId);
    if (!original) throw notFound('webhook delivery');
    mustBeEnabled(await endpointOf(trx, original.endpoint_id));
    const replay = await queueDelivery(trx, deps, {
      endpointId: original.endpoint_id,
      eventId: original.event_id,
      type: original.event_type,
      body: original.body,
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.replayed',
      entityType: 'webhook_endpoint',
      entityId: original.endpoint_id,
      after: { deliveryIds: [deliveryId] },
    });
    return toDelivery(replay);
  });
}

/** Replays every message to the endpoint that failed since `since` and has not been sent again since. */
export async function replaySince(deps: Deps, ctx: RequestContext, id: string, since: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const endpoint = await endpointOf(trx, id, true);
    const from = new Date(since);
    if (Number.isNaN(from.getTime())) throw fieldError('validation_failed', 'since', 'must be a date-time');
    mustBeEnabled(endpoint);
    const failed = await repo.failedSince(trx, id, from, REPLAY_LIMIT);
    const deliveryIds: string[] = [];
    for (const d of failed) {
      const replay = await queueDelivery(trx, deps, {
        endpointId: id,
        eventId: d.event_id,
        type: d.event_type,
        body: d.body,
      });
      deliveryIds.push(replay.id);
    }
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.replayed',
      entityType: 'webhook_endpoint',
      entityId: id,
      after: { since: from.toISOString(), deliveryIds: failed.map((d) => d.id) },
    });
    return { replayed: deliveryIds.length, deliveryIds };
  });
}
