import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

const partnerColumns = [
  'id',
  'name',
  'contact_name',
  'contact_email',
  'contact_phone',
  'territories',
  'active',
  'created_at',
  'updated_at',
] as const;

export type PartnerRow = NonNullable<Awaited<ReturnType<typeof findPartner>>>;

export async function findPartner(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('partners').select(partnerColumns).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export interface PartnerFilter {
  active?: boolean;
  q?: string;
  limit: number;
  after: (string | number)[] | null;
}

/** Partners sorted by name (case-insensitive), keyset-paged on (lower(name), id). */
export async function listPartners(trx: Tx, filter: PartnerFilter) {
  let query = trx.selectFrom('partners').select(partnerColumns).select(sql<string>`lower(name)`.as('sort_name'));
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('name', 'ilike', pattern),
        eb('contact_name', 'ilike', pattern),
        eb(sql<string>`array_to_string(territories, ' ')`, 'ilike', pattern),
      ]),
    );
  }
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where(sql<SqlBool>`(lower(name), id) > (${String(name)}, ${String(id)}::uuid)`);
  }
  return query
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export interface PartnerColumns {
  name?: string;
  contact_name?: string | null;
  contact_email?: string | null;
  contact_phone?: string | null;
  territories?: string[];
  active?: boolean;
}

export async function insertPartner(
  trx: Tx,
  row: PartnerColumns & { company_id: string; id: string; name: string; now?: Date },
) {
  const { now, ...values } = row;
  await trx
    .insertInto('partners')
    .values({ ...values, ...(now ? { created_at: now, updated_at: now } : {}) })
    .execute();
}

export async function updatePartner(trx: Tx, id: string, changes: PartnerColumns, now: Date) {
  await trx
    .updateTable('partners')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Whether another partner of the company already uses this name (names are unique regardless of case). */
export async function nameTaken(trx: Tx, name: string, exceptId: string | null): Promise<boolean> {
  let query = trx.selectFrom('partners').select('id').where(sql<SqlBool>`lower(name) = lower(${name})`);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function companyPhoneCountry(trx: Tx): Promise<string> {
  const row = await trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow();
  return row.phone_country.trim();
}

export async function partnerUserIds(trx: Tx, partnerId: string): Promise<string[]> {
  const rows = await trx.selectFrom('users').select('id').where('partner_id', '=', partnerId).execute();
  return rows.map((r) => r.id);
}
