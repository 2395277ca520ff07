import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { defaultStages } from '../../db/migrations/0003_leads.ts';
import { newId } from '../../lib/ids.ts';

export async function insertDefaultStages(trx: Tx, companyId: string): Promise<void> {
  await trx
    .insertInto('pipeline_stages')
    .values(
      defaultStages.map((stage, position) => ({
        company_id: companyId,
        id: newId(),
        key: stage.key,
        name: stage.name,
        position,
        kind: stage.kind,
        required_fields: [...stage.requiredFields],
      })),
    )
    .execute();
}

export async function listStages(trx: Tx) {
  return trx.selectFrom('pipeline_stages').selectAll().orderBy('position').orderBy('key').execute();
}

export async function findStage(trx: Tx, key: string) {
  return trx.selectFrom('pipeline_stages').selectAll().where('key', '=', key).executeTakeFirst();
}

export type StageRow = Awaited<ReturnType<typeof listStages>>[number];

/**
 * Every stage, locked: pipeline changes run one at a time per company, so "at least one won and one lost
 * stage" and the positions hold under concurrent edits.
 */
export async function lockStages(trx: Tx) {
  return trx.selectFrom('pipeline_stages').selectAll().orderBy('position').orderBy('key').forUpdate().execute();
}

export async function insertStage(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    key: string;
    name: string;
    position: number;
    kind: string;
    required_fields: string[];
    now: Date;
  },
) {
  const { now, ...values } = row;
  await trx
    .insertInto('pipeline_stages')
    .values({ ...values, created_at: now, updated_at: now })
    .execute();
}

export async function updateStage(
  trx: Tx,
  key: string,
  changes: { name?: string; kind?: string; required_fields?: string[]; probability?: string | null },
  now: Date,
) {
  await trx
    .updateTable('pipeline_stages')
    .set({ ...changes, updated_at: now })
    .where('key', '=', key)
    .execute();
}

/** Positions 0..n-1 in the order given; rows already in place are left alone. */
export async function setPositions(trx: Tx, keys: string[], now: Date) {
  await sql`
    UPDATE pipeline_stages s SET position = v.ord - 1, updated_at = ${now}
    FROM unnest(${sql.val(keys)}::text[]) WITH ORDINALITY AS v(key, ord)
    WHERE s.key = v.key AND s.position <> v.ord - 1
  `.execute(trx);
}

export async function deleteStage(trx: Tx, key: string) {
  await trx.deleteFrom('pipeline_stages').where('key', '=', key).execute();
}

/**
 * Every lead in the stage, whoever may see it: a stage with leads cannot be deleted. Only pipeline managers
 * (admins) reach this count.
 */
export async function countLeadsInStage(trx: Tx, key: string): Promise<number> {
  const row = await trx
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stage', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
