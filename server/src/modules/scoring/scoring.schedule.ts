import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import * as repo from './scoring.repository.ts';
import { beginTraining, queueRescore } from './scoring.service.ts';

const DAY_MS = 86_400_000;

/**
 * The nightly run: every live lead rescored (ages and quiet days move even when nothing is written), and, for a
 * company that has trained before, a new model once `retrainDays` have passed since the last training and
 * enough history exists. The new model stays a candidate until an admin switches it on.
 */
export async function runDaily(trx: Tx, deps: Deps): Promise<void> {
  const now = deps.clock.now();
  await queueRescore(trx, now);
  const last = await repo.lastTraining(trx);
  if (!last) return;
  const settings = await repo.getSettings(trx);
  if (now.getTime() - last.getTime() < settings.retrainDays * DAY_MS) return;
  const counts = await repo.closedCounts(trx, await repo.stageKinds(trx));
  if (
    counts.won + counts.lost < repo.THRESHOLD.closed ||
    counts.won < repo.THRESHOLD.won ||
    counts.lost < repo.THRESHOLD.lost
  )
    return;
  await beginTraining(trx, now, null);
}
