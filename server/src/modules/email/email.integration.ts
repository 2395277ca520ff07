import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';

/**
 * The company's SMTP server as the integrations home shows it (one connection, named by host and sender, its
 * id the company's): not configured without settings; broken when a message failed after the last
 * success and the last change of the settings;
 * connected otherwise. Counts are messages sent and failed since `since`. Never the password.
 */
export async function emailConnections(trx: Tx, companyId: string, since: Date): Promise<ConnectionReport[]> {
  const settings = await trx
    .selectFrom('email_settings')
    .select(['host', 'port', 'from_address', 'updated_at'])
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  const lastSent = await trx
    .selectFrom('email_messages')
    .select(sql<Date | null>`max(sent_at)`.as('at'))
    .where('status', '=', 'sent')
    .executeTakeFirst();
  const lastFailed = await trx
    .selectFrom('email_messages')
    .select(['last_error', 'failed_at', 'updated_at'])
    .where((eb) => eb.or([eb('status', '=', 'failed'), eb('status', '=', 'retrying')]))
    .where('last_error', 'is not', null)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const counts = await trx
    .selectFrom('email_messages')
    .select([
      sql<number>`count(*) filter (where status = 'sent' and sent_at >= ${since})::int`.as('sent'),
      sql<number>`count(*) filter (where status = 'failed' and failed_at >= ${since})::int`.as('failed'),
    ])
    .executeTakeFirst();
  const lastSuccessAt = isoOf(lastSent?.at);
  const errorAt = lastFailed ? isoOf(lastFailed.failed_at ?? lastFailed.updated_at) : null;
  // A failure counts once it is newer than both the last success and the settings (saving them is a fresh start).
  const freshFrom = [lastSuccessAt, isoOf(settings?.updated_at)]
    .filter((x): x is string => x !== null)
    .sort()
    .pop();
  const broken = errorAt !== null && (freshFrom === undefined || errorAt > freshFrom);
  return [
    {
      kind: 'email',
      id: companyId,
      name: settings ? `SMTP ${settings.host}:${settings.port} (${settings.from_address})` : 'Email (SMTP)',
      status: !settings ? 'not_configured' : broken ? 'broken' : 'connected',
      statusReason: !settings ? 'no SMTP server set' : broken ? 'the latest message failed' : null,
      lastSuccessAt,
      lastError: lastFailed?.last_error ? { message: lastFailed.last_error, at: errorAt } : null,
      today: { emailsSent: Number(counts?.sent ?? 0), emailsFailed: Number(counts?.failed ?? 0) },
      pausable: false,
    },
  ];
}
