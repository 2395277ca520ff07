import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

export interface WhatsappSignal {
  leadId: string;
  /** `in`: the lead wrote (a reply); `out`: we wrote. */
  kind: 'in' | 'out';
  at: Date;
}

/** The WhatsApp messages of some leads as signals of behaviour, up to an instant (each at when it was stored). */
export async function whatsappSignals(trx: Tx, leadIds: readonly string[], upTo: Date): Promise<WhatsappSignal[]> {
  if (leadIds.length === 0) return [];
  const { rows } = await sql<{ lead_id: string; direction: string; at: Date }>`
    SELECT w.lead_id, w.direction, greatest(w.at, w.created_at) AS at
    FROM whatsapp_messages w
    WHERE w.lead_id = ANY(${leadIds as string[]}::uuid[]) AND greatest(w.at, w.created_at) <= ${upTo}`.execute(trx);
  return rows.map((r) => ({ leadId: r.lead_id, kind: r.direction === 'inbound' ? 'in' : 'out', at: new Date(r.at) }));
}
