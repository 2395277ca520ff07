import { type Insertable, sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { newId } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { createLeads, loadWriteContext, writeLead } from '../leads/commands.ts';
import { type CreateLeadInput, type LeadRow, toColumns } from '../leads/index.ts';
import { leadIsLive } from '../leads/scope.ts';
import {
  type Connector,
  ErpError,
  type ExternalCustomer,
  type ExternalInvoice,
  type ExternalPayment,
  type FieldValue,
  type Page,
} from './connector.ts';
import { connectorOf, contextFor } from './erp.context.ts';
import { syncJob } from './erp.jobs.ts';
import { findLiveLead } from './erp.leads.ts';
import { fromErpValue, leadInputFor, type MappingField, sameValue, toErpFields } from './erp.mapping.ts';
import type { ConnectionRow, LinkRow } from './erp.repository.ts';
import * as repo from './erp.repository.ts';
import { type Counts, finishRun, insertRun, loadQueuedRun, progress } from './erp.runs.ts';

/**
 * The pull side of a sync run: customers, then invoices, then payments, each read page by page from its
 * checkpoint. A page and its checkpoint commit together in one transaction, so a run that stops half way (the ERP
 * throttles, the process restarts) starts again where it stopped and never skips or doubles a record: every
 * record is upserted by its external id.
 *
 * A customer the ERP holds is linked to the lead it came from, or matched to an existing lead (the connector's
 * match fields, strongest first, one live lead exactly), or listed for review. For a linked customer, every mapped
 * field the ERP changed since the last sync is settled by the field's policy (see erp.mapping.ts): written to the
 * lead through the lead write path (audited, on the timeline), pushed back over, or queued for review.
 */

type Checkpoints = Partial<Record<'customer' | 'invoice' | 'payment', string | null>>;

interface SyncState {
  deps: Deps;
  ctx: RequestContext;
  connection: ConnectionRow;
  connector: Connector;
  mapping: MappingField[];
  counts: Counts;
}

const bump = (counts: Counts, name: string, by = 1) => {
  counts[name] = (counts[name] ?? 0) + by;
};

export async function runSync(_trx: Tx, deps: Deps, job: Job<{ runId: string }>): Promise<void> {
  const loaded = await loadQueuedRun(deps, job.companyId, job.payload.runId);
  if (!loaded) return;
  const { run, connection } = loaded;
  const counts: Counts = {};
  if (connection.status !== 'connected') {
    await finishRun(deps, run, { counts, error: new Error(`The connection is ${connection.status}`) });
    return;
  }
  const connector = connectorOf(connection);
  const state: SyncState = {
    deps,
    ctx: jobContext(job),
    connection,
    connector,
    mapping: connection.mapping as unknown as MappingField[],
    counts,
  };
  const ctx = contextFor(deps, connection);
  try {
    await pull(state, run, 'customer', (cp) => connector.readCustomers(ctx, cp), eachCustomer);
    if (connector.readInvoices) {
      const read = connector.readInvoices.bind(connector);
      await pull(state, run, 'invoice', (cp) => read(ctx, cp), applyInvoices);
    }
    if (connector.readPayments) {
      const read = connector.readPayments.bind(connector);
      await pull(state, run, 'payment', (cp) => read(ctx, cp), applyPayments);
    }
    await finishRun(deps, run, { counts });
  } catch (error) {
    await finishRun(deps, run, { counts, error });
    if (error instanceof ErpError && (error.kind === 'throttled' || error.kind === 'unavailable')) {
      await resumeLater(deps, connection, error);
    }
  }
}

/** Consecutive failed syncs after which a throttled or unreachable ERP waits for its schedule or a person. */
const RESUME_ATTEMPTS = 3;

/**
 * A sync stopped by a throttling or unreachable ERP is queued again for when the ERP said (Retry-After) or in five
 * minutes; it resumes from the checkpoints it committed. After three failures in a row it waits for the next
 * schedule, notification or "Sync now", so a long outage does not loop.
 */
async function resumeLater(deps: Deps, connection: ConnectionRow, error: ErpError): Promise<void> {
  await withTenant(deps.db, connection.company_id, async (trx) => {
    const recent = await trx
      .selectFrom('erp_runs')
      .select('status')
      .where('connection_id', '=', connection.id)
      .where('kind', '=', 'sync')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(RESUME_ATTEMPTS)
      .execute();
    if (recent.length >= RESUME_ATTEMPTS && recent.every((r) => r.status === 'failed')) return;
    if (await repo.activeRun(trx, connection.id, 'sync')) return;
    const run = await insertRun(trx, deps, connection, 'sync', 'retry', null);
    const now = deps.clock.now();
    const runAt = new Date(now.getTime() + (error.retryAfterSeconds ?? 300) * 1000);
    await enqueue(trx, syncJob, { runId: run.id }, { runAt, now });
  });
}

async function pull<T>(
  state: SyncState,
  run: repo.RunRow,
  entity: 'customer' | 'invoice' | 'payment',
  read: (checkpoint: string | null) => Promise<Page<T>>,
  apply: (trx: Tx, state: SyncState, records: T[]) => Promise<void>,
): Promise<void> {
  const { deps, connection } = state;
  for (;;) {
    const checkpoints = await withTenant(deps.db, connection.company_id, async (trx) => {
      const row = await repo.findConnection(trx, connection.id);
      return (row?.checkpoints ?? {}) as Checkpoints;
    });
    const from = checkpoints[entity] ?? null;
    const page = await read(from);
    await withTenant(deps.db, connection.company_id, async (trx) => {
      await apply(trx, state, page.records);
      await sql`UPDATE erp_connections SET checkpoints = checkpoints || ${JSON.stringify({ [entity]: page.checkpoint })}::jsonb
        WHERE company_id = ${connection.company_id} AND id = ${connection.id}`.execute(trx);
    });
    bump(state.counts, `${entity}sRead`, page.records.length);
    await progress(deps, run, `${entity}s`, state.counts);
    // A page may be empty while more follow (Tally reads by AlterID ranges); one that does not move the checkpoint
    // would never end.
    if (!page.more || (page.records.length === 0 && page.checkpoint === from)) return;
  }
}

/** A page of customers: their links read in one query, then each settled in turn. */
async function eachCustomer(trx: Tx, state: SyncState, records: ExternalCustomer[]) {
  const ids = [...new Set(records.map((r) => r.externalId))];
  const links =
    ids.length === 0
      ? []
      : await trx
          .selectFrom('erp_links')
          .selectAll()
          .where('connection_id', '=', state.connection.id)
          .where('external_id', 'in', ids)
          .execute();
  const known = new Map(links.map((l) => [l.external_id, l]));
  const unlinked = records.filter((r) => !r.deleted && !known.has(r.externalId));
  const matched = await matchPage(trx, state, unlinked);
  if (state.connector.unmatchedBecomeLeads) {
    const seenHere = new Set<string>();
    const fresh = unlinked.filter(
      (r) => !matched.has(r.externalId) && !seenHere.has(r.externalId) && seenHere.add(r.externalId),
    );
    for (const [externalId, leadId] of await leadsFromRecords(trx, state, fresh)) matched.set(externalId, [leadId]);
  }
  const seen = new Set<string>();
  for (const record of records) {
    // A page may carry a customer twice (an overlap window): the second copy reads what the first wrote.
    const again = seen.has(record.externalId);
    seen.add(record.externalId);
    await applyCustomer(
      trx,
      state,
      record,
      again ? undefined : (known.get(record.externalId) ?? null),
      again ? undefined : matched,
    );
  }
}

// Customers -------------------------------------------------------------------------------------------------

/** The mapped ERP values of a customer, keyed by ERP field: what `synced` keeps. */
function mappedOf(record: ExternalCustomer, mapping: MappingField[]): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of mapping) out[f.erpField] = record.fields[f.erpField] ?? null;
  return out;
}

