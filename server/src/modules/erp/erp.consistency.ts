import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import type { LeadRow } from '../leads/index.ts';
import type { ExternalCustomer, FieldValue } from './connector.ts';
import { connectorOf, contextFor } from './erp.context.ts';
import { findLiveLead } from './erp.leads.ts';
import { type MappingField, sameValue, toErpFields } from './erp.mapping.ts';
import * as repo from './erp.repository.ts';
import { type Counts, finishRun, loadQueuedRun, progress } from './erp.runs.ts';
import { applyCustomer, queuePush, reconcile, type SyncState } from './erp.sync.ts';

/**
 * The consistency check of one connection: every customer the ERP holds is read in full and compared with the
 * links and the leads. Drift is reported per customer and field:
 *
 * - `missing_in_erp`: a linked lead whose customer the ERP no longer has (deleted there);
 * - `missing_in_iperform`: a customer linked to a lead that is no longer live (trashed, merged away);
 * - `not_pulled`: a customer the ERP holds that we never read;
 * - `differs`: a mapped field whose values differ, with the direction the policy repairs it in.
 *
 * The repair (`repair: true`) settles each item in its direction: the ERP's value written to the lead, ours
 * pushed (the push job writes it), a missing customer created again, an unread one read (matched or listed for
 * review). A lead that is gone is left to a person (restore it, or unlink).
 */

export interface Drift {
  type: 'missing_in_erp' | 'missing_in_iperform' | 'not_pulled' | 'differs';
  externalId: string;
  leadId: string | null;
  field: string | null;
  ours: FieldValue;
  theirs: FieldValue;
  direction: 'to_erp' | 'to_iperform' | 'none';
}

const REPORT_LIMIT = 2000;

export async function runConsistency(_trx: Tx, deps: Deps, job: Job<{ runId: string; repair: boolean }>) {
  const loaded = await loadQueuedRun(deps, job.companyId, job.payload.runId);
  if (!loaded) return;
  const { run, connection } = loaded;
  const counts: Counts = {};
  try {
    const connector = connectorOf(connection);
    const ctx = contextFor(deps, connection);
    const erp = new Map<string, ExternalCustomer>();
    let checkpoint: string | null = null;
    for (;;) {
      const page = await connector.readCustomers(ctx, checkpoint);
      for (const record of page.records) erp.set(record.externalId, record);
      checkpoint = page.checkpoint;
      await progress(deps, run, 'reading customers', { customersRead: erp.size });
      if (!page.more || page.records.length === 0) break;
    }
    const mapping = connection.mapping as unknown as MappingField[];
    const state: SyncState = { deps, ctx: jobContext(job), connection, connector, mapping, counts: {} };
    const drift: Drift[] = [];
    await withTenant(deps.db, connection.company_id, async (trx) => {
      const links = await trx.selectFrom('erp_links').selectAll().where('connection_id', '=', connection.id).execute();
      const known = new Set(links.map((l) => l.external_id));
      for (const [externalId, record] of erp) {
        if (!record.deleted && !known.has(externalId)) {
          drift.push({
            type: 'not_pulled',
            externalId,
            leadId: null,
            field: null,
            ours: null,
            theirs: null,
            direction: 'to_iperform',
          });
        }
      }
      for (const link of links) {
        if (link.status !== 'linked' || !link.lead_id) continue;
        const record = erp.get(link.external_id);
        const lead = await findLiveLead(trx, link.lead_id);
        const item = { externalId: link.external_id, leadId: link.lead_id, field: null, ours: null, theirs: null };
        if (!lead) {
          drift.push({ ...item, type: 'missing_in_iperform', direction: 'none' });
          continue;
        }
        if (!record || record.deleted) {
          drift.push({ ...item, type: 'missing_in_erp', direction: 'to_erp' });
          continue;
        }
        drift.push(...fieldDrift(lead, record, mapping, connector, link.external_id));
      }
      counts.customersChecked = erp.size;
      counts.linked = links.filter((l) => l.status === 'linked').length;
      counts.drift = drift.length;
      for (const d of drift) counts[d.type] = (counts[d.type] ?? 0) + 1;
      if (job.payload.repair) counts.repaired = await repairAll(trx, state, drift, erp);
    });
    const report = { drift: drift.slice(0, REPORT_LIMIT), truncated: drift.length > REPORT_LIMIT };
    await finishRun(deps, run, { counts, report });
  } catch (error) {
    await finishRun(deps, run, { counts, error });
  }
}

function fieldDrift(
  lead: LeadRow,
  record: ExternalCustomer,
  mapping: MappingField[],
  connector: ReturnType<typeof connectorOf>,
  externalId: string,
): Drift[] {
  const ours = toErpFields(lead, mapping, connector);
  const out: Drift[] = [];
  for (const f of mapping) {
    const theirs = record.fields[f.erpField] ?? null;
    const mine = ours[f.erpField] ?? null;
    if (sameValue(theirs, mine)) continue;
    const erpNewer =
      record.updatedAt !== null && new Date(record.updatedAt).getTime() > new Date(lead.updated_at).getTime();
    const direction = f.policy === 'erp' || (f.policy === 'latest' && erpNewer) ? 'to_iperform' : 'to_erp';
    out.push({ type: 'differs', externalId, leadId: lead.id, field: f.erpField, ours: mine, theirs, direction });
  }
  return out;
}

async function repairAll(trx: Tx, state: SyncState, drift: Drift[], erp: Map<string, ExternalCustomer>) {
  let repaired = 0;
  const byCustomer = new Map<string, Drift[]>();
  for (const d of drift) byCustomer.set(d.externalId, [...(byCustomer.get(d.externalId) ?? []), d]);
  for (const [externalId, items] of byCustomer) {
    const first = items[0] as Drift;
    const record = erp.get(externalId);
    if (first.type === 'not_pulled' && record) {
      await applyCustomer(trx, state, record);
      repaired++;
    } else if (first.type === 'missing_in_erp' && first.leadId) {
      await trx
        .deleteFrom('erp_links')
        .where('connection_id', '=', state.connection.id)
        .where('external_id', '=', externalId)
        .execute();
      await queuePush(trx, state.connection, first.leadId, 'retry');
      repaired++;
    } else if (first.type === 'differs' && record && first.leadId) {
      const link = await repo.findLink(trx, state.connection.id, externalId);
      if (!link) continue;
      // The base is set so that the side to be repaired looks unchanged and the other side's value wins.
      const synced = { ...(link.synced as Record<string, FieldValue>) };
      for (const d of items) {
        if (d.field) synced[d.field] = d.direction === 'to_iperform' ? d.ours : d.theirs;
      }
      await trx
        .updateTable('erp_links')
        .set({ synced: JSON.stringify(synced) })
        .where('connection_id', '=', state.connection.id)
        .where('external_id', '=', externalId)
        .execute();
      const toIperform = items.filter((d) => d.direction === 'to_iperform');
      if (toIperform.length > 0) {
        const mapping = state.mapping.map((f) =>
          toIperform.some((d) => d.field === f.erpField) ? { ...f, policy: 'erp' as const } : f,
        );
        await reconcile(trx, { ...state, mapping }, { ...link, synced }, record);
      }
      if (items.some((d) => d.direction === 'to_erp')) await queuePush(trx, state.connection, first.leadId, 'retry');
      repaired += items.length;
    }
  }
  return repaired;
}
