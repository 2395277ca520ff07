import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Recommendations } from '../../db/types.ts';
import { LOAD_BANDS } from './recommendations.stats.ts';

export type RecommendationRow = Selectable<Recommendations>;

export const dimensions = ['source', 'product', 'city', 'state', 'territory'] as const;
export type Dimension = (typeof dimensions)[number];

/** One owner's closed leads of one value (or, with `ownerId` null, everyone's), over the window. */
export interface Cell {
  dimension: Dimension;
  key: string;
  value: string;
  ownerId: string | null;
  leads: number;
  won: number;
  reached: number;
  medianSpeedSeconds: number | null;
  averageLoad: number | null;
  /** Seconds to the first touch of each reached lead (owner cells only). */
  speeds: number[];
}

/**
 * The closed leads of the window, one row each, with their owner, outcome, load and speed to lead:
 * - assigned_at: when the lead was last given to its current owner (its assignment rows), else its creation;
 * - load: the owner's other open leads at that moment, from every lead it owns (one running sum per owner over
 *   +1 when a lead is given to it and -1 when that lead closed, ties closing first);
 * - speed: seconds from assigned_at to the first touch at or after it (a done activity, a note, a sent email or
 *   an outgoing WhatsApp message), null when nobody touched it.
 */
function facts(companyId: string, since: Date, now: Date) {
  return sql`
    given AS (
      SELECT a.lead_id, a.owner_id, max(a.at) AS at
      FROM lead_assignments a
      WHERE a.company_id = ${companyId} AND a.owner_id IS NOT NULL AND a.at <= ${now}
      GROUP BY a.lead_id, a.owner_id
    ),
    owned AS (
      SELECT l.id, l.owner_id, s.kind, l.stage_changed_at, greatest(coalesce(g.at, l.created_at), l.created_at) AS assigned_at,
        l.source, l.product, l.city, l.state, l.territory
      FROM leads l
      JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      LEFT JOIN given g ON g.lead_id = l.id AND g.owner_id = l.owner_id
      WHERE l.company_id = ${companyId} AND l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND l.merged_into IS NULL
        AND l.created_at <= ${now}
    ),
    ev AS (
      SELECT owner_id, id, assigned_at AS at, 1 AS d, 1 AS seq FROM owned
      UNION ALL
      -- At one instant: leads closing first, then leads given, then leads given and closed at that same instant.
      SELECT owner_id, id, greatest(stage_changed_at, assigned_at), -1,
        CASE WHEN stage_changed_at > assigned_at THEN 0 ELSE 2 END
      FROM owned WHERE kind <> 'open'
    ),
    loads AS (
      SELECT id, open_now - 1 AS load FROM (
        SELECT id, d, sum(d) OVER (PARTITION BY owner_id ORDER BY at, seq, id ROWS UNBOUNDED PRECEDING) AS open_now
        FROM ev
      ) r WHERE d = 1
    ),
    closed AS (
      SELECT o.*, o.kind = 'won' AS won, ld.load
      FROM owned o JOIN loads ld ON ld.id = o.id
      WHERE o.kind <> 'open' AND o.stage_changed_at >= ${since} AND o.stage_changed_at <= ${now}
    ),
    touches AS (
      SELECT a.lead_id, a.completed_at AS at FROM activities a
      WHERE a.company_id = ${companyId} AND a.status = 'done' AND a.lead_id IN (SELECT id FROM closed)
      UNION ALL
      SELECT n.lead_id, n.created_at FROM lead_notes n
      WHERE n.company_id = ${companyId} AND n.lead_id IN (SELECT id FROM closed)
      UNION ALL
      SELECT m.lead_id, m.sent_at FROM email_messages m
      WHERE m.company_id = ${companyId} AND m.sent_at IS NOT NULL AND m.lead_id IN (SELECT id FROM closed)
      UNION ALL
      SELECT w.lead_id, w.at FROM whatsapp_messages w
      WHERE w.company_id = ${companyId} AND w.direction = 'outbound' AND w.lead_id IN (SELECT id FROM closed)
    ),
    first_touch AS (
      SELECT c.id, min(t.at) AS at FROM closed c JOIN touches t ON t.lead_id = c.id AND t.at >= c.assigned_at
      GROUP BY c.id
    ),
    facts AS (
      SELECT c.*, extract(epoch FROM ft.at - c.assigned_at)::float8 AS speed
      FROM closed c LEFT JOIN first_touch ft ON ft.id = c.id
    )`;
}

