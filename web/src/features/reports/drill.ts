/**
 * Where a figure leads: the list behind it with the report's filter applied as-is. The query is the one the
 * server sends with each figure (a query string usable on `GET /leads` or `GET /activities`), so the list's total
 * is the figure. `via` is the app's own caption ("Deals by stage · Proposal"), which the list shows and never
 * sends to the API.
 */
export interface Drill {
  list: 'leads' | 'activities';
  query: Record<string, string>;
}

/** The caption parameter the lead and activity lists read and keep out of their API query. */
export const VIA_PARAM = 'via';

const listPath: Record<Drill['list'], string> = { leads: '/leads', activities: '/activities' };

export function drillHref(drill: Drill, via?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(drill.query)) {
    if (name === VIA_PARAM || value === undefined || value === null) continue;
    params.append(name, String(value));
  }
  if (via) params.set(VIA_PARAM, via);
  const query = params.toString();
  return query ? `${listPath[drill.list]}?${query}` : listPath[drill.list];
}
