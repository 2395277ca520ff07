import type { Database, Tx } from '../../db/client.ts';

const formColumns = [
  'id',
  'name',
  'fields',
  'source',
  'campaign',
  'thank_you',
  'active',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export type FormRow = NonNullable<Awaited<ReturnType<typeof findForm>>>;

export async function findForm(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('web_forms').select(formColumns).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listForms(trx: Tx, options: { limit: number; before: string | null }) {
  let query = trx.selectFrom('web_forms').select(formColumns);
  if (options.before) query = query.where('id', '<', options.before);
  return query
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

export interface FormColumns {
  name?: string;
  fields?: unknown[];
  source?: string;
  campaign?: string | null;
  thank_you?: string;
  active?: boolean;
}

/** The form and its directory entry, so public submissions can find its company. */
export async function insertForm(
  trx: Tx,
  row: Required<FormColumns> & { company_id: string; id: string; created_by: string; now: Date },
): Promise<void> {
  const { now, fields, ...rest } = row;
  await trx
    .insertInto('web_forms')
    .values({ ...rest, fields: JSON.stringify(fields), created_at: now, updated_at: now })
    .execute();
  await trx.insertInto('form_directory').values({ form_id: row.id, company_id: row.company_id }).execute();
}

export async function updateForm(trx: Tx, id: string, changes: FormColumns, now: Date): Promise<void> {
  const { fields, ...rest } = changes;
  await trx
    .updateTable('web_forms')
    .set({ ...rest, ...(fields ? { fields: JSON.stringify(fields) } : {}), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * The company a form belongs to. Runs outside any tenant transaction: a public submission names only the
 * form, and form_directory is the one global table that maps it to its tenant.
 */
export async function companyOfForm(db: Database, formId: string): Promise<string | null> {
  const row = await db
    .selectFrom('form_directory')
    .select('company_id')
    .where('form_id', '=', formId)
    .executeTakeFirst();
  return row?.company_id ?? null;
}

/** The user a form acts as when it creates leads: the one who made it. */
export async function formCreator(trx: Tx, userId: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'manager_id'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function activeCustomFieldKeys(trx: Tx): Promise<string[]> {
  const rows = await trx.selectFrom('custom_fields').select('key').where('active', '=', true).execute();
  return rows.map((r) => r.key);
}
