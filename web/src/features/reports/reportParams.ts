/**
 * A report page's address: the period (`range`, or `from` and `to`), the page of rows (`offset`), and any other
 * parameter a report filter (the lead list's own filter names: `ownerId`, `team`, `source`…), so that a
 * dashboard's filters and a shared link open the same figures.
 */
const PAGE_PARAMS = new Set(['range', 'from', 'to', 'offset', 'via']);

export type ReportFilters = Record<string, string | string[]>;

export function reportFiltersFrom(params: URLSearchParams): ReportFilters {
  const out: ReportFilters = {};
  for (const name of new Set(params.keys())) {
    if (PAGE_PARAMS.has(name)) continue;
    const values = params.getAll(name).filter((v) => v !== '');
    if (values.length === 0) continue;
    out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** The address bar query of a report: its period and filters. */
export function reportSearch(range: Record<string, string | null>, filters: ReportFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(range)) if (value) params.set(name, value);
  for (const [name, value] of Object.entries(filters)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function offsetFrom(params: URLSearchParams): number {
  const n = Number(params.get('offset'));
  return Number.isInteger(n) && n > 0 ? n : 0;
}
