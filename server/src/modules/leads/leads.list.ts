import { type Expression, type SqlBool, sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Page } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { looksLikePhone } from '../../lib/phone.ts';
import { type FieldAccess, fieldAccessFor } from './lead-fields.ts';
import type { CustomFieldDef } from './lead-input.ts';
import { type LeadDto, toLead } from './leads.dto.ts';
import { buildFilters, type FilterContext, filterNeeds, type LeadParams } from './leads.filters.ts';
import { type LeadRow, leadColumns, leadsQuery, peopleColumn } from './leads.repository.ts';
import { loadNearWords, parseSearch, type Search, type SearchMode, searchCondition } from './leads.search.ts';
import {
  afterCursor,
  decodeLeadCursor,
  encodeLeadCursor,
  type LeadCursor,
  needsStages,
  sortPlan,
} from './leads.sort.ts';
import { leadIsLive, leadVisibleTo, visibilityByOwner } from './leads.visibility.ts';

export type ListLeadsInput = LeadParams & {
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

interface ListSettings extends FilterContext {
  /** The company's phone country; read only when the search text looks like a phone number. */
  phoneCountry: string;
}

/** The company settings the request needs (stages, custom fields, phone country), in one round trip, or none. */
async function loadSettings(trx: Tx, access: FieldAccess, params: ListLeadsInput, stagesNeeded: boolean) {
  const needs = filterNeeds(params);
  const sortKey = params.sort?.replace(/^-/, '') ?? '';
  const stages = stagesNeeded || needs.stages || needsStages(params.sort);
  const custom = needs.customDefs || sortKey.startsWith('customFields.');
  const phone = typeof params.q === 'string' && looksLikePhone(params.q);
  const settings: ListSettings = { access, stages: [], customDefs: [], phoneCountry: '' };
  if (!stages && !custom && !phone) return settings;
  const stageKeys = sql`(SELECT json_agg(s.key ORDER BY s.position, s.key) FROM pipeline_stages s)`;
  const customDefs = sql`(SELECT json_agg(json_build_object('key', f.key, 'type', f.type, 'options', f.options))
    FROM custom_fields f WHERE f.active)`;
  const phoneCountry = sql`(SELECT c.phone_country FROM companies c WHERE c.id = app_current_company())`;
  const { rows } = await sql<{
    stages: string[] | null;
    custom: Pick<CustomFieldDef, 'key' | 'type' | 'options'>[] | null;
    phone_country: string | null;
  }>`SELECT ${stages ? stageKeys : sql`NULL`} AS stages, ${custom ? customDefs : sql`NULL`} AS custom,
      ${phone ? phoneCountry : sql`NULL`} AS phone_country`.execute(trx);
  const row = rows[0];
  settings.stages = row?.stages ?? [];
  settings.customDefs = (row?.custom ?? []) as CustomFieldDef[];
  settings.phoneCountry = row?.phone_country ?? '';
  return settings;
}

interface Prepared {
  access: FieldAccess;
  settings: ListSettings;
  conditions: Expression<SqlBool>[];
  /** The conditions without the visibility and live predicates. */
  filters: Expression<SqlBool>[];
  search: Search | null;
}

async function prepare(trx: Tx, ctx: RequestContext, params: ListLeadsInput, stagesNeeded = false) {
  const access = await fieldAccessFor(trx, ctx.actor.role);
  const settings = await loadSettings(trx, access, params, stagesNeeded);
  const filters = buildFilters(params, settings);
  const conditions = [leadVisibleTo(ctx.actor), leadIsLive, ...filters];
  const search = parseSearch(params.q, access, () => settings.phoneCountry);
  return { access, settings, conditions, filters, search } satisfies Prepared;
}

/**
 * The visible, filtered leads with their owner's and partner's names. A phone number or a fuzzy search (few
 * matches) is read from its index first, and so is a search within a role's own part of the leads, together
 * with the visibility and filters (the search's and the owner's indexes combined): as a subquery the planner may
 * not merge. PostgreSQL cannot estimate how few rows those match, and would otherwise walk the whole sort index
 * looking for them (a manager's name search: 440 ms instead of 50).
 */
function filtered(trx: Tx, prepared: Prepared, mode: SearchMode, broad: boolean) {
  const search = prepared.search ? searchCondition(prepared.search, mode) : null;
  const few = mode === 'fuzzy' || prepared.search?.digits != null;
  const indexed = prepared.search?.words.some((w) => w.length >= 3) ?? false;
  const ownPart = search !== null && !few && !broad && indexed;
  const fenced = search !== null && (few || ownPart);
  let inner = trx.selectFrom('leads as l').selectAll('l');
  if (search) inner = inner.where(search);
  if (ownPart) for (const condition of prepared.conditions) inner = inner.where(condition);
  let query = fenced
    ? trx
        .selectFrom(inner.offset(0).as('l'))
        .leftJoin('users as o', (join) =>
          join.onRef('o.company_id', '=', 'l.company_id').onRef('o.id', '=', 'l.owner_id'),
        )
        .leftJoin('partners as p', (join) =>
          join.onRef('p.company_id', '=', 'l.company_id').onRef('p.id', '=', 'l.partner_id'),
        )
        .leftJoin('lead_scores as ls', (join) =>
          join.onRef('ls.company_id', '=', 'l.company_id').onRef('ls.lead_id', '=', 'l.id'),
        )
        .select(leadColumns)
        .select(peopleColumn)
    : leadsQuery(trx);
  if (!ownPart) for (const condition of prepared.conditions) query = query.where(condition);
  if (search && !fenced) query = query.where(search);
  return query;
}

/**
 * Leads the caller may see, filtered, searched and sorted, one keyset page at a time. A search reads its words
 * exactly first; only when that finds nothing does it tolerate typos (the cursor remembers which reading).
 */
export async function listLeads(deps: Deps, ctx: RequestContext, input: ListLeadsInput): Promise<Page<LeadDto>> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const page = await listLeadRows(trx, ctx, input);
    return { data: page.rows.map((row) => toLead(row, page.access)), nextCursor: page.nextCursor };
  });
}

