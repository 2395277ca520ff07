import type { Insertable, Updateable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { EmailTemplates } from '../../db/types.ts';

/** Company templates, and the caller's own personal ones: nobody else's personal template is ever found. */
function visibleTemplates(trx: Tx, userId: string) {
  return trx
    .selectFrom('email_templates as t')
    .leftJoin('users as o', (j) => j.onRef('o.company_id', '=', 't.company_id').onRef('o.id', '=', 't.owner_id'))
    .leftJoin('users as c', (j) => j.onRef('c.company_id', '=', 't.company_id').onRef('c.id', '=', 't.created_by'))
    .selectAll('t')
    .select(['o.name as owner_name', 'c.name as created_by_name'])
    .where((eb) => eb.or([eb('t.scope', '=', 'company'), eb('t.owner_id', '=', userId)]));
}
export type TemplateRow = NonNullable<Awaited<ReturnType<typeof findTemplate>>>;

export async function findTemplate(trx: Tx, userId: string, id: string, options: { lock?: boolean } = {}) {
  let query = visibleTemplates(trx, userId).where('t.id', '=', id);
  if (options.lock) query = query.forUpdate('t');
  return query.executeTakeFirst();
}

export async function listTemplates(
  trx: Tx,
  userId: string,
  filter: { scope?: string | undefined; q?: string | undefined },
) {
  let query = visibleTemplates(trx, userId);
  if (filter.scope) query = query.where('t.scope', '=', filter.scope);
  if (filter.q) query = query.where('t.name', 'ilike', `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  // The caller's own first, then the company's, each by name: the order a composer's picker shows them in.
  return query
    .orderBy('t.scope', 'desc')
    .orderBy((eb) => eb.fn('lower', ['t.name']))
    .orderBy('t.id')
    .limit(500)
    .execute();
}

/** Whether the name is taken among the templates it would sit beside (the company's, or this owner's). */
export async function nameTaken(trx: Tx, ownerId: string | null, name: string, exceptId: string | null) {
  let query = trx
    .selectFrom('email_templates')
    .select('id')
    .where((eb) => eb.fn('lower', ['name']), '=', name.toLowerCase());
  query = ownerId ? query.where('owner_id', '=', ownerId) : query.where('owner_id', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertTemplate(trx: Tx, row: Insertable<EmailTemplates>): Promise<void> {
  await trx.insertInto('email_templates').values(row).execute();
}

export async function updateTemplate(trx: Tx, id: string, changes: Updateable<EmailTemplates>): Promise<void> {
  await trx.updateTable('email_templates').set(changes).where('id', '=', id).execute();
}

export async function deleteTemplate(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('email_templates').where('id', '=', id).execute();
}
