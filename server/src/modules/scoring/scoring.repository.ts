import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { leadIsLive } from '../leads/index.ts';
import { listStages } from '../pipeline/index.ts';

export interface Settings {
  hotFrom: number;
  warmFrom: number;
  horizonDays: number;
  retrainDays: number;
}
export const defaultSettings: Settings = { hotFrom: 70, warmFrom: 40, horizonDays: 90, retrainDays: 7 };

export async function getSettings(trx: Tx): Promise<Settings> {
  const row = await trx
    .selectFrom('scoring_settings')
    .select(['hot_from', 'warm_from', 'horizon_days', 'retrain_days'])
    .executeTakeFirst();
  if (!row) return { ...defaultSettings };
  return {
    hotFrom: row.hot_from,
    warmFrom: row.warm_from,
    horizonDays: row.horizon_days,
    retrainDays: row.retrain_days,
  };
}

export async function putSettings(trx: Tx, s: Settings, now: Date): Promise<void> {
  await sql`
    INSERT INTO scoring_settings (company_id, hot_from, warm_from, horizon_days, retrain_days, updated_at)
    VALUES (app_current_company(), ${s.hotFrom}, ${s.warmFrom}, ${s.horizonDays}, ${s.retrainDays}, ${now})
    ON CONFLICT (company_id) DO UPDATE SET hot_from = excluded.hot_from, warm_from = excluded.warm_from,
      horizon_days = excluded.horizon_days, retrain_days = excluded.retrain_days, updated_at = excluded.updated_at`.execute(
    trx,
  );
}

// ---- rules ----

const ruleColumns = [
  'id',
  'label',
  'kind',
  'field',
  'operator',
  'value',
  'behaviour',
  'window_days',
  'points',
  'active',
  'position',
  'created_at',
  'updated_at',
] as const;

export async function listRules(trx: Tx, onlyActive = false) {
  let q = trx.selectFrom('score_rules').select(ruleColumns).orderBy('position').orderBy('id');
  if (onlyActive) q = q.where('active', '=', true);
  return q.execute();
}
export type RuleRow = Awaited<ReturnType<typeof listRules>>[number];

