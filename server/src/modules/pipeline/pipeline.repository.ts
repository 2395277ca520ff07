import type { Tx } from '../../db/client.ts';
import { defaultStages } from '../../db/migrations/0003_leads.ts';

export async function insertDefaultStages(trx: Tx, companyId: string): Promise<void> {
  await trx
    .insertInto('pipeline_stages')
    .values(
      defaultStages.map((stage, position) => ({
        company_id: companyId,
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
