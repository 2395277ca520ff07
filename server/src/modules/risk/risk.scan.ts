import { performance } from 'node:perf_hooks';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { notify } from '../notifications/index.ts';
import * as repo from './risk.scan.repository.ts';

export interface ScanResult {
  flagged: number;
  cleared: number;
  notified: number;
  durationMs: number;
}

/**
 * One company's at-risk scan, in the caller's tenant transaction: the stage norms measured from the company's
 * history, every live open lead judged against them in one statement, then each owner told once about the
 * at-risk leads they were not told about in the last week ("3 of your leads are at risk").
 */
export async function scanCompany(trx: Tx, deps: Deps, companyId: string): Promise<ScanResult> {
  const started = performance.now();
  const now = deps.clock.now();
  const timezone = await repo.companyTimezone(trx, companyId);
  const norms = await repo.stageNorms(trx, companyId, now);
  const { flagged, cleared } = await repo.flagLeads(trx, { companyId, now, timezone, norms });
  const owners = await repo.claimNotifications(trx, companyId, now);
  for (const owner of owners) {
    await notify(trx, {
      companyId,
      userId: owner.owner_id,
      kind: 'lead.at_risk',
      title: `${owner.n} of your leads ${owner.n === 1 ? 'is' : 'are'} at risk`,
      body: 'See At-risk leads for the reasons: overdue follow-ups, no touch, a stage overstayed, a pushed close date.',
      leadId: owner.n === 1 ? owner.lead_id : null,
      now,
    });
  }
  const durationMs = performance.now() - started;
  await repo.recordScan(trx, { companyId, now, durationMs, flagged, notified: owners.length, norms });
  return { flagged, cleared, notified: owners.length, durationMs };
}

/** The daily run and the one asked for through the API. */
export async function runScanJob(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await scanCompany(trx, deps, job.companyId);
}