/** Settles one customer; `known` is its link when the caller read it already (null: none), else it is read. */
export async function applyCustomer(
  trx: Tx,
  state: SyncState,
  record: ExternalCustomer,
  known?: LinkRow | null,
  matched?: Map<string, string[]>,
): Promise<void> {
  const { deps, connection } = state;
  const now = deps.clock.now();
  const link = known === undefined ? await repo.findLink(trx, connection.id, record.externalId) : known;
  if (record.deleted) {
    if (link) {
      await trx
        .updateTable('erp_links')
        .set({ deleted_in_erp: true, synced_at: now })
        .where('connection_id', '=', connection.id)
        .where('external_id', '=', record.externalId)
        .execute();
    }
    bump(state.counts, 'customersDeleted');
    return;
  }
  if (link?.lead_id) {
    await reconcile(trx, state, link, record);
    return;
  }
  if (link) {
    await trx
      .updateTable('erp_links')
      .set({
        erp_fields: JSON.stringify(record.fields),
        version: record.version,
        erp_updated_at: record.updatedAt,
        synced_at: now,
      })
      .where('connection_id', '=', connection.id)
      .where('external_id', '=', record.externalId)
      .execute();
    return;
  }
  const candidates = [...((matched ?? (await matchPage(trx, state, [record]))).get(record.externalId) ?? [])];
  if (candidates.length === 0 && state.connector.unmatchedBecomeLeads && matched === undefined) {
    const created = (await leadsFromRecords(trx, state, [record])).get(record.externalId);
    if (created) candidates.push(created);
  }
  const single = candidates.length === 1 ? (candidates[0] as string) : null;
  const free = single ? !(await repo.linkOfLead(trx, connection.id, single)) : false;
  await trx
    .insertInto('erp_links')
    .values({
      company_id: connection.company_id,
      connection_id: connection.id,
      external_id: record.externalId,
      lead_id: single && free ? single : null,
      status: single && free ? 'linked' : 'unmatched',
      version: record.version,
      erp_updated_at: record.updatedAt,
      erp_fields: JSON.stringify(record.fields),
      // A matched pair starts from the ERP's values: fields that differ then follow the policy like any change.
      synced: JSON.stringify(single && free ? {} : mappedOf(record, state.mapping)),
      candidates: sql<string[]>`${sql.val(candidates)}::uuid[]`,
      synced_at: now,
      created_at: now,
    })
    .execute();
  if (single && free) {
    bump(state.counts, 'customersMatched');
    await attachDocuments(trx, connection.id, record.externalId, single);
    const created = await repo.findLink(trx, connection.id, record.externalId);
    if (created) await reconcile(trx, state, created, record, true);
  } else {
    bump(state.counts, 'customersForReview');
  }
}

