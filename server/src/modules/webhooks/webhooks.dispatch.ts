import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, enqueueMany } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { type EndpointFilter, eventData, messageBody, passesFilter, TEST_EVENT } from './webhooks.events.ts';
import { deliverJob, dispatchJob } from './webhooks.jobs.ts';
import * as repo from './webhooks.repository.ts';

const BATCH = 500;
const BATCHES_PER_RUN = 20;

type Row = Record<string, unknown>;

/**
 * Turns the pending events into one delivery per matching endpoint (enabled, subscribed to the type, its
 * filter passed), each with the exact body it will be sent with, and queues their first attempt now.
 */
export async function dispatchEvents(trx: Tx, deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const endpoints = await repo.enabledEndpoints(trx);
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    const events = await repo.pendingEvents(trx, BATCH);
    if (events.length === 0) return;
    const deliveries: Parameters<typeof repo.insertDeliveries>[1] = [];
    for (const event of events) {
      const targets = endpoints.filter((e) =>
        event.endpoint_id
          ? e.id === event.endpoint_id
          : event.type !== TEST_EVENT && e.event_types.includes(event.type),
      );
      if (targets.length === 0) continue;
      const data = eventData(event.type, event.data as Row, (event.previous as Row | null) ?? null);
      const body = messageBody(event.type, new Date(event.occurred_at), data);
      for (const endpoint of targets) {
        if (!event.endpoint_id && !passesFilter(event.type, data, endpoint.filter as EndpointFilter)) continue;
        deliveries.push({
          company_id: endpoint.company_id,
          id: newId(),
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_type: event.type,
          body,
          status: 'pending',
          next_attempt_at: now,
          created_at: now,
        });
      }
    }
    await repo.insertDeliveries(trx, deliveries);
    await enqueueMany(
      trx,
      deliverJob,
      deliveries.map((d) => ({ payload: { deliveryId: d.id as string }, runAt: now })),
      now,
    );
    await repo.markDispatched(
      trx,
      events.map((e) => e.id),
      now,
    );
    if (events.length < BATCH) return;
  }
  // More than one run's worth: the rest in a run of its own, so no transaction grows without bound.
  await enqueue(trx, dispatchJob, {}, { runAt: now });
}

/** How long the delivery log keeps a finished delivery (and its attempts). */
export const KEEP_DAYS = 30;

export async function pruneDeliveries(trx: Tx, deps: Deps): Promise<void> {
  await repo.pruneBefore(trx, new Date(deps.clock.now().getTime() - KEEP_DAYS * 86_400_000));
}