/** Per dimension value, each owner's closed leads and everyone's together, in one grouped pass. */
export async function cells(
  trx: Tx,
  input: { companyId: string; since: Date; now: Date; dimension?: Dimension },
): Promise<Cell[]> {
  const only = input.dimension ? sql`AND d.dimension = ${input.dimension}` : sql``;
  const { rows } = await sql<{
    dimension: Dimension;
    key: string;
    value: string;
    owner_id: string | null;
    n: number;
    won: number;
    reached: number;
    median_speed: number | null;
    avg_load: number | null;
    speeds: number[] | null;
  }>`
    WITH ${facts(input.companyId, input.since, input.now)}
    SELECT d.dimension, lower(btrim(d.value)) AS key, min(btrim(d.value)) AS value, f.owner_id,
      count(*)::int AS n, count(*) FILTER (WHERE f.won)::int AS won, count(f.speed)::int AS reached,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY f.speed)::float8 AS median_speed,
      avg(f.load)::float8 AS avg_load,
      CASE WHEN grouping(f.owner_id) = 0 THEN array_agg(f.speed) FILTER (WHERE f.speed IS NOT NULL) END AS speeds
    FROM facts f
    CROSS JOIN LATERAL (VALUES ('source', f.source), ('product', f.product), ('city', f.city), ('state', f.state),
      ('territory', f.territory)) AS d (dimension, value)
    WHERE d.value IS NOT NULL AND btrim(d.value) <> '' ${only}
    GROUP BY GROUPING SETS ((d.dimension, lower(btrim(d.value)), f.owner_id), (d.dimension, lower(btrim(d.value))))
    ORDER BY 1, 2, f.owner_id NULLS FIRST`.execute(trx);
  return rows.map((r) => ({
    dimension: r.dimension,
    key: r.key,
    value: r.value,
    ownerId: r.owner_id,
    leads: r.n,
    won: r.won,
    reached: r.reached,
    medianSpeedSeconds: r.median_speed,
    averageLoad: r.avg_load,
    speeds: r.speeds ?? [],
  }));
}

