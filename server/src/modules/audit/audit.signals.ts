import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

export interface LeadChange {
  leadId: string;
  at: Date;
  /** `{field: {from, to}}`, fields by their API names (`source`, `customFields.budget`). */
  changes: Record<string, { from: unknown; to: unknown }>;
}

/**
 * The recorded field changes of some leads made after an instant (their creation aside), oldest first: what to undo
 * to see the leads as they were then.
 */
export async function leadChangesAfter(trx: Tx, leadIds: readonly string[], after: Date): Promise<LeadChange[]> {
  if (leadIds.length === 0) return [];
  const { rows } = await sql<{ entity_id: string; at: Date; changes: LeadChange['changes'] }>`
    SELECT a.entity_id, a.at, a.changes
    FROM audit_log a
    WHERE a.entity_type = 'lead' AND a.entity_id = ANY(${leadIds as string[]}::uuid[])
      AND a.action <> 'lead.created' AND a.at > ${after} AND a.changes IS NOT NULL
    ORDER BY a.at, a.id`.execute(trx);
  return rows.map((r) => ({ leadId: r.entity_id, at: new Date(r.at), changes: r.changes }));
}
