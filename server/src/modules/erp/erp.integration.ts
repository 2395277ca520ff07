import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';
import { connectorById } from './connectors/index.ts';

/**
 * The ERP connections as the integrations home shows them, with what moved since `since` (midnight in the
 * company's zone): customers and documents read, customers written, and the errors still open. A pending
 * connection (OAuth not finished) shows as not configured. Never a secret.
 */
export async function erpConnections(trx: Tx, since: Date): Promise<ConnectionReport[]> {
  const rows = await trx
    .selectFrom('erp_connections as c')
    .select([
      'c.id',
      'c.name',
      'c.connector',
      'c.status',
      'c.status_reason',
      'c.last_success_at',
      'c.last_error',
      'c.last_error_at',
      sql<Record<string, number>>`(SELECT coalesce(jsonb_object_agg(t.key, t.total), '{}') FROM (
          SELECT key, sum(value::int)::int AS total FROM erp_runs r, jsonb_each_text(r.counts)
          WHERE r.company_id = c.company_id AND r.connection_id = c.id AND r.created_at >= ${since}
          GROUP BY key) t)`.as('totals'),
      sql<number>`(SELECT count(*)::int FROM erp_errors e WHERE e.company_id = c.company_id
          AND e.connection_id = c.id AND e.status = 'open')`.as('open_errors'),
    ])
    .orderBy('c.created_at')
    .execute();
  return rows.map((row) => {
    const t = row.totals ?? {};
    const n = (k: string) => Number(t[k] ?? 0);
    return {
      kind: 'erp' as const,
      id: row.id,
      name: `${row.name} (${connectorById(row.connector)?.label ?? row.connector})`,
      status: row.status === 'pending' ? 'not_configured' : (row.status as 'connected' | 'paused' | 'broken'),
      statusReason: row.status_reason,
      lastSuccessAt: isoOf(row.last_success_at),
      lastError: row.last_error ? { message: row.last_error, at: isoOf(row.last_error_at) } : null,
      today: {
        customersIn: n('customersIn') + n('customersMatched') + n('customersForReview'),
        customersOut: n('customersCreated') + n('customersUpdated'),
        invoicesIn: n('invoicesIn'),
        paymentsIn: n('paymentsIn'),
        openErrors: Number(row.open_errors ?? 0),
      },
      pausable: row.status === 'connected' || row.status === 'paused',
    };
  });
}