/** Each owner's closed leads of the window by the band of its open-lead load when the lead was given to it. */
export async function loadBands(trx: Tx, input: { companyId: string; since: Date; now: Date }) {
  const bounds = sql.raw(`ARRAY[${LOAD_BANDS.join(',')}]`);
  const { rows } = await sql<{ owner_id: string; band: number; n: number; won: number }>`
    WITH ${facts(input.companyId, input.since, input.now)}
    SELECT f.owner_id, (width_bucket(f.load, ${bounds}::int[]) - 1)::int AS band,
      count(*)::int AS n, count(*) FILTER (WHERE f.won)::int AS won
    FROM facts f
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(trx);
  return rows;
}

export async function usersByIds(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users as u')
    .leftJoin('user_availability as a', (j) =>
      j.onRef('a.company_id', '=', 'u.company_id').onRef('a.user_id', '=', 'u.id'),
    )
    .select(['u.id', 'u.name', 'u.role', 'u.active', 'a.open_cap'])
    .where('u.id', 'in', ids)
    .execute();
}

/** Signatures not to propose again: dismissed in the last `days`, or accepted at any time. */
export async function blockedSignatures(trx: Tx, since: Date): Promise<Set<string>> {
  const rows = await trx
    .selectFrom('recommendations')
    .select('signature')
    .where((eb) =>
      eb.or([eb('status', '=', 'accepted'), eb.and([eb('status', '=', 'dismissed'), eb('decided_at', '>=', since)])]),
    )
    .execute();
  return new Set(rows.map((r) => r.signature));
}

export interface NewRecommendation {
  id: string;
  kind: 'rule' | 'cap';
  dimension: string;
  value: string;
  signature: string;
  proposal: unknown;
  evidence: unknown;
  expected: unknown;
}

/**
 * Stores the proposals of one run: a proposal already waiting (same signature) gets the new evidence and keeps its
 * id; the proposals of earlier runs that no longer hold are removed. Returns how many are waiting.
 */
export async function saveProposals(trx: Tx, companyId: string, items: NewRecommendation[], now: Date) {
  const keep = items.map((i) => i.signature);
  let stale = trx.deleteFrom('recommendations').where('status', '=', 'proposed');
  if (keep.length > 0) stale = stale.where('signature', 'not in', keep);
  await stale.execute();
  for (const item of items) {
    await sql`
      INSERT INTO recommendations (company_id, id, kind, dimension, value, signature, proposal, evidence, expected,
        status, created_at, refreshed_at)
      VALUES (${companyId}, ${item.id}, ${item.kind}, ${item.dimension}, ${item.value}, ${item.signature},
        ${JSON.stringify(item.proposal)}::jsonb, ${JSON.stringify(item.evidence)}::jsonb,
        ${JSON.stringify(item.expected)}::jsonb, 'proposed', ${now}, ${now})
      ON CONFLICT (company_id, signature) WHERE status = 'proposed' DO UPDATE
        SET proposal = EXCLUDED.proposal, evidence = EXCLUDED.evidence, expected = EXCLUDED.expected,
          dimension = EXCLUDED.dimension, value = EXCLUDED.value, refreshed_at = EXCLUDED.refreshed_at`.execute(trx);
  }
}

export async function listRecommendations(trx: Tx, status?: string): Promise<RecommendationRow[]> {
  let query = trx.selectFrom('recommendations').selectAll();
  if (status) query = query.where('status', '=', status);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute();
}

export async function findRecommendation(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('recommendations').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function decide(
  trx: Tx,
  id: string,
  set: { status: 'accepted' | 'dismissed'; decided_at: Date; decided_by: string | null; rule_id?: string | null },
): Promise<void> {
  await trx.updateTable('recommendations').set(set).where('id', '=', id).execute();
}

export async function userNames(trx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface RuleOutcomeRow {
  rule_id: string;
  routed: number;
  closed: number;
  won: number;
  reached: number;
  median_speed: number | null;
}

/**
 * What each accepted rule did since its acceptance: the live leads it routed (their first assignment by it), how
 * many of them closed and were won, and the median seconds from that assignment to the first touch.
 */
export async function ruleOutcomes(trx: Tx, since: { ruleId: string; from: Date }[]): Promise<RuleOutcomeRow[]> {
  if (since.length === 0) return [];
  const values = sql.join(since.map((s) => sql`(${s.ruleId}::uuid, ${s.from}::timestamptz)`));
  const { rows } = await sql<RuleOutcomeRow>`
    WITH r (rule_id, since) AS (VALUES ${values}),
    routed AS (
      SELECT DISTINCT ON (a.rule_id, a.lead_id) a.rule_id, a.lead_id, a.at
      FROM r JOIN lead_assignments a ON a.rule_id = r.rule_id AND a.reason = 'rule' AND a.at >= r.since
      ORDER BY a.rule_id, a.lead_id, a.at
    ),
    touches AS (
      SELECT a.lead_id, a.completed_at AS at FROM activities a WHERE a.status = 'done'
        AND a.lead_id IN (SELECT lead_id FROM routed)
      UNION ALL SELECT n.lead_id, n.created_at FROM lead_notes n WHERE n.lead_id IN (SELECT lead_id FROM routed)
      UNION ALL SELECT m.lead_id, m.sent_at FROM email_messages m
        WHERE m.sent_at IS NOT NULL AND m.lead_id IN (SELECT lead_id FROM routed)
      UNION ALL SELECT w.lead_id, w.at FROM whatsapp_messages w
        WHERE w.direction = 'outbound' AND w.lead_id IN (SELECT lead_id FROM routed)
    ),
    speed AS (
      SELECT x.rule_id, x.lead_id, extract(epoch FROM min(t.at) - x.at)::float8 AS seconds
      FROM routed x JOIN touches t ON t.lead_id = x.lead_id AND t.at >= x.at
      GROUP BY x.rule_id, x.lead_id, x.at
    )
    SELECT x.rule_id, count(*)::int AS routed, count(*) FILTER (WHERE s.kind <> 'open')::int AS closed,
      count(*) FILTER (WHERE s.kind = 'won')::int AS won, count(sp.seconds)::int AS reached,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY sp.seconds)::float8 AS median_speed
    FROM routed x
    JOIN leads l ON l.id = x.lead_id AND l.deleted_at IS NULL AND l.merged_into IS NULL
    JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
    LEFT JOIN speed sp ON sp.rule_id = x.rule_id AND sp.lead_id = x.lead_id
    GROUP BY x.rule_id`.execute(trx);
  return rows;
}

/** An owner's leads closed since a moment: how many, how many won (the outcome of a cap). */
export async function closedSince(trx: Tx, ownerId: string, from: Date) {
  const row = await sql<{ closed: number; won: number }>`
    SELECT count(*)::int AS closed, count(*) FILTER (WHERE s.kind = 'won')::int AS won
    FROM leads l JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
    WHERE l.owner_id = ${ownerId} AND s.kind <> 'open' AND l.stage_changed_at >= ${from}
      AND l.deleted_at IS NULL AND l.merged_into IS NULL`.execute(trx);
  return row.rows[0] ?? { closed: 0, won: 0 };
}

/** Recent live leads for the preview: those with the value first (newest first), then a few without it. */
export async function sampleLeads(
  trx: Tx,
  dimension: Dimension,
  value: string,
  limits: { match: number; other: number },
) {
  const column = sql.ref(`l.${dimension}`);
  const select = sql`
    SELECT l.id, l.name, l.company_name, l.emails, l.phones, l.source, l.campaign, l.product, l.city, l.state,
      l.country, l.territory, l.expected_value::float8 AS expected_value, l.currency,
      to_char(l.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, l.tags, l.stage, l.custom_fields,
      l.owner_id, u.name AS owner_name
    FROM leads l LEFT JOIN users u ON u.company_id = l.company_id AND u.id = l.owner_id
    WHERE l.deleted_at IS NULL AND l.merged_into IS NULL`;
  const { rows } = await sql<SampleRow>`
    (${select} AND lower(btrim(${column})) = lower(btrim(${value})) ORDER BY l.created_at DESC, l.id DESC LIMIT ${limits.match})
    UNION ALL
    (${select} AND (${column} IS NULL OR lower(btrim(${column})) <> lower(btrim(${value})))
      ORDER BY l.created_at DESC, l.id DESC LIMIT ${limits.other})`.execute(trx);
  return rows;
}

export interface SampleRow {
  id: string;
  name: string;
  company_name: string | null;
  emails: string[];
  phones: string[];
  source: string;
  campaign: string | null;
  product: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  territory: string | null;
  expected_value: number | null;
  currency: string | null;
  expected_close_date: string | null;
  tags: string[];
  stage: string;
  custom_fields: Record<string, unknown>;
  owner_id: string | null;
  owner_name: string | null;
}
