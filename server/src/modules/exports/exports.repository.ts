import type { Tx } from '../../db/client.ts';
import { activeCustomFields } from '../leads/index.ts';
import type { Lookups } from './exports.columns.ts';

/**
 * The company's custom fields, the names an export writes instead of ids (people, stages) and its time zone,
 * read once.
 */
export async function exportSettings(
  trx: Tx,
): Promise<{ customDefs: Awaited<ReturnType<typeof activeCustomFields>>; lookups: Lookups }> {
  const [customDefs, users, stages, company] = await Promise.all([
    activeCustomFields(trx),
    trx.selectFrom('users').select(['id', 'name']).execute(),
    trx.selectFrom('pipeline_stages').select(['key', 'name']).execute(),
    trx.selectFrom('companies').select('timezone').executeTakeFirst(),
  ]);
  return {
    customDefs,
    lookups: {
      userNames: new Map(users.map((u) => [u.id, u.name])),
      stageNames: new Map(stages.map((s) => [s.key, s.name])),
      timeZone: company?.timezone ?? 'UTC',
    },
  };
}
