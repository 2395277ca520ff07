import type { Tx } from '../../db/client.ts';
import { leadChangesAfter } from '../audit/index.ts';
import { leadIsLive, leadsQuery, leadValues } from '../leads/index.ts';
import type { FieldChange, LeadFacts } from './scoring.features.ts';
import { emptySignals, loadSignals } from './scoring.signals.ts';

/** A live lead as scoring reads it: what the rules and the model need, and its stage for training labels. */
export interface LeadRecord extends LeadFacts {
  stage: string;
  stageChangedAt: number;
  lastTouchedAt: number;
}

/** Live leads by id (in the order given, missing ones left out), with their behaviour up to `upTo`. */
export async function loadLeads(trx: Tx, ids: readonly string[], upTo: Date): Promise<LeadRecord[]> {
  if (ids.length === 0) return [];
  const rows = await leadsQuery(trx)
    .where('l.id', 'in', ids as string[])
    .where(leadIsLive)
    .execute();
  const signals = await loadSignals(
    trx,
    rows.map((r) => r.id),
    upTo,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: LeadRecord[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    out.push({
      id,
      createdAt: new Date(row.created_at).getTime(),
      createdVia: row.created_via,
      values: leadValues(row),
      signals: signals.get(id) ?? emptySignals(),
      stage: row.stage,
      stageChangedAt: new Date(row.stage_changed_at).getTime(),
      lastTouchedAt: new Date(row.last_touched_at).getTime(),
    });
  }
  return out;
}

/** The recorded field changes of leads after an instant, oldest first, per lead. */
export async function loadChanges(trx: Tx, ids: readonly string[], after: Date) {
  const out = new Map<string, FieldChange[]>();
  for (const c of await leadChangesAfter(trx, ids, after)) {
    const list = out.get(c.leadId) ?? [];
    list.push({ at: c.at.getTime(), changes: c.changes });
    out.set(c.leadId, list);
  }
  return out;
}