/** One page of the list as rows (before field permissions), with the caller's field access to apply. */
export interface LeadRowsPage {
  rows: LeadRow[];
  access: FieldAccess;
  nextCursor: string | null;
}

/** The list's page in the caller's transaction: what listLeads shows, as rows. */
export async function listLeadRows(trx: Tx, ctx: RequestContext, input: ListLeadsInput): Promise<LeadRowsPage> {
  const prepared = await prepare(trx, ctx, input);
  const { settings } = prepared;
  const plan = sortPlan(input.sort, prepared.access, {
    stages: () => settings.stages,
    customDefs: () => settings.customDefs,
  });
  const cursor = decodeLeadCursor(input.cursor, plan);
  const modes = prepared.search ? ['exact', 'fuzzy'] : [''];
  if (cursor && !modes.includes(cursor.mode)) {
    throw new AppError('validation_failed', 'The cursor belongs to another search', {
      errors: [{ path: 'cursor', message: 'belongs to another search' }],
    });
  }
  let mode = (cursor?.mode || 'exact') as SearchMode;
  // Roles that see every lead find a name word's matches soonest by walking the sort order.
  const broad = ['ADMIN', 'DEV', 'GUEST'].includes(ctx.actor.role);
  if (mode === 'fuzzy' && prepared.search) await loadNearWords(trx, prepared.search);

  const readPage = async () => {
    const rows: (Awaited<ReturnType<ReturnType<typeof leadsQuery>['execute']>>[number] & {
      sort_key: string | null;
      segment: number;
    })[] = [];
    for (let i = cursor?.segment ?? 0; i < plan.segments.length && rows.length <= input.limit; i++) {
      const segment = plan.segments[i];
      if (!segment) break;
      let query = filtered(trx, prepared, mode, broad).select(
        segment.expr ? sql<string | null>`(${segment.expr})::text`.as('sort_key') : sql<null>`NULL`.as('sort_key'),
      );
      if (segment.where) query = query.where(segment.where);
      if (cursor && i === cursor.segment) query = query.where(afterCursor(segment, cursor));
      const direction = segment.desc ? 'desc' : 'asc';
      if (segment.expr) query = query.orderBy(segment.expr, direction);
      const found = await query
        .orderBy('l.id', direction)
        .limit(input.limit + 1 - rows.length)
        .execute();
      for (const row of found) rows.push({ ...row, segment: i });
    }
    return rows;
  };

  let rows = await readPage();
  if (rows.length === 0 && !cursor && prepared.search?.fuzzy) {
    mode = 'fuzzy';
    await loadNearWords(trx, prepared.search);
    rows = await readPage();
  }
  const data = rows.slice(0, input.limit);
  const last = data.at(-1);
  const next: LeadCursor | null =
    rows.length > input.limit && last
      ? {
          sort: plan.key,
          mode: prepared.search ? mode : '',
          segment: last.segment,
          value: last.sort_key,
          id: last.id,
        }
      : null;
  return { rows: data, access: prepared.access, nextCursor: next ? encodeLeadCursor(next) : null };
}

/**
 * Every lead of the list (same filters, search, sort and visibility), page after page for export and bulk
 * actions. Each page is read in a transaction of its own: a slow reader of a million rows holds none open.
 */