/**
 * Leads made from records of a CRM run beside us, through the one write path in one batch (validation, duplicate
 * policy, assignment rules with one notification per owner, audit): external id -> the new lead. A record with no
 * name, or that the write path refused or found a duplicate of, is left out (it waits for review like any
 * unmatched record).
 */
async function leadsFromRecords(trx: Tx, state: SyncState, records: ExternalCustomer[]): Promise<Map<string, string>> {
  const made = new Map<string, string>();
  const items: { externalId: string; body: CreateLeadInput }[] = [];
  for (const record of records) {
    const body: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    for (const f of state.mapping) {
      const value = fromErpValue(record.fields[f.erpField], f);
      if (value === null) continue;
      if (f.leadField.startsWith('custom:')) custom[f.leadField.slice(7)] = value;
      else if (f.leadField === 'emails' || f.leadField === 'phones') body[f.leadField] = [value];
      else body[f.leadField] = value;
    }
    if (typeof body.name !== 'string' || !body.name.trim()) continue;
    if (Object.keys(custom).length > 0) body.customFields = custom;
    items.push({ externalId: record.externalId, body: body as CreateLeadInput });
  }
  if (items.length === 0) return made;
  const { results } = await createLeads(
    trx,
    state.deps,
    state.ctx,
    items.map((i) => ({ body: i.body })),
    { channel: 'integration', onDuplicate: 'skip', defaultSource: 'erp' },
  );
  for (const [i, result] of results.entries()) {
    if (result?.status === 'created') made.set((items[i] as { externalId: string }).externalId, result.id);
  }
  bump(state.counts, 'leadsCreated', made.size);
  return made;
}

/** How a match field's ERP value is compared with a lead field: normalised the way the lead stores it. */
function matchKey(leadField: string, value: FieldValue | undefined, phoneCountry: string): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (!text) return null;
  if (leadField === 'emails') return text.toLowerCase();
  if (leadField === 'phones') return toE164(text, phoneCountry);
  if (leadField.startsWith('custom:')) return text;
  return text.toLowerCase();
}

