import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { WebhookAttempts, WebhookDeliveries, WebhookEndpoints } from '../../db/types.ts';

export type EndpointRow = Selectable<WebhookEndpoints>;
export type DeliveryRow = Selectable<WebhookDeliveries>;
export type AttemptRow = Selectable<WebhookAttempts>;

export async function findEndpoint(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listEndpoints(trx: Tx) {
  return trx.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').limit(500).execute();
}

export async function insertEndpoint(trx: Tx, row: Insertable<WebhookEndpoints>): Promise<void> {
  await trx.insertInto('webhook_endpoints').values(row).execute();
}

export async function updateEndpoint(trx: Tx, id: string, changes: Updateable<WebhookEndpoints>): Promise<void> {
  await trx.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
}

export async function deleteEndpoint(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

export async function enabledEndpoints(trx: Tx) {
  return trx.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', true).execute();
}

/** An event written by the app itself (a test message): already fanned out by its writer. */
export async function insertEvent(
  trx: Tx,
  row: { company_id: string; id: string; type: string; data: unknown; endpoint_id: string; occurred_at: Date },
): Promise<void> {
  await trx
    .insertInto('webhook_events')
    .values({ ...row, data: JSON.stringify(row.data), dispatched_at: row.occurred_at })
    .execute();
}

/** The next events not yet fanned out, oldest first, locked so two dispatch jobs never take the same one. */
export async function pendingEvents(trx: Tx, limit: number) {
  return trx
    .selectFrom('webhook_events')
    .select(['id', 'type', 'data', 'previous', 'endpoint_id', 'occurred_at'])
    .where('dispatched_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markDispatched(trx: Tx, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('webhook_events').set({ dispatched_at: now }).where('id', 'in', ids).execute();
}

export async function insertDeliveries(trx: Tx, rows: Insertable<WebhookDeliveries>[]): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('webhook_deliveries').values(rows).execute();
}

export async function findDelivery(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function updateDelivery(trx: Tx, id: string, changes: Updateable<WebhookDeliveries>): Promise<void> {
  await trx.updateTable('webhook_deliveries').set(changes).where('id', '=', id).execute();
}

export async function insertAttempt(trx: Tx, row: Insertable<WebhookAttempts>): Promise<void> {
  await trx.insertInto('webhook_attempts').values(row).execute();
}

/** An endpoint's deliveries, newest first, a page at a time (ids are UUIDv7: newer sorts later). */
export async function listDeliveries(trx: Tx, endpointId: string, options: { limit: number; before?: string }) {
  let query = trx
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before) query = query.where('id', '<', options.before);
  return query.execute();
}

export async function attemptsOf(trx: Tx, deliveryIds: string[]) {
  if (deliveryIds.length === 0) return [];
  return trx
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
}

/**
 * The endpoint's failed deliveries created since `since` whose event has not been delivered or queued to it
 * again since (so replaying twice sends each message once more, not twice).
 */
export async function failedSince(trx: Tx, endpointId: string, since: Date, limit: number) {
  return trx
    .selectFrom('webhook_deliveries as d')
    .selectAll('d')
    .where('d.endpoint_id', '=', endpointId)
    .where('d.status', 'in', ['failed', 'cancelled'])
    .where('d.created_at', '>=', since)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as later')
            .select(sql`1`.as('one'))
            .whereRef('later.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('later.event_id', '=', 'd.event_id')
            .whereRef('later.id', '>', 'd.id'),
        ),
      ),
    )
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

/** Deletes deliveries finished before `before` (their attempts go with them), then the events no delivery keeps. */
export async function pruneBefore(trx: Tx, before: Date): Promise<void> {
  await trx.deleteFrom('webhook_deliveries').where('finished_at', '<', before).execute();
  await trx
    .deleteFrom('webhook_events as e')
    .where('e.dispatched_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('webhook_deliveries as d').select(sql`1`.as('one')).whereRef('d.event_id', '=', 'e.id'))),
    )
    .execute();
}
