import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';
import { updateEndpoint } from './webhooks.service.ts';

/**
 * The webhook endpoints as the integrations home shows them: enabled and not failing is connected, failing
 * since some time is broken, disabled (by an admin, a 410 or five days of failures) is paused. Counts are the
 * deliveries finished since `since` (midnight in the company's time zone). Never the secret.
 */
export async function webhookConnections(trx: Tx, since: Date): Promise<ConnectionReport[]> {
  const rows = await trx
    .selectFrom('webhook_endpoints as e')
    .select([
      'e.id',
      'e.url',
      'e.description',
      'e.enabled',
      'e.disabled_reason',
      'e.failing_since',
      'e.last_success_at',
      'e.last_failure_at',
      (eb) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select('d.last_error')
          .whereRef('d.endpoint_id', '=', 'e.id')
          .where('d.last_error', 'is not', null)
          .orderBy('d.created_at', 'desc')
          .limit(1)
          .as('last_error'),
      (eb) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('d.endpoint_id', '=', 'e.id')
          .where('d.status', '=', 'succeeded')
          .where('d.finished_at', '>=', since)
          .as('delivered'),
      (eb) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('d.endpoint_id', '=', 'e.id')
          .where('d.status', '=', 'failed')
          .where('d.finished_at', '>=', since)
          .as('failed'),
    ])
    .orderBy('e.created_at')
    .execute();
  return rows.map((row) => ({
    kind: 'webhook' as const,
    id: row.id,
    name: row.description || row.url,
    status: !row.enabled ? 'paused' : row.failing_since ? 'broken' : 'connected',
    statusReason: !row.enabled
      ? (row.disabled_reason ?? 'disabled')
      : row.failing_since
        ? `failing since ${isoOf(row.failing_since)}`
        : null,
    lastSuccessAt: isoOf(row.last_success_at),
    lastError:
      row.last_failure_at || row.last_error
        ? { message: row.last_error ?? 'delivery failed', at: isoOf(row.last_failure_at) }
        : null,
    today: { delivered: Number(row.delivered ?? 0), failed: Number(row.failed ?? 0) },
    pausable: true,
  }));
}

/** Pauses (disables) or resumes (enables) an endpoint, as PATCH enabled does: audited, 404 when not the caller's. */
export async function setEndpointEnabled(deps: Deps, ctx: RequestContext, id: string, enabled: boolean) {
  await updateEndpoint(deps, ctx, id, { enabled });
}