/** For one lead field, the live leads holding each of `keys` (a key to at most 5 lead ids), in one indexed read. */
async function leadsByKey(trx: Tx, leadField: string, keys: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (keys.length === 0) return out;
  const arr = sql`${sql.val(keys)}::text[]`;
  let rows: { id: string; key: string }[];
  if (leadField === 'emails' || leadField === 'phones') {
    const column = sql.ref(`l.${leadField}`);
    rows = (
      await sql<{
        id: string;
        key: string;
      }>`SELECT l.id, k.key FROM leads l CROSS JOIN LATERAL unnest(${column}) AS k (key)
        WHERE ${column} && ${arr} AND k.key = ANY (${arr}) AND ${leadIsLive}`.execute(trx)
    ).rows;
  } else if (leadField === 'name' || leadField === 'companyName') {
    const column = leadField === 'name' ? sql.ref('l.name') : sql.ref('l.company_name');
    rows = (
      await sql<{ id: string; key: string }>`SELECT l.id, lower(${column}) AS key FROM leads l
        WHERE lower(${column}) = ANY (${arr}) AND ${leadIsLive}`.execute(trx)
    ).rows;
  } else if (leadField.startsWith('custom:')) {
    const key = leadField.slice(7);
    rows = (
      await sql<{ id: string; key: string }>`SELECT l.id, l.custom_fields ->> ${key} AS key FROM leads l
        WHERE l.custom_fields ->> ${key} = ANY (${arr}) AND ${leadIsLive}`.execute(trx)
    ).rows;
  } else {
    return out;
  }
  for (const r of rows) {
    const ids = out.get(r.key) ?? [];
    if (ids.length < 5 && !ids.includes(r.id)) ids.push(r.id);
    out.set(r.key, ids);
  }
  return out;
}

/**
 * The live leads each customer of a page matches on its strongest match field that has a value and a match (at
 * most 5 each): one indexed read per match field for the whole page, not one per customer.
 */
