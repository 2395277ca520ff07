import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';

/**
 * The company's WhatsApp number as the integrations home shows it (one connection, its id the company's): not
 * configured without settings; broken when a message failed after the last
 * success and the last change of the settings;
 * connected otherwise. Counts are messages received, sent and failed since `since`. Never a token or secret.
 */
export async function whatsappConnections(trx: Tx, companyId: string, since: Date): Promise<ConnectionReport[]> {
  const settings = await trx
    .selectFrom('whatsapp_settings')
    .select(['phone_number_id', 'updated_at'])
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  const last = await trx
    .selectFrom('whatsapp_messages')
    .select([
      sql<Date | null>`max(at) filter (where status <> 'failed' and status <> 'queued')`.as('success_at'),
      sql<number>`count(*) filter (where direction = 'inbound' and at >= ${since})::int`.as('received'),
      sql<number>`count(*) filter (where direction = 'outbound' and sent_at >= ${since})::int`.as('sent'),
      sql<number>`count(*) filter (where status = 'failed' and failed_at >= ${since})::int`.as('failed'),
    ])
    .executeTakeFirst();
  const failed = await trx
    .selectFrom('whatsapp_messages')
    .select(['error_title', 'error_detail', 'error_code', 'failed_at'])
    .where('status', '=', 'failed')
    .orderBy('failed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const lastSuccessAt = isoOf(last?.success_at);
  const errorAt = isoOf(failed?.failed_at);
  // A failure counts once it is newer than both the last success and the settings (saving them is a fresh start).
  const freshFrom = [lastSuccessAt, isoOf(settings?.updated_at)]
    .filter((x): x is string => x !== null)
    .sort()
    .pop();
  const broken = errorAt !== null && (freshFrom === undefined || errorAt > freshFrom);
  const message = failed
    ? [failed.error_code, failed.error_title, failed.error_detail].filter((x) => x !== null && x !== '').join(' ')
    : '';
  return [
    {
      kind: 'whatsapp',
      id: companyId,
      name: settings ? `WhatsApp number ${settings.phone_number_id}` : 'WhatsApp',
      status: !settings ? 'not_configured' : broken ? 'broken' : 'connected',
      statusReason: !settings ? 'no WhatsApp number set' : broken ? 'the latest message failed' : null,
      lastSuccessAt,
      lastError: failed ? { message: message || 'message failed', at: errorAt } : null,
      today: {
        messagesReceived: Number(last?.received ?? 0),
        messagesSent: Number(last?.sent ?? 0),
        messagesFailed: Number(last?.failed ?? 0),
      },
      pausable: false,
    },
  ];
}