export async function* iterateLeadRows(
  deps: Deps,
  ctx: RequestContext,
  params: Omit<ListLeadsInput, 'limit' | 'cursor'>,
  pageSize = 2000,
): AsyncGenerator<LeadRowsPage> {
  let cursor: string | undefined;
  do {
    const input: ListLeadsInput = { ...params, limit: pageSize, ...(cursor ? { cursor } : {}) };
    const page = await withTenant(deps.db, ctx.actor.companyId, (trx) => listLeadRows(trx, ctx, input));
    yield page;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export interface StageCount {
  stage: string;
  count: number;
  value?: number;
}

interface CountRow {
  stage: string;
  count: number;
  value: string | null;
}

/** The filters lead_stage_totals can answer: it knows each lead's stage and owner, nothing else. */
const TOTALS_FILTERS = new Set(['stage', 'ownerId']);

/**
 * Counts from the per-owner totals the leads' trigger keeps, when neither a search nor a filter other than
 * stage and owner asks about the leads themselves, and the role sees leads by their owner. A salesperson's own
 * leads come from the totals; the few it sees through co-sales or its warriors are counted live. null: count
 * every lead live.
 */
async function countFromTotals(trx: Tx, ctx: RequestContext, params: LeadParams, prepared: Prepared) {
  const scope = visibilityByOwner(ctx.actor);
  const ownerOnly = Object.keys(params).every((k) => params[k] === undefined || TOTALS_FILTERS.has(k));
  if (!scope || prepared.search || !ownerOnly) return null;
  let totals = trx
    .selectFrom('lead_stage_totals as l')
    .select([
      'l.stage',
      sql<number>`sum(l.lead_count)::int`.as('count'),
      sql<string | null>`sum(l.value_sum)::text`.as('value'),
    ])
    .where(scope.owned)
    .groupBy('l.stage');
  for (const condition of prepared.filters) totals = totals.where(condition);
  const rows: CountRow[] = await totals.execute();
  if (!scope.beyond) return rows;
  let live = trx
    .selectFrom('leads as l')
    .select([
      'l.stage',
      sql<number>`count(*)::int`.as('count'),
      sql<string | null>`sum(l.expected_value)::text`.as('value'),
    ])
    .where(scope.beyond)
    .where(leadIsLive)
    .groupBy('l.stage');
  for (const condition of prepared.filters) live = live.where(condition);
  const byStage = new Map(rows.map((r) => [r.stage, { ...r }]));
  for (const row of await live.execute()) {
    const into = byStage.get(row.stage);
    if (!into) byStage.set(row.stage, row);
    else {
      into.count += row.count;
      into.value = String(Number(into.value ?? 0) + Number(row.value ?? 0));
    }
  }
  return [...byStage.values()];
}

/** Leads per stage for the board, with the same filters and search as the list; every stage, in pipeline order. */
export async function countLeads(deps: Deps, ctx: RequestContext, params: LeadParams): Promise<{ data: StageCount[] }> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const input = { ...params, limit: 0 } as ListLeadsInput;
    const prepared = await prepare(trx, ctx, input, true);
    const count = async (mode: SearchMode) => {
      let query = trx
        .selectFrom('leads as l')
        .select([
          'l.stage',
          sql<number>`count(*)::int`.as('count'),
          sql<string | null>`sum(l.expected_value)::text`.as('value'),
        ])
        .groupBy('l.stage');
      for (const condition of prepared.conditions) query = query.where(condition);
      if (prepared.search) query = query.where(searchCondition(prepared.search, mode));
      return query.execute();
    };
    let rows = (await countFromTotals(trx, ctx, params, prepared)) ?? (await count('exact'));
    if (rows.length === 0 && prepared.search?.fuzzy) {
      await loadNearWords(trx, prepared.search);
      rows = await count('fuzzy');
    }
    const showValue = prepared.access.fields.expectedValue !== 'hidden';
    const byStage = new Map(rows.map((r) => [r.stage, r]));
    return {
      data: prepared.settings.stages.map((stage) => {
        const row = byStage.get(stage);
        const entry: StageCount = { stage, count: row?.count ?? 0 };
        if (showValue) entry.value = Number(row?.value ?? 0);
        return entry;
      }),
    };
  });
}

/**
 * Checks a saved view's filters and sort as the list would read them, for the caller's role; returns the sort
 * in its normal form. Problems name `<prefix><param>` (`filters.` by default) or `sort`.
 */
export async function checkSavedQuery(
  trx: Tx,
  ctx: RequestContext,
  filters: LeadParams,
  sort: string | null,
  prefix = 'filters.',
): Promise<string | null> {
  const params = { ...filters, limit: 0, ...(sort ? { sort } : {}) } as ListLeadsInput;
  const access = await fieldAccessFor(trx, ctx.actor.role);
  const settings = await loadSettings(trx, access, params, false);
  buildFilters(filters, settings, prefix);
  if (!sort) return null;
  return sortPlan(sort, access, { stages: () => settings.stages, customDefs: () => settings.customDefs }).key;
}

/**
 * The list's filters as SQL conditions on the alias `l` (without visibility), checked as the list checks them,
 * for reports whose figures must equal the list they drill into. Problems name `<prefix><param>`.
 */
export async function leadFilterConditions(
  trx: Tx,
  access: FieldAccess,
  filters: LeadParams,
  prefix: string,
): Promise<Expression<SqlBool>[]> {
  const settings = await loadSettings(trx, access, { ...filters, limit: 0 } as ListLeadsInput, false);
  return buildFilters(filters, settings, prefix);
}