export async function matchPage(
  trx: Tx,
  state: SyncState,
  records: ExternalCustomer[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (records.length === 0) return found;
  const company = await trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow();
  let open = records;
  for (const erpField of state.connector.matchFields) {
    const f = state.mapping.find((m) => m.erpField === erpField);
    if (!f || open.length === 0) continue;
    const keyOf = new Map(
      open.map((r) => [r.externalId, matchKey(f.leadField, r.fields[erpField], company.phone_country)]),
    );
    const keys = [...new Set([...keyOf.values()].filter((k): k is string => k !== null))];
    const leads = await leadsByKey(trx, f.leadField, keys);
    for (const r of open) {
      const key = keyOf.get(r.externalId);
      const ids = key ? leads.get(key) : undefined;
      if (ids && ids.length > 0) found.set(r.externalId, ids);
    }
    open = open.filter((r) => !found.has(r.externalId));
  }
  return found;
}

/** Points the customer's invoices and payments at its lead. */
export async function attachDocuments(trx: Tx, connectionId: string, externalId: string, leadId: string | null) {
  await trx
    .updateTable('erp_documents')
    .set({ lead_id: leadId })
    .where('connection_id', '=', connectionId)
    .where('customer_external_id', '=', externalId)
    .execute();
}

/**
 * Settles each mapped field of a linked customer by its policy. `first`: the link was just made by matching, so
 * there is no common base yet: a difference is settled by the policy alone (`latest` compares change times).
 */
export async function reconcile(
  trx: Tx,
  state: SyncState,
  link: LinkRow,
  record: ExternalCustomer,
  first = false,
): Promise<void> {
  const { deps, connection, connector, mapping } = state;
  const now = deps.clock.now();
  const lead = link.lead_id ? await findLiveLead(trx, link.lead_id) : undefined;
  if (!lead) return;
  const base = link.synced as Record<string, FieldValue>;
  const ours = toErpFields(lead, mapping, connector);
  const synced: Record<string, FieldValue> = { ...base };
  const take: { f: MappingField; value: string | null }[] = [];
  let pushBack = false;
  const erpTime = record.updatedAt ? new Date(record.updatedAt).getTime() : null;
  const leadTime = new Date(lead.updated_at).getTime();
  for (const f of mapping) {
    const theirs = record.fields[f.erpField] ?? null;
    const mine = ours[f.erpField] ?? null;
    if (sameValue(theirs, mine)) {
      synced[f.erpField] = theirs;
      continue;
    }
    const erpChanged = first || !sameValue(theirs, base[f.erpField]);
    const weChanged = first || !sameValue(mine, base[f.erpField]);
    if (!erpChanged) continue; // only ours changed: the push carries it
    if (f.policy === 'erp' || (f.policy === 'latest' && !weChanged)) {
      take.push({ f, value: fromErpValue(theirs, f) });
      synced[f.erpField] = theirs;
    } else if (f.policy === 'iperform' || (erpTime !== null && erpTime < leadTime)) {
      // Ours wins: the base becomes what the ERP holds now, so the push sees our value as the change to write.
      synced[f.erpField] = theirs;
      pushBack = true;
    } else if (erpTime !== null && erpTime > leadTime) {
      take.push({ f, value: fromErpValue(theirs, f) });
      synced[f.erpField] = theirs;
    } else {
      await openConflict(trx, deps, connection, lead, link, f, mine, theirs, base[f.erpField] ?? null);
      bump(state.counts, 'conflicts');
    }
  }
  if (take.length > 0) await writeFromErp(trx, state, lead, take);
  await trx
    .updateTable('erp_links')
    .set({
      synced: JSON.stringify(synced),
      erp_fields: JSON.stringify(record.fields),
      version: record.version,
      erp_updated_at: record.updatedAt,
      deleted_in_erp: false,
      synced_at: now,
    })
    .where('connection_id', '=', connection.id)
    .where('external_id', '=', link.external_id)
    .execute();
  if (pushBack) await queuePush(trx, connection, lead.id, 'edited');
  bump(state.counts, 'customersIn');
}

/** Writes ERP values into the lead through the one input mapper and the lead write path (audited). */
async function writeFromErp(
  trx: Tx,
  state: SyncState,
  lead: LeadRow,
  take: { f: MappingField; value: string | null }[],
) {
  const wctx = await loadWriteContext(trx, state.ctx);
  try {
    const input = leadInputFor(lead, take);
    const changes = await toColumns(trx, input, wctx.input, {
      mode: 'update',
      currentCustom: lead.custom_fields as Record<string, unknown>,
    });
    await writeLead(trx, state.deps, state.ctx, lead, changes, 'lead.updated_from_erp');
    bump(state.counts, 'leadsUpdated');
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await recordPullError(trx, state, lead.id, null, error.message);
  }
}

async function recordPullError(
  trx: Tx,
  state: SyncState,
  leadId: string | null,
  externalId: string | null,
  message: string,
) {
  const now = state.deps.clock.now();
  await trx
    .insertInto('erp_errors')
    .values({
      company_id: state.connection.company_id,
      id: newId(),
      connection_id: state.connection.id,
      direction: 'pull',
      entity: 'customer',
      lead_id: leadId,
      external_id: externalId,
      kind: 'validation',
      message,
      status: 'open',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  bump(state.counts, 'errors');
}

async function openConflict(
  trx: Tx,
  deps: Deps,
  connection: ConnectionRow,
  lead: LeadRow,
  link: LinkRow,
  f: MappingField,
  ours: FieldValue,
  theirs: FieldValue,
  base: FieldValue,
) {
  await trx
    .insertInto('erp_conflicts')
    .values({
      company_id: connection.company_id,
      id: newId(),
      connection_id: connection.id,
      lead_id: lead.id,
      external_id: link.external_id,
      erp_field: f.erpField,
      lead_field: f.leadField,
      ours: JSON.stringify(ours),
      theirs: JSON.stringify(theirs),
      base: JSON.stringify(base),
      status: 'open',
      created_at: deps.clock.now(),
    })
    .onConflict((oc) =>
      oc
        .expression(sql`company_id, connection_id, lead_id, erp_field`)
        .where('status', '=', 'open')
        .doUpdateSet({ ours: JSON.stringify(ours), theirs: JSON.stringify(theirs) }),
    )
    .execute();
}

/** Queues a lead for the push job (the trigger does this for won and edited leads; this is for the rest). */
export async function queuePush(
  trx: Tx,
  connection: Pick<ConnectionRow, 'company_id' | 'id'>,
  leadId: string,
  reason: 'edited' | 'manual' | 'retry' | 'won',
) {
  await trx
    .insertInto('erp_outbox')
    .values({ company_id: connection.company_id, connection_id: connection.id, lead_id: leadId, reason })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await sql`SELECT app_erp_wake()`.execute(trx);
}

// Invoices and payments ---------------------------------------------------------------------------------------

/** The leads of the customers a page of documents names, in one read. */
async function leadsOfCustomers(trx: Tx, connectionId: string, externalIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds)];
  if (wanted.length === 0) return new Map();
  const rows = await trx
    .selectFrom('erp_links')
    .select(['external_id', 'lead_id'])
    .where('connection_id', '=', connectionId)
    .where('external_id', 'in', wanted)
    .where('lead_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.external_id, r.lead_id as string]));
}

type DocumentValues = Omit<Insertable<DB['erp_documents']>, 'company_id' | 'id' | 'connection_id' | 'kind'>;

/** Upserts a page of documents in one statement (a page holds each document once: the last copy wins). */
async function upsertDocuments(trx: Tx, state: SyncState, kind: 'invoice' | 'payment', rows: DocumentValues[]) {
  const unique = [...new Map(rows.map((r) => [r.external_id, r])).values()];
  if (unique.length === 0) return;
  const { connection } = state;
  await trx
    .insertInto('erp_documents')
    .values(
      unique.map((r) => ({ company_id: connection.company_id, id: newId(), connection_id: connection.id, kind, ...r })),
    )
    .onConflict((oc) =>
      oc.columns(['company_id', 'connection_id', 'kind', 'external_id']).doUpdateSet((eb) => ({
        customer_external_id: eb.ref('excluded.customer_external_id'),
        lead_id: eb.ref('excluded.lead_id'),
        number: eb.ref('excluded.number'),
        doc_date: eb.ref('excluded.doc_date'),
        due_date: eb.ref('excluded.due_date'),
        currency: eb.ref('excluded.currency'),
        total: eb.ref('excluded.total'),
        balance: eb.ref('excluded.balance'),
        status: eb.ref('excluded.status'),
        lines: eb.ref('excluded.lines'),
        invoice_refs: eb.ref('excluded.invoice_refs'),
        deleted: eb.ref('excluded.deleted'),
        erp_updated_at: eb.ref('excluded.erp_updated_at'),
        synced_at: eb.ref('excluded.synced_at'),
      })),
    )
    .execute();
  bump(state.counts, kind === 'invoice' ? 'invoicesIn' : 'paymentsIn', unique.length);
}

async function applyInvoices(trx: Tx, state: SyncState, invoices: ExternalInvoice[]): Promise<void> {
  const leads = await leadsOfCustomers(
    trx,
    state.connection.id,
    invoices.map((i) => i.customerExternalId),
  );
  const now = state.deps.clock.now();
  await upsertDocuments(
    trx,
    state,
    'invoice',
    invoices.map((invoice) => ({
      external_id: invoice.externalId,
      customer_external_id: invoice.customerExternalId,
      lead_id: leads.get(invoice.customerExternalId) ?? null,
      number: invoice.number,
      doc_date: invoice.date,
      due_date: invoice.dueDate,
      currency: invoice.currency,
      total: invoice.total.toFixed(2),
      balance: invoice.balance.toFixed(2),
      status: invoice.status,
      lines: JSON.stringify(invoice.lines),
      invoice_refs: [],
      deleted: invoice.deleted ?? false,
      erp_updated_at: invoice.updatedAt,
      synced_at: now,
    })),
  );
}

async function applyPayments(trx: Tx, state: SyncState, payments: ExternalPayment[]): Promise<void> {
  const leads = await leadsOfCustomers(
    trx,
    state.connection.id,
    payments.map((p) => p.customerExternalId),
  );
  const now = state.deps.clock.now();
  await upsertDocuments(
    trx,
    state,
    'payment',
    payments.map((payment) => ({
      external_id: payment.externalId,
      customer_external_id: payment.customerExternalId,
      lead_id: leads.get(payment.customerExternalId) ?? null,
      number: payment.reference,
      doc_date: payment.date,
      due_date: null,
      currency: payment.currency,
      total: payment.amount.toFixed(2),
      balance: null,
      status: null,
      lines: '[]',
      invoice_refs: payment.invoiceExternalIds,
      deleted: payment.deleted ?? false,
      erp_updated_at: payment.updatedAt,
      synced_at: now,
    })),
  );
}

export type { SyncState };
