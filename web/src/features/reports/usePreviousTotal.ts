import { previousRange } from './dateRange';
import { useReportRun } from './reports.queries';
import type { ReportRun, RunBody } from './reports.types';

/**
 * A number's comparison: the grand total of the report's first measure over the period just before the one
 * `run` shows (its own query); null while there is none to compare with (no run yet, or a run over all time).
 */
export function usePreviousTotal(
  run: ReportRun | undefined,
  body: Pick<RunBody, 'report' | 'filters'>,
  options: { enabled: boolean; refetchInterval?: number | false },
): number | null {
  const shown = run?.from && run.to ? { from: run.from, to: run.to } : null;
  const before = options.enabled && shown ? previousRange(shown) : null;
  const previous = useReportRun(
    before ? { report: body.report, ...(body.filters ? { filters: body.filters } : {}), ...before, limit: 1 } : null,
    { refetchInterval: options.refetchInterval },
  );
  const measure = previous.data?.columns.find((c) => c.role === 'measure');
  const total = measure ? previous.data?.totals?.[measure.key] : null;
  return total === null || total === undefined || !before ? null : Number(total);
}
