import { createHash } from 'node:crypto';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { LeadRow } from '../leads/index.ts';
import { type Connector, type ConnectorContext, ErpError, type FieldValue } from './connector.ts';
import { connectorOf, contextFor } from './erp.context.ts';
import { pushJob } from './erp.jobs.ts';
import { findLiveLead } from './erp.leads.ts';
import { type MappingField, sameValue, toErpFields } from './erp.mapping.ts';
import type { ConnectionRow, LinkRow } from './erp.repository.ts';
import * as repo from './erp.repository.ts';
import { type Counts, errorText, finishRun, insertRun, markBroken } from './erp.runs.ts';
import { attachDocuments, reconcile } from './erp.sync.ts';

/**
 * The push side: the `erp.push` job drains the outbox (won leads, edited linked leads, manual pushes, due
 * retries). Each lead is pushed in its own transaction: the ERP write first (idempotent on the ERP's side for
 * the lead's key, so a retry after a crash or timeout finds what the first try created), then our link, the
 * outbox row and the audit row commit together. A failure goes to the error queue with the ERP's own message;
 * what may pass later (throttling, a timeout, a stale version) is retried with backoff, what needs a person
 * (refused data, a duplicate) waits for retry or skip from the web app.
 */

const BATCH = 50;
/** Backoff of a failing push: 30 s, 2 min, 8 min, 32 min, then every 2 hours. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, attempts - 1), 2 * 3600_000);
}

/** The key a lead's customer is created under in one connection: stable, so a retried create finds the first. */
export function pushKey(connectionId: string, leadId: string): string {
  const hex = createHash('sha256').update(`${connectionId}:${leadId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface Item {
  connection_id: string;
  lead_id: string;
  reason: string;
}

export async function runPush(_trx: Tx, deps: Deps, job: Job<object>): Promise<void> {
  const companyId = job.companyId;
  // Retries that came due go back into the outbox.
  await withTenant(deps.db, companyId, async (trx) => {
    const due = await trx
      .selectFrom('erp_errors')
      .select(['id', 'connection_id', 'lead_id'])
      .where('status', '=', 'open')
      .where('direction', '=', 'push')
      .where('next_retry_at', '<=', deps.clock.now())
      .where('lead_id', 'is not', null)
      .execute();
    for (const e of due) {
      await trx
        .insertInto('erp_outbox')
        .values({
          company_id: companyId,
          connection_id: e.connection_id,
          lead_id: e.lead_id as string,
          reason: 'retry',
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx.updateTable('erp_errors').set({ next_retry_at: null }).where('id', '=', e.id).execute();
    }
  });
  const runs = new Map<string, { run: repo.RunRow; counts: Counts }>();
  const contexts = new Map<string, ConnectorContext>();
  const skip = new Set<string>();
  // Each queued lead is tried once per run: one another worker holds (or one that stays queued) is left for later.
  const tried = new Set<string>();
  for (;;) {
    const items = await withTenant(deps.db, companyId, (trx) =>
      trx
        .selectFrom('erp_outbox as o')
        .innerJoin('erp_connections as c', (j) =>
          j.onRef('c.company_id', '=', 'o.company_id').onRef('c.id', '=', 'o.connection_id'),
        )
        .select(['o.connection_id', 'o.lead_id', 'o.reason'])
        .where('c.status', '=', 'connected')
        .$if(skip.size > 0, (q) => q.where('o.connection_id', 'not in', [...skip]))
        .orderBy('o.queued_at')
        .limit(BATCH)
        .execute(),
    );
    const fresh = items.filter((i) => !tried.has(`${i.connection_id}:${i.lead_id}`));
    if (fresh.length === 0) break;
    for (const item of fresh) {
      tried.add(`${item.connection_id}:${item.lead_id}`);
      if (skip.has(item.connection_id)) continue;
      const outcome = await pushOne(deps, job, item, runs, contexts);
      if (outcome === 'stop') skip.add(item.connection_id);
    }
  }
  for (const { run, counts } of runs.values()) await finishRun(deps, run, { counts });
  // The next due retry, if any, wakes the job again.
  await withTenant(deps.db, companyId, async (trx) => {
    const next = await trx
      .selectFrom('erp_errors')
      .select((eb) => eb.fn.min('next_retry_at').as('at'))
      .where('status', '=', 'open')
      .where('direction', '=', 'push')
      .executeTakeFirst();
    if (next?.at) {
      const pending = await trx
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'erp.push')
        .where('done_at', 'is', null)
        .where('run_at', '>=', new Date(next.at))
        .where('id', '!=', job.id)
        .executeTakeFirst();
      if (!pending) await enqueue(trx, pushJob, {}, { runAt: new Date(next.at), now: deps.clock.now() });
    }
  });
}

async function pushOne(
  deps: Deps,
  job: Job<object>,
  item: Item,
  runs: Map<string, { run: repo.RunRow; counts: Counts }>,
  contexts: Map<string, ConnectorContext>,
): Promise<'ok' | 'failed' | 'stop'> {
  const companyId = job.companyId;
  const ctxAudit = jobContext(job);
  // A failure on our side (not the ERP's) rolls the lead's transaction back: it stays queued and the job retries.
  return await withTenant(deps.db, companyId, async (trx) => {
    const connection = await repo.findConnection(trx, item.connection_id);
    const locked = await trx
      .selectFrom('erp_outbox')
      .selectAll()
      .where('connection_id', '=', item.connection_id)
      .where('lead_id', '=', item.lead_id)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!connection || !locked) return 'ok';
    const done = () =>
      trx
        .deleteFrom('erp_outbox')
        .where('connection_id', '=', item.connection_id)
        .where('lead_id', '=', item.lead_id)
        .execute();
    const lead = await findLiveLead(trx, item.lead_id);
    if (!lead) {
      await done();
      return 'ok';
    }
    let entry = runs.get(connection.id);
    if (!entry) {
      const run = await withTenant(deps.db, companyId, (t) =>
        insertRun(
          t,
          deps,
          connection,
          'push',
          item.reason === 'won' ? 'won' : item.reason === 'retry' ? 'retry' : 'manual',
          null,
          'running',
        ),
      );
      entry = { run, counts: {} };
      runs.set(connection.id, entry);
    }
    const counts = entry.counts;
    let ctx = contexts.get(connection.id);
    if (!ctx) {
      ctx = contextFor(deps, connection);
      contexts.set(connection.id, ctx);
    }
    const connector = connectorOf(connection);
    const mapping = connection.mapping as unknown as MappingField[];
    const link = await repo.linkOfLead(trx, connection.id, lead.id);
    try {
      if (!link) {
        const fields = toErpFields(lead, mapping, connector);
        const created = await connector.createCustomer(ctx, fields, pushKey(connection.id, lead.id));
        await saveLink(trx, deps, connection, lead.id, created.externalId, created.version, created.updatedAt, {
          ...fields,
          ...pick(created.fields, mapping),
        });
        await attachDocuments(trx, connection.id, created.externalId, lead.id);
        await recordAudit(trx, ctxAudit, {
          action: 'erp.customer_created',
          entityType: 'lead',
          entityId: lead.id,
          after: { connection: connection.name, externalId: created.externalId, fields },
          at: deps.clock.now(),
        });
        counts.customersCreated = (counts.customersCreated ?? 0) + 1;
      } else {
        const written = await pushChanges(trx, deps, ctxAudit, connection, connector, ctx, mapping, lead, link);
        if (written) counts.customersUpdated = (counts.customersUpdated ?? 0) + 1;
      }
      await resolveErrors(trx, deps, connection.id, lead.id);
      await done();
      return 'ok';
    } catch (error) {
      if (!(error instanceof ErpError)) throw error;
      await queueError(trx, deps, connection, lead.id, link?.external_id ?? null, error);
      await done();
      counts.errors = (counts.errors ?? 0) + 1;
      if (error.kind === 'auth_revoked' || error.kind === 'auth') {
        await markBroken(trx, deps, connection.id, errorText(error));
        return 'stop';
      }
      return error.kind === 'throttled' || error.kind === 'unavailable' ? 'stop' : 'failed';
    }
  });
}

const pick = (fields: Record<string, FieldValue>, mapping: MappingField[]) =>
  Object.fromEntries(mapping.filter((f) => f.erpField in fields).map((f) => [f.erpField, fields[f.erpField] ?? null]));

async function saveLink(
  trx: Tx,
  deps: Deps,
  connection: ConnectionRow,
  leadId: string,
  externalId: string,
  version: string | null,
  updatedAt: string | null,
  synced: Record<string, FieldValue>,
) {
  const now = deps.clock.now();
  await trx
    .insertInto('erp_links')
    .values({
      company_id: connection.company_id,
      connection_id: connection.id,
      external_id: externalId,
      lead_id: leadId,
      status: 'linked',
      version,
      erp_updated_at: updatedAt,
      synced: JSON.stringify(synced),
      synced_at: now,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['company_id', 'connection_id', 'external_id']).doUpdateSet({
        lead_id: leadId,
        status: 'linked',
        version,
        erp_updated_at: updatedAt,
        synced: JSON.stringify(synced),
        deleted_in_erp: false,
        synced_at: now,
      }),
    )
    .execute();
}

/**
 * Pushes the mapped fields iPerform owns (policy iperform, or latest) that changed since the last sync. A stale
 * version means the books changed the customer meanwhile: it is read again and reconciled (which may take ERP
 * values or open conflicts), and the write is tried once more with the new version.
 */
async function pushChanges(
  trx: Tx,
  deps: Deps,
  ctxAudit: ReturnType<typeof jobContext>,
  connection: ConnectionRow,
  connector: Connector,
  ctx: ConnectorContext,
  mapping: MappingField[],
  lead: LeadRow,
  link: LinkRow,
): Promise<boolean> {
  let current = link;
  let row = lead;
  for (let attempt = 0; ; attempt++) {
    const base = current.synced as Record<string, FieldValue>;
    const conflicted = new Set(
      (
        await trx
          .selectFrom('erp_conflicts')
          .select('erp_field')
          .where('connection_id', '=', connection.id)
          .where('lead_id', '=', lead.id)
          .where('status', '=', 'open')
          .execute()
      ).map((r) => r.erp_field),
    );
    const ours = toErpFields(row, mapping, connector, (f) => f.policy !== 'erp' && !conflicted.has(f.erpField));
    const changed = Object.fromEntries(Object.entries(ours).filter(([k, v]) => !sameValue(v, base[k])));
    if (Object.keys(changed).length === 0) return false;
    try {
      const updated = await connector.updateCustomer(ctx, current.external_id, current.version, changed);
      await saveLink(trx, deps, connection, lead.id, current.external_id, updated.version, updated.updatedAt, {
        ...base,
        ...changed,
      });
      await recordAudit(trx, ctxAudit, {
        action: 'erp.customer_updated',
        entityType: 'lead',
        entityId: lead.id,
        before: Object.fromEntries(Object.keys(changed).map((k) => [k, base[k] ?? null])),
        after: { connection: connection.name, externalId: current.external_id, ...changed },
        at: deps.clock.now(),
      });
      return true;
    } catch (error) {
      if (!(error instanceof ErpError) || error.kind !== 'stale' || attempt > 0) throw error;
      // The books changed the customer meanwhile: read it again and settle it (which may take the ERP's values
      // or open conflicts), then write what is still ours with the new version.
      const fresh = await connector.getCustomer(ctx, current.external_id);
      if (!fresh) throw new ErpError('not_found', `${connector.label} no longer has customer ${current.external_id}`);
      await reconcile(trx, { deps, ctx: ctxAudit, connection, connector, mapping, counts: {} }, current, fresh);
      current = (await repo.findLink(trx, connection.id, current.external_id)) ?? current;
      row = (await findLiveLead(trx, lead.id)) ?? row;
    }
  }
}

async function resolveErrors(trx: Tx, deps: Deps, connectionId: string, leadId: string) {
  await trx
    .updateTable('erp_errors')
    .set({ status: 'resolved', next_retry_at: null, updated_at: deps.clock.now() })
    .where('connection_id', '=', connectionId)
    .where('lead_id', '=', leadId)
    .where('direction', '=', 'push')
    .where('status', '=', 'open')
    .execute();
}

async function queueError(
  trx: Tx,
  deps: Deps,
  connection: ConnectionRow,
  leadId: string,
  externalId: string | null,
  error: ErpError,
) {
  const now = deps.clock.now();
  const existing = await trx
    .selectFrom('erp_errors')
    .select(['id', 'attempts'])
    .where('connection_id', '=', connection.id)
    .where('lead_id', '=', leadId)
    .where('direction', '=', 'push')
    .where('status', '=', 'open')
    .executeTakeFirst();
  const attempts = (existing?.attempts ?? 0) + 1;
  const retryAt =
    error.kind === 'throttled' && error.retryAfterSeconds !== null
      ? new Date(now.getTime() + error.retryAfterSeconds * 1000)
      : error.transient
        ? new Date(now.getTime() + backoffMs(attempts))
        : null;
  const values = {
    kind: error.kind,
    message: error.message,
    vendor_code: error.vendorCode,
    attempts,
    next_retry_at: retryAt,
    external_id: externalId,
    updated_at: now,
  };
  if (existing) {
    await trx.updateTable('erp_errors').set(values).where('id', '=', existing.id).execute();
  } else {
    await trx
      .insertInto('erp_errors')
      .values({
        company_id: connection.company_id,
        id: newId(),
        connection_id: connection.id,
        direction: 'push',
        entity: 'customer',
        lead_id: leadId,
        status: 'open',
        created_at: now,
        ...values,
      })
      .execute();
  }
  if (retryAt) await enqueue(trx, pushJob, {}, { runAt: retryAt, now });
}
