/**
 * The forecast kept month by month (`forecast_months`), so that reports can set it beside what was won and anyone
 * can later see what it said. The daily job `forecasts.record` keeps this month's forecast, as made when it runs,
 * the first time it runs in the month ('recorded'), and fills each of the past six months that has none (the
 * company's first run, a month the job missed) with the backtest's figure, the forecast as it would have been
 * made at the month's start ('reconstructed'). A month once kept is never changed. The figures are the company's
 * own, over every lead, split by owner: see forecastAt for how the run rate of leads not yet created is shared out.
 */
import type { Tx } from '../../db/client.ts';
import type { Actor, Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { newId } from '../../lib/ids.ts';
import { leadVisibleTo } from '../leads/scope.ts';
import * as repo from './forecasts.repository.ts';
import { BACKTEST_MONTHS, forecastAt, forecastFromStart, monthKey, type WindowFigures } from './forecasts.service.ts';

export interface RecordResult {
  /** The month recorded now (YYYY-MM), or null when it already was. */
  recorded: string | null;
  /** The past months filled from history (YYYY-MM, oldest first). */
  reconstructed: string[];
}

/**
 * One row per owner with a share of the month's forecast, and always the row of leads with no owner (so a month
 * kept with nothing expected is still kept). `won`: what was already won in the month when it was made.
 */
function ownerRows(
  month: string,
  basis: repo.ForecastMonthRow['basis'],
  madeAt: Date,
  f: WindowFigures,
  won: repo.Won[],
): repo.ForecastMonthRow[] {
  const owners = new Set<string | null>([null, ...f.owners.keys(), ...won.map((w) => w.ownerId)]);
  return [...owners].flatMap((ownerId) => {
    const part = f.owners.get(ownerId);
    const already = won.find((w) => w.ownerId === ownerId);
    const expectedValue = (already?.value ?? 0) + (part?.pipeline.value ?? 0) + (part?.newLeads.value ?? 0);
    const expectedCount = (already?.count ?? 0) + (part?.pipeline.count ?? 0) + (part?.newLeads.count ?? 0);
    if (ownerId !== null && expectedValue === 0 && expectedCount === 0) return [];
    return [{ id: newId(), month, ownerId, basis, expectedValue, expectedCount, madeAt }];
  });
}

/** Keeps the months of the company's forecast it lacks, as `actor` (the system: every lead) sees the leads. */
export async function recordForecasts(trx: Tx, deps: Deps, actor: Actor): Promise<RecordResult> {
  const now = deps.clock.now();
  const info = await repo.companyInfo(trx);
  const visible = leadVisibleTo(actor);
  const offsets = Array.from({ length: BACKTEST_MONTHS + 2 }, (_, i) => i - BACKTEST_MONTHS);
  const starts = await repo.monthStarts(trx, info.timezone, now, offsets);
  const startOf = (offset: number) => starts[offset + BACKTEST_MONTHS] as Date;
  const firstDay = (at: Date) => `${monthKey(info.timezone, at)}-01`;
  const held = await repo.forecastMonthsHeld(trx);
  const rows: repo.ForecastMonthRow[] = [];
  const result: RecordResult = { recorded: null, reconstructed: [] };

  // This month, as GET /insights/forecast gives it now: won so far, plus the rest of the month's expected wins.
  const thisMonth = firstDay(startOf(0));
  if (!held.has(thisMonth)) {
    const [f] = await forecastAt(trx, info, visible, now, [{ from: now, to: startOf(1) }], true, true);
    const won = await repo.wonBetween(trx, startOf(0), new Date(now.getTime() + 1), visible);
    rows.push(...ownerRows(thisMonth, 'recorded', now, f as WindowFigures, won));
    result.recorded = thisMonth.slice(0, 7);
  }

  // The past months, as the backtest makes them; none that ended before the company's first lead (a company that
  // imported its earlier leads has a history older than its account here).
  const historyFrom = await repo.firstLeadAt(trx);
  for (let j = BACKTEST_MONTHS; j >= 1; j--) {
    const from = startOf(-j);
    const to = startOf(-j + 1);
    const month = firstDay(from);
    if (held.has(month) || !historyFrom || to.getTime() <= historyFrom.getTime()) continue;
    rows.push(
      ...ownerRows(month, 'reconstructed', now, await forecastFromStart(trx, info, visible, from, to, true), []),
    );
    result.reconstructed.push(month.slice(0, 7));
  }
  await repo.insertForecastMonths(trx, rows);
  return result;
}

/** The daily job, for the job's company. */
export async function runRecordJob(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await recordForecasts(trx, deps, jobContext(job).actor);
}
