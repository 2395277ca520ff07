import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';

/** An upload nobody ran within a week is dropped with its parsed rows: it was a look at a file, not an import. */
export const UNRUN_DAYS = 7;

/** The daily prune (imports.jobs.ts). */
export async function pruneUnrunImports(trx: Tx, deps: Deps): Promise<void> {
  const before = new Date(deps.clock.now().getTime() - UNRUN_DAYS * 86_400_000);
  const stale = trx
    .selectFrom('imports')
    .select('id')
    .where('status', '=', 'uploaded')
    .where('created_at', '<', before);
  await trx.deleteFrom('import_chunks').where('import_id', 'in', stale).execute();
  await trx.deleteFrom('imports').where('status', '=', 'uploaded').where('created_at', '<', before).execute();
}
