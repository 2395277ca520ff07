import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Role } from '../users/index.ts';

export async function listCustomFields(trx: Tx, filter: { active?: boolean } = {}) {
  let query = trx.selectFrom('custom_fields').selectAll();
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return query.orderBy('position').orderBy('key').execute();
}

export type CustomFieldRow = Awaited<ReturnType<typeof listCustomFields>>[number];

export async function findCustomField(trx: Tx, key: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('custom_fields').selectAll().where('key', '=', key);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export interface CustomFieldColumns {
  label?: string;
  type?: string;
  options?: string[];
  required?: boolean;
  position?: number;
  active?: boolean;
}

export async function insertCustomField(
  trx: Tx,
  row: CustomFieldColumns & { company_id: string; id: string; key: string; label: string; type: string; now: Date },
) {
  const { now, ...values } = row;
  await trx
    .insertInto('custom_fields')
    .values({ ...values, created_at: now, updated_at: now })
    .execute();
}

export async function updateCustomField(trx: Tx, key: string, changes: CustomFieldColumns, now: Date) {
  await trx
    .updateTable('custom_fields')
    .set({ ...changes, updated_at: now })
    .where('key', '=', key)
    .execute();
}

export async function nextPosition(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('custom_fields')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

/**
 * How many leads hold a value for the field, whoever may see them: a field's type changes only while none
 * does. Only field managers (admins) reach these counts.
 */
export async function countLeadsWithValue(trx: Tx, key: string): Promise<number> {
  const row = await trx
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<SqlBool>`custom_fields ? ${key}`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many leads hold `option` in a select (value) or multi-select (list member) field. */
export async function countLeadsWithOption(trx: Tx, key: string, option: string, multi: boolean): Promise<number> {
  const probe = JSON.stringify({ [key]: multi ? [option] : option });
  const row = await trx
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<SqlBool>`custom_fields @> ${probe}::jsonb`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Names of the stages that require a field (e.g. `customFields.budget`). */
export async function stagesRequiring(trx: Tx, field: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('pipeline_stages')
    .select('name')
    .where(sql<SqlBool>`${field} = ANY (required_fields)`)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.name);
}

export async function listFieldPermissions(trx: Tx) {
  return trx.selectFrom('field_permissions').select(['role', 'field', 'access']).execute();
}

export async function findFieldPermission(trx: Tx, role: Role, field: string) {
  return trx
    .selectFrom('field_permissions')
    .select('access')
    .where('role', '=', role)
    .where('field', '=', field)
    .forUpdate()
    .executeTakeFirst();
}

export async function upsertFieldPermission(
  trx: Tx,
  row: { company_id: string; role: Role; field: string; access: string },
) {
  await trx
    .insertInto('field_permissions')
    .values(row)
    .onConflict((oc) => oc.columns(['company_id', 'role', 'field']).doUpdateSet({ access: row.access }))
    .execute();
}

export async function deleteFieldPermission(trx: Tx, role: Role, field: string) {
  await trx.deleteFrom('field_permissions').where('role', '=', role).where('field', '=', field).execute();
}
