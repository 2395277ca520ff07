import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';

/**
 * The connected Facebook pages as the integrations home shows them: connected, or broken once Meta refused the
 * token. Counts are the leadgen events received and the leads created since `since` (midnight in the
 * company's time zone). Pages have no paused state, so they are not pausable here. Never a token or secret.
 */
export async function facebookConnections(trx: Tx, since: Date): Promise<ConnectionReport[]> {
  const rows = await trx
    .selectFrom('facebook_pages as p')
    .select([
      'p.id',
      'p.page_id',
      'p.page_name',
      'p.status',
      'p.last_success_at',
      'p.last_error',
      'p.last_error_at',
      (eb) =>
        eb
          .selectFrom('facebook_events as e')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('e.connection_id', '=', 'p.id')
          .where('e.received_at', '>=', since)
          .as('received'),
      (eb) =>
        eb
          .selectFrom('facebook_events as e')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('e.connection_id', '=', 'p.id')
          .where('e.status', '=', 'created')
          .where('e.processed_at', '>=', since)
          .as('created'),
    ])
    .orderBy('p.created_at')
    .execute();
  return rows.map((row) => ({
    kind: 'facebook_page' as const,
    id: row.id,
    name: `${row.page_name} (${row.page_id})`,
    status: row.status === 'broken' ? 'broken' : 'connected',
    statusReason: row.status === 'broken' ? (row.last_error ?? 'token refused') : null,
    lastSuccessAt: isoOf(row.last_success_at),
    lastError: row.last_error ? { message: row.last_error, at: isoOf(row.last_error_at) } : null,
    today: { leadsReceived: Number(row.received ?? 0), leadsCreated: Number(row.created ?? 0) },
    pausable: false,
  }));
}
