import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { flagDuplicates } from '../duplicates/index.ts';
import { type ChunkPayload, importFlagJob } from './imports.jobs.ts';
import * as repo from './imports.repository.ts';

/**
 * After an import, its leads created although they matched others join the duplicates review queue, as a lead
 * created through any channel does, a chunk per job. The matches are the ones the import found, so nothing is
 * searched again; a lead trashed or merged since is left out.
 */
export async function flagImported(trx: Tx, deps: Deps, job: Job<ChunkPayload>): Promise<void> {
  const { importId, chunk } = job.payload;
  const imp = await trx
    .selectFrom('imports')
    .select(['id', 'chunk_count'])
    .where('id', '=', importId)
    .executeTakeFirst();
  if (!imp) return;
  const stored = await repo.loadChunk(trx, importId, chunk);
  const flagged = (stored?.outcomes ?? []).filter((o) => o.o === 'created' && o.lead && o.dup && o.dup.length > 0);
  if (flagged.length > 0) {
    const live = await trx
      .selectFrom('leads')
      .select('id')
      .where(
        'id',
        'in',
        flagged.map((o) => o.lead as string),
      )
      .where('deleted_at', 'is', null)
      .where('merged_into', 'is', null)
      .execute();
    const alive = new Set(live.map((r) => r.id));
    const now = deps.clock.now();
    for (const outcome of flagged) {
      if (!alive.has(outcome.lead as string)) continue;
      await flagDuplicates(trx, {
        companyId: job.companyId,
        leadId: outcome.lead as string,
        matches: outcome.dup ?? [],
        now,
      });
    }
  }
  if (chunk + 1 < imp.chunk_count) {
    await enqueue(trx, importFlagJob, { importId, chunk: chunk + 1 }, { runAt: deps.clock.now() });
  }
}
