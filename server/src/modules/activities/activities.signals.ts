import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

/** What happened to a lead's activities, each at the moment it was known (see `activitySignals`). */
export interface ActivitySignal {
  leadId: string;
  /** `created`: the activity was written (a touch); `done`: it was completed. */
  kind: 'created' | 'done';
  type: string;
  /** A follow-up's channel (call, meeting, demo, ...), else null. */
  channel: string | null;
  at: Date;
}

/**
 * The activities of some leads as signals of behaviour, up to an instant: each one's creation, and its completion
 * at the later of when it was written and when it was done (a call logged today as done last week is known today).
 */
export async function activitySignals(trx: Tx, leadIds: readonly string[], upTo: Date): Promise<ActivitySignal[]> {
  if (leadIds.length === 0) return [];
  const { rows } = await sql<{
    lead_id: string;
    kind: 'created' | 'done';
    type: string;
    channel: string | null;
    at: Date;
  }>`
    SELECT a.lead_id, e.kind, a.type, a.channel, e.at
    FROM activities a
    CROSS JOIN LATERAL (VALUES
      ('created', a.created_at),
      ('done', CASE WHEN a.status = 'done' AND a.completed_at IS NOT NULL
                    THEN greatest(a.completed_at, a.created_at) END)
    ) AS e(kind, at)
    WHERE a.lead_id = ANY(${leadIds as string[]}::uuid[]) AND e.at IS NOT NULL AND e.at <= ${upTo}`.execute(trx);
  return rows.map((r) => ({ leadId: r.lead_id, kind: r.kind, type: r.type, channel: r.channel, at: new Date(r.at) }));
}
