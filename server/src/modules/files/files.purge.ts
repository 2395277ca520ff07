import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { recordAudit } from '../audit/index.ts';
import { storagesFor } from './files.storage.ts';

/** Days a file stays in the trash, restorable, before the daily purge takes it. */
export const FILE_TRASH_DAYS = 30;
const DAY = 86_400_000;
const FILES_PER_RUN = 1000;
const OBJECTS_PER_RUN = 5000;

/**
 * Deletes the stored bytes queued by earlier, committed transactions (their version rows are surely gone), then
 * the files trashed over FILE_TRASH_DAYS ago, whose bytes the trigger queues for tomorrow's run. Bytes are never
 * deleted in the transaction that deletes their row: were it to roll back, a row would point at nothing.
 * Deleting an object twice is harmless, so a run that fails after deleting some is simply run again.
 */
export async function runFilesPurge(trx: Tx, deps: Deps, job: Job): Promise<void> {
  const orphans = await trx
    .selectFrom('file_orphans')
    .select(['id', 'storage_driver', 'storage_key'])
    .orderBy('id')
    .limit(OBJECTS_PER_RUN)
    .execute();
  const storages = storagesFor(deps.config);
  const removed: string[] = [];
  for (const orphan of orphans) {
    let storage: ReturnType<typeof storages.of>;
    try {
      storage = storages.of(orphan.storage_driver);
    } catch {
      // Written to a store this process no longer has (S3 turned off): kept until it is configured again.
      continue;
    }
    await storage.remove(orphan.storage_key);
    removed.push(String(orphan.id));
  }
  if (removed.length > 0) await trx.deleteFrom('file_orphans').where('id', 'in', removed).execute();

  const now = deps.clock.now();
  const doomed = await trx
    .selectFrom('files')
    .select(['id', 'name'])
    .where('deleted_at', '<', new Date(now.getTime() - FILE_TRASH_DAYS * DAY))
    .orderBy('deleted_at')
    .limit(FILES_PER_RUN)
    .execute();
  if (doomed.length === 0) return;
  const ids = doomed.map((f) => f.id);
  await trx.deleteFrom('file_versions').where('file_id', 'in', ids).execute();
  await trx.deleteFrom('files').where('id', 'in', ids).execute();
  const ctx = jobContext(job);
  for (const file of doomed) {
    await recordAudit(trx, ctx, {
      action: 'file.purged',
      entityType: 'file',
      entityId: file.id,
      before: { name: file.name },
      at: now,
    });
  }
}
