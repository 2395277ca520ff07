import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { notify } from '../notifications/index.ts';
import { activeAdmins } from '../users/index.ts';
import { messageId } from './webhooks.events.ts';
import { deliverJob } from './webhooks.jobs.ts';
import * as repo from './webhooks.repository.ts';
import { send } from './webhooks.send.ts';
import { sealContext, signedHeaders } from './webhooks.signing.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The waits after each failed attempt: the first attempt is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Up to this share of a wait is added at random, so retries of many messages do not arrive together. */
export const JITTER = 0.1;
/** An endpoint that has failed without a success for this long is disabled and the admins are told. */
export const FAILING_LIMIT_MS = 5 * DAY;
/** The longest Retry-After we honour. */
const MAX_RETRY_AFTER_MS = DAY;

/** The secrets an endpoint signs with now: its own, and during a rotation's overlap the previous one too. */
export function secretsOf(deps: Deps, endpoint: repo.EndpointRow, now: Date): string[] {
  const context = sealContext(endpoint.company_id, endpoint.id);
  const secrets = [deps.secrets.open(endpoint.secret_sealed, context)];
  const expires = endpoint.previous_secret_expires_at;
  if (endpoint.previous_secret_sealed && expires && new Date(expires).getTime() > now.getTime()) {
    secrets.push(deps.secrets.open(endpoint.previous_secret_sealed, context));
  }
  return secrets;
}

function nextDelayMs(attempt: number, retryAfterSeconds: number | null): number {
  const scheduled = RETRY_DELAYS_MS[attempt - 1] ?? HOUR;
  const jittered = scheduled + Math.floor(Math.random() * scheduled * JITTER);
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * SECOND, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}

async function disable(trx: Tx, endpoint: repo.EndpointRow, reason: string, now: Date): Promise<void> {
  await repo.updateEndpoint(trx, endpoint.id, { enabled: false, disabled_reason: reason, updated_at: now });
  for (const userId of await activeAdmins(trx)) {
    await notify(trx, {
      companyId: endpoint.company_id,
      userId,
      kind: 'webhook_disabled',
      title: 'A webhook endpoint was disabled',
      body: `${endpoint.url}: ${reason}`,
      now,
    });
  }
}

/**
 * Sends one attempt of a pending delivery and records it. A 2xx is success; a 410 disables the endpoint; any
 * other answer (or none within 15 s) schedules the next attempt, honouring Retry-After, until the schedule
 * ends; an endpoint failing for 5 days is disabled. A delivery that is no longer pending is left alone.
 */
export async function deliverOne(trx: Tx, deps: Deps, deliveryId: string): Promise<void> {
  const delivery = await repo.findDelivery(trx, deliveryId, { lock: true });
  if (delivery?.status !== 'pending') return;
  const endpoint = await repo.findEndpoint(trx, delivery.endpoint_id);
  const now = deps.clock.now();
  if (!endpoint) return;
  if (!endpoint.enabled) {
    await repo.updateDelivery(trx, deliveryId, {
      status: 'cancelled',
      last_error: 'the endpoint is disabled',
      next_attempt_at: null,
      finished_at: now,
    });
    return;
  }
  const attempt = delivery.attempts + 1;
  const id = messageId(delivery.event_id);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'iPerform-Webhooks/1',
    ...signedHeaders(secretsOf(deps, endpoint, now), id, Math.floor(now.getTime() / 1000), delivery.body),
  };
  const result = await send(endpoint.url, headers, delivery.body, { allowPrivate: deps.config.webhooksAllowPrivate });
  await repo.insertAttempt(trx, {
    company_id: delivery.company_id,
    id: newId(),
    delivery_id: deliveryId,
    attempt,
    at: now,
    url: endpoint.url,
    request_headers: JSON.stringify(headers),
    response_status: result.status,
    response_body: result.body,
    duration_ms: result.durationMs,
    error: result.error,
  });
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  if (ok) {
    await repo.updateDelivery(trx, deliveryId, {
      status: 'succeeded',
      attempts: attempt,
      last_status: result.status,
      last_error: null,
      next_attempt_at: null,
      finished_at: now,
    });
    // To the minute: concurrent deliveries to one endpoint need not queue on its row after every success.
    const lastSuccess = endpoint.last_success_at ? new Date(endpoint.last_success_at).getTime() : 0;
    if (endpoint.failing_since || now.getTime() - lastSuccess >= MINUTE) {
      await repo.updateEndpoint(trx, endpoint.id, { last_success_at: now, failing_since: null });
    }
    return;
  }
  const error = result.error ?? `answered ${result.status}`;
  const failingSince = endpoint.failing_since ? new Date(endpoint.failing_since) : now;
  await repo.updateEndpoint(trx, endpoint.id, { last_failure_at: now, failing_since: failingSince });
  const gone = result.status === 410;
  const failingTooLong = now.getTime() - failingSince.getTime() >= FAILING_LIMIT_MS;
  const last = gone || failingTooLong || attempt >= MAX_ATTEMPTS;
  const next = last ? null : new Date(now.getTime() + nextDelayMs(attempt, result.retryAfterSeconds));
  await repo.updateDelivery(trx, deliveryId, {
    status: last ? 'failed' : 'pending',
    attempts: attempt,
    last_status: result.status,
    last_error: error,
    next_attempt_at: next,
    finished_at: last ? now : null,
  });
  if (next) await enqueue(trx, deliverJob, { deliveryId }, { runAt: next, now });
  if (gone) await disable(trx, endpoint, 'the endpoint answered 410 Gone', now);
  else if (failingTooLong) await disable(trx, endpoint, 'every delivery has failed for 5 days', now);
}
