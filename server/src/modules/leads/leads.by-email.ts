import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { leadIsLive } from './leads.visibility.ts';

/**
 * The live lead of the tenant an email address belongs to (any of its emails, compared lower-case), or null:
 * how a message from a customer finds its customer. With several, the most recently updated one.
 */
export async function leadIdByEmail(trx: Tx, email: string): Promise<string | null> {
  const address = email.trim().toLowerCase();
  if (!address) return null;
  const row = await trx
    .selectFrom('leads as l')
    .select('l.id')
    .where(sql<boolean>`l.emails @> ARRAY[${address}]::text[]`)
    .where(leadIsLive)
    .orderBy('l.updated_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