export async function findRule(trx: Tx, id: string, lock = false): Promise<RuleRow | undefined> {
  let q = trx.selectFrom('score_rules').select(ruleColumns).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export interface RuleValues {
  label: string;
  kind: string;
  field: string | null;
  operator: string | null;
  value: unknown;
  behaviour: string | null;
  window_days: number | null;
  points: number;
  active: boolean;
  position: number;
}

export async function insertRule(trx: Tx, id: string, v: RuleValues, by: string, now: Date): Promise<void> {
  await trx
    .insertInto('score_rules')
    .values({
      company_id: sql<string>`app_current_company()`,
      id,
      ...v,
      value: v.value === null ? null : JSON.stringify(v.value),
      created_by: by,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateRule(trx: Tx, id: string, v: RuleValues, now: Date): Promise<void> {
  await trx
    .updateTable('score_rules')
    .set({ ...v, value: v.value === null ? null : JSON.stringify(v.value), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteRule(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('score_rules').where('id', '=', id).execute();
}

export async function nextRulePosition(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('score_rules')
    .select(sql<number>`coalesce(max(position) + 1, 0)::int`.as('next'))
    .executeTakeFirstOrThrow();
  return row.next;
}

// ---- models ----

const modelColumns = [
  'id',
  'status',
  'horizon_days',
  'trained_at',
  'examples',
  'positives',
  'spec',
  'metrics',
  'error',
  'activated_at',
  'created_at',
  'retired_at',
] as const;

export async function listModels(trx: Tx) {
  return trx
    .selectFrom('score_models')
    .select(modelColumns)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}
export type ModelRow = Awaited<ReturnType<typeof listModels>>[number];

export async function findModel(trx: Tx, id: string, lock = false): Promise<ModelRow | undefined> {
  let q = trx.selectFrom('score_models').select(modelColumns).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function activeModel(trx: Tx): Promise<ModelRow | undefined> {
  return trx.selectFrom('score_models').select(modelColumns).where('status', '=', 'active').executeTakeFirst();
}

export async function lastTraining(trx: Tx): Promise<Date | null> {
  const row = await trx
    .selectFrom('score_models')
    .select(sql<Date | null>`max(created_at)`.as('at'))
    .executeTakeFirstOrThrow();
  return row.at ? new Date(row.at) : null;
}

export async function insertModel(trx: Tx, v: { id: string; horizonDays: number; by: string | null; now: Date }) {
  await trx
    .insertInto('score_models')
    .values({
      company_id: sql<string>`app_current_company()`,
      id: v.id,
      status: 'training',
      horizon_days: v.horizonDays,
      trained_by: v.by,
      created_at: v.now,
    })
    .execute();
}

export async function finishModel(
  trx: Tx,
  id: string,
  v:
    | { status: 'candidate'; trainedAt: Date; examples: number; positives: number; spec: unknown; metrics: unknown }
    | { status: 'failed'; trainedAt: Date; examples: number; positives: number; error: string },
) {
  await trx
    .updateTable('score_models')
    .set({
      status: v.status,
      trained_at: v.trainedAt,
      examples: v.examples,
      positives: v.positives,
      ...(v.status === 'candidate'
        ? { spec: JSON.stringify(v.spec), metrics: JSON.stringify(v.metrics), error: null }
        : { error: v.error }),
    })
    .where('id', '=', id)
    .execute();
}

export async function setModelStatus(
  trx: Tx,
  id: string,
  status: 'active' | 'retired',
  at: Date,
  by: string | null,
): Promise<void> {
  await trx
    .updateTable('score_models')
    .set(
      status === 'active'
        ? { status, activated_at: at, activated_by: by, retired_at: null }
        : { status, retired_at: at },
    )
    .where('id', '=', id)
    .execute();
}

// ---- outcomes ----

/**
 * History needed before a model is trained: enough closed leads of each outcome that the most recent quarter (the
 * hold-out) still holds a few dozen of each, and the fit sees about ten wins per feature group it weighs.
 */
export const THRESHOLD = { closed: 200, won: 30, lost: 30 } as const;

/** Stage keys by kind. */
export async function stageKinds(trx: Tx): Promise<{ won: string[]; lost: string[] }> {
  const stages = await listStages(trx);
  return {
    won: stages.filter((s) => s.kind === 'won').map((s) => s.key),
    lost: stages.filter((s) => s.kind === 'lost').map((s) => s.key),
  };
}

/** Live leads that closed, won and lost. */
export async function closedCounts(trx: Tx, kinds: { won: string[]; lost: string[] }) {
  const { rows } = await sql<{ won: number; lost: number }>`
    SELECT count(*) FILTER (WHERE l.stage = ANY(${kinds.won}::text[]))::int AS won,
           count(*) FILTER (WHERE l.stage = ANY(${kinds.lost}::text[]))::int AS lost
    FROM leads l WHERE ${leadIsLive}`.execute(trx);
  return rows[0] ?? { won: 0, lost: 0 };
}

// ---- scores ----

export interface ScoreRow {
  leadId: string;
  score: number;
  tier: string;
  probability: number | null;
  source: 'rules' | 'model';
  modelId: string | null;
  reasons: { label: string; points: number; field: string | null }[];
}

/**
 * Writes a batch of scores in one statement: only those that changed (score, tier, probability, how it was made,
 * or its reasons), so `scored_at` is when the lead's score was last set and an unchanged score costs no write.
 */
export async function upsertScores(trx: Tx, rows: readonly ScoreRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({
    lead_id: r.leadId,
    score: r.score,
    tier: r.tier,
    probability: r.probability,
    source: r.source,
    model_id: r.modelId,
    reasons: r.reasons,
  }));
  await sql`
    INSERT INTO lead_scores (company_id, lead_id, score, tier, probability, source, model_id, reasons, scored_at)
    SELECT app_current_company(), r.lead_id, r.score, r.tier, r.probability, r.source, r.model_id, r.reasons, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(data)}::jsonb)
      AS r(lead_id uuid, score smallint, tier text, probability real, source text, model_id uuid, reasons jsonb)
    ON CONFLICT (company_id, lead_id) DO UPDATE SET score = excluded.score, tier = excluded.tier,
      probability = excluded.probability, source = excluded.source, model_id = excluded.model_id,
      reasons = excluded.reasons, scored_at = excluded.scored_at
    WHERE (lead_scores.score, lead_scores.tier, lead_scores.probability, lead_scores.source, lead_scores.model_id,
        lead_scores.reasons)
      IS DISTINCT FROM (excluded.score, excluded.tier, excluded.probability, excluded.source, excluded.model_id,
        excluded.reasons)`.execute(trx);
}

/** The start of the last rescoring run that finished (null: none has). */
export async function rescoredAt(trx: Tx): Promise<Date | null> {
  const row = await trx.selectFrom('scoring_settings').select('rescored_at').executeTakeFirst();
  return row?.rescored_at ? new Date(row.rescored_at) : null;
}

/** Records that a rescoring run started at `at` has finished (never moving the mark back). */
export async function markRescored(trx: Tx, at: Date): Promise<void> {
  await sql`INSERT INTO scoring_settings (company_id, updated_at, rescored_at)
    VALUES (app_current_company(), ${at}, ${at})
    ON CONFLICT (company_id) DO UPDATE
      SET rescored_at = greatest(scoring_settings.rescored_at, excluded.rescored_at)`.execute(trx);
}

/**
 * Scores of leads in the trash or merged away are dropped. A lead that closed (won or lost) keeps the last score
 * it had while open, no longer rescored: what the score said before the outcome (win rate by tier reads it).
 */
export async function dropDeadScores(trx: Tx): Promise<void> {
  await sql`DELETE FROM lead_scores ls USING leads l
    WHERE l.company_id = ls.company_id AND l.id = ls.lead_id AND NOT ${leadIsLive}`.execute(trx);
}

export async function scoresOf(trx: Tx, leadIds: readonly string[]) {
  if (leadIds.length === 0) return [];
  return trx
    .selectFrom('lead_scores')
    .select(['lead_id', 'score', 'tier', 'probability', 'source', 'model_id', 'reasons', 'scored_at'])
    .where('lead_id', 'in', leadIds as string[])
    .execute();
}

export async function lastScoredAt(trx: Tx): Promise<Date | null> {
  const row = await trx
    .selectFrom('lead_scores')
    .select(sql<Date | null>`max(scored_at)`.as('at'))
    .executeTakeFirstOrThrow();
  return row.at ? new Date(row.at) : null;
}

/**
 * Live open leads (not in a `closed` stage) after `after` (by id), `limit` of them; `changedOnly`: those never
 * scored, and those changed or worked since `since` (the start of the last finished run; when none has finished,
 * since their score was set).
 */
export async function leadIdsToScore(
  trx: Tx,
  after: string | null,
  limit: number,
  changedOnly: boolean,
  closed: readonly string[],
  since: Date | null,
) {
  const changed = since
    ? sql`(ls.lead_id IS NULL OR l.updated_at >= ${since} OR l.last_touched_at >= ${since})`
    : sql`(ls.lead_id IS NULL OR l.updated_at > ls.scored_at OR l.last_touched_at > ls.scored_at)`;
  const { rows } = await sql<{ id: string }>`
    SELECT l.id FROM leads l
    ${changedOnly ? sql`LEFT JOIN lead_scores ls ON ls.company_id = l.company_id AND ls.lead_id = l.id` : sql``}
    WHERE ${leadIsLive} AND NOT l.stage = ANY(${closed}::text[]) ${after ? sql`AND l.id > ${after}::uuid` : sql``}
    ${changedOnly ? sql`AND ${changed}` : sql``}
    ORDER BY l.id LIMIT ${limit}`.execute(trx);
  return rows.map((r) => r.id);
}

/**
 * Leads the model may learn from, most recently created first: closed ones (won or lost) and open ones old enough
 * that the horizon has passed since they were created.
 */
export async function trainingLeadIds(
  trx: Tx,
  kinds: { won: string[]; lost: string[] },
  openBefore: Date,
  limit: number,
): Promise<string[]> {
  const closed = [...kinds.won, ...kinds.lost];
  const { rows } = await sql<{ id: string }>`
    SELECT l.id FROM leads l
    WHERE ${leadIsLive} AND (l.stage = ANY(${closed}::text[]) OR l.created_at <= ${openBefore})
    ORDER BY l.created_at DESC, l.id DESC LIMIT ${limit}`.execute(trx);
  return rows.map((r) => r.id);
}
