import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

export interface EmailSignal {
  leadId: string;
  kind: 'sent' | 'opened' | 'clicked';
  at: Date;
}

/** The emails sent to some leads as signals of behaviour, up to an instant: sent, first opened, first clicked. */
export async function emailSignals(trx: Tx, leadIds: readonly string[], upTo: Date): Promise<EmailSignal[]> {
  if (leadIds.length === 0) return [];
  const { rows } = await sql<{ lead_id: string; kind: EmailSignal['kind']; at: Date }>`
    SELECT m.lead_id, e.kind, e.at
    FROM email_messages m
    CROSS JOIN LATERAL (VALUES ('sent', m.sent_at), ('opened', m.first_opened_at), ('clicked', m.first_clicked_at))
      AS e(kind, at)
    WHERE m.lead_id = ANY(${leadIds as string[]}::uuid[]) AND e.at IS NOT NULL AND e.at <= ${upTo}`.execute(trx);
  return rows.map((r) => ({ leadId: r.lead_id, kind: r.kind, at: new Date(r.at) }));
}
