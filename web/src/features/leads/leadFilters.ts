import { useSearchParams } from 'react-router';
import type { LeadListParams } from './leads.queries';

/**
 * The filters of the lead list and board. They live in the address bar under the list route's own parameter
 * names, so a link, Back and a saved view all carry the same thing.
 */
export interface LeadFilters {
  q: string;
  stages: string[];
  /** User ids, or `none` for unassigned leads. */
  owners: string[];
  sources: string[];
  tags: string[];
  /** Score tiers: hot, warm, cold. */
  tiers: string[];
  valueMin: number | null;
  valueMax: number | null;
  /** YYYY-MM-DD or ''. */
  createdFrom: string;
  createdTo: string;
  closeFrom: string;
  closeTo: string;
}

export const emptyFilters: LeadFilters = {
  q: '',
  stages: [],
  owners: [],
  sources: [],
  tags: [],
  tiers: [],
  valueMin: null,
  valueMax: null,
  createdFrom: '',
  createdTo: '',
  closeFrom: '',
  closeTo: '',
};

/** Each filter's parameter name in the list route (and the address bar, and a saved view's `filters`). */
const paramOf = {
  q: 'q',
  stages: 'stage',
  owners: 'ownerId',
  sources: 'source',
  tags: 'tags',
  tiers: 'scoreTier',
  valueMin: 'expectedValue.min',
  valueMax: 'expectedValue.max',
  createdFrom: 'createdAt.min',
  createdTo: 'createdAt.max',
  closeFrom: 'expectedCloseDate.min',
  closeTo: 'expectedCloseDate.max',
} as const satisfies Record<keyof LeadFilters, string>;

export const filterParamNames: readonly string[] = Object.values(paramOf);

const csv = (value: string | null | undefined) => (value ? value.split(',').filter(Boolean) : []);
const num = (value: string | null | undefined) => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};
const day = (value: string | null | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '');

/** Filters from any string lookup: the address bar, or a saved view's `filters`. */
export function filtersFrom(get: (name: string) => string | null | undefined): LeadFilters {
  return {
    q: get(paramOf.q) ?? '',
    stages: csv(get(paramOf.stages)),
    owners: csv(get(paramOf.owners)),
    sources: csv(get(paramOf.sources)),
    tags: csv(get(paramOf.tags)),
    tiers: csv(get(paramOf.tiers)),
    valueMin: num(get(paramOf.valueMin)),
    valueMax: num(get(paramOf.valueMax)),
    createdFrom: day(get(paramOf.createdFrom)),
    createdTo: day(get(paramOf.createdTo)),
    closeFrom: day(get(paramOf.closeFrom)),
    closeTo: day(get(paramOf.closeTo)),
  };
}

/** Parameter values for changed filters; null removes a parameter. */
function toParamEntries(filters: Partial<LeadFilters>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(filters) as [keyof LeadFilters, LeadFilters[keyof LeadFilters]][]) {
    const name = paramOf[key];
    if (Array.isArray(value)) out[name] = value.join(',') || null;
    else if (typeof value === 'number') out[name] = String(value);
    else out[name] = typeof value === 'string' ? value.trim() || null : null;
  }
  return out;
}

/** The filters as the list route's query; empty ones are left out so equal lists share one cache entry. */
export function toListParams(filters: LeadFilters, options: { withStages?: boolean } = {}): LeadListParams {
  const entries = toParamEntries(filters);
  if (options.withStages === false) entries[paramOf.stages] = null;
  const query: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (value === null) continue;
    query[name] = name === paramOf.valueMin || name === paramOf.valueMax ? Number(value) : value;
  }
  return query as LeadListParams;
}

/** How many filters (besides the search) are in effect, for the "Filters (2)" badge. */
export function activeFilterCount(filters: LeadFilters, options: { withStages?: boolean } = {}): number {
  let count = 0;
  if ((options.withStages ?? true) && filters.stages.length > 0) count++;
  if (filters.owners.length > 0) count++;
  return count + moreFilterCount(filters);
}

/** Filters kept behind "More filters": source, tags, score tier, value and dates. */
export function moreFilterCount(filters: LeadFilters): number {
  let count = 0;
  if (filters.sources.length > 0) count++;
  if (filters.tags.length > 0) count++;
  if (filters.tiers.length > 0) count++;
  if (filters.valueMin !== null || filters.valueMax !== null) count++;
  if (filters.createdFrom || filters.createdTo) count++;
  if (filters.closeFrom || filters.closeTo) count++;
  return count;
}

/** Address-bar parameters that belong to the page (sort, saved view, a report's caption), never list filters. */
const PAGE_PARAMS = new Set(['sort', 'view', 'via', 'cursor', 'limit']);

/** A list filter the controls do not hold, as the address bar has it: one value, or several (repeated). */
export type ExtraFilters = Record<string, string | string[]>;

/**
 * The list filters in the address bar that the filter controls do not hold, exactly as they came: a report's
 * drill-down (`reached`, `team`, `campaign`, `cf.<key>`, a bound with a time and offset…) opens the list with its
 * query as-is, so the list counts what the figure counted. A parameter the controls hold exactly is left to them.
 */
export function extraFilters(params: URLSearchParams, filters: LeadFilters): ExtraFilters {
  const held = toListParams(filters) as Record<string, string | number>;
  const out: ExtraFilters = {};
  for (const name of new Set(params.keys())) {
    if (PAGE_PARAMS.has(name)) continue;
    const values = params.getAll(name).filter((value) => value !== '');
    if (values.length === 0) continue;
    if (values.length === 1 && name in held && String(held[name]) === values[0]) continue;
    out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** The list's query: the controls' filters, and the extra ones as they came (which win over a control's reading). */
export function listQuery(filters: LeadFilters, extras: ExtraFilters): LeadListParams {
  return { ...toListParams(filters), ...extras } as LeadListParams;
}

export function useLeadFilters() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom((name) => params.get(name));
  const extras = extraFilters(params, filters);

  const update = (changes: Partial<LeadFilters>, extra: Record<string, string | null> = {}) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries({ ...toParamEntries(changes), ...extra })) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  // Clearing also drops a report's drill-down filters and its caption.
  const dropExtras = () => Object.fromEntries([...Object.keys(extras), 'via'].map((name) => [name, null]));
  const clear = (extra: Record<string, string | null> = {}) =>
    update({ ...emptyFilters, q: filters.q }, { ...dropExtras(), ...extra });

  return { filters, extras, params, update, clear };
}
