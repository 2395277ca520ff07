import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { loadLeads } from './scoring.facts.ts';
import { rawAt } from './scoring.features.ts';
import { isModelSpec, type ModelSpec, scoreWithModel } from './scoring.model.ts';
import * as repo from './scoring.repository.ts';
import { rulesScore, type ScoredRule, type Tier, tierOf } from './scoring.rules.ts';

/** Leads read, scored and written per statement. */
export const BATCH = 2000;
/** Batches one job runs before it hands the rest to the next job (a million leads never sit in one transaction). */
const BATCHES_PER_JOB = 10;

export interface ScoringContext {
  settings: repo.Settings;
  rules: ScoredRule[];
  model: { id: string; spec: ModelSpec } | null;
  now: Date;
}

export function toScoredRule(row: repo.RuleRow): ScoredRule {
  return {
    id: row.id,
    label: row.label,
    kind: row.kind as ScoredRule['kind'],
    field: row.field,
    operator: row.operator as ScoredRule['operator'],
    value: row.value ?? null,
    behaviour: row.behaviour,
    windowDays: row.window_days,
    points: row.points,
  };
}

export async function scoringContext(trx: Tx, now: Date): Promise<ScoringContext> {
  const [settings, rules, active] = await Promise.all([
    repo.getSettings(trx),
    repo.listRules(trx, true),
    repo.activeModel(trx),
  ]);
  const model = active && isModelSpec(active.spec) ? { id: active.id, spec: active.spec } : null;
  return { settings, rules: rules.map(toScoredRule), model, now };
}

/** The scores of some live leads now: by the active model when there is one, else by the rules. */
export async function scoreLeads(trx: Tx, ctx: ScoringContext, ids: readonly string[]): Promise<repo.ScoreRow[]> {
  const leads = await loadLeads(trx, ids, ctx.now);
  const now = ctx.now.getTime();
  return leads.map((lead) => {
    if (ctx.model) {
      const { probability, reasons } = scoreWithModel(ctx.model.spec, rawAt(lead, [], now));
      const score = Math.max(0, Math.min(100, Math.round(probability * 100)));
      return {
        leadId: lead.id,
        score,
        tier: tierOf(score, ctx.settings) as Tier,
        probability,
        source: 'model' as const,
        modelId: ctx.model.id,
        reasons,
      };
    }
    const { score, reasons } = rulesScore(
      ctx.rules,
      { values: lead.values, signals: lead.signals, lastTouchedAt: lead.lastTouchedAt },
      now,
    );
    return {
      leadId: lead.id,
      score,
      tier: tierOf(score, ctx.settings),
      probability: null,
      source: 'rules' as const,
      modelId: null,
      reasons,
    };
  });
}

export interface RescorePayload {
  after: string | null;
  changedOnly: boolean;
  /** The run's start, and (changed only) the start of the last finished run: carried from job to job of a run. */
  startedAt?: string;
  since?: string | null;
}

/**
 * Rescores live open leads in batches (each read in bulk and written with one statement), from `after` on: all of
 * them, or only those never scored or changed since the last finished run. Hands what is left to a next job; the
 * run's last job records the run's start as the company's last rescoring.
 */
export async function rescore(trx: Tx, deps: Deps, job: Job<RescorePayload>): Promise<void> {
  const now = deps.clock.now();
  const ctx = await scoringContext(trx, now);
  const kinds = await repo.stageKinds(trx);
  const closed = [...kinds.won, ...kinds.lost];
  const first = job.payload.after === null;
  if (first) await repo.dropDeadScores(trx);
  const startedAt = job.payload.startedAt ?? now.toISOString();
  const since = first ? ((await repo.rescoredAt(trx))?.toISOString() ?? null) : (job.payload.since ?? null);
  let after = job.payload.after;
  for (let i = 0; i < BATCHES_PER_JOB; i++) {
    const ids = await repo.leadIdsToScore(
      trx,
      after,
      BATCH,
      job.payload.changedOnly,
      closed,
      since ? new Date(since) : null,
    );
    if (ids.length > 0) await repo.upsertScores(trx, await scoreLeads(trx, ctx, ids), now);
    if (ids.length < BATCH) {
      await repo.markRescored(trx, new Date(startedAt));
      return;
    }
    after = ids[ids.length - 1] as string;
  }
  const { rescoreJob } = await import('./scoring.jobs.ts');
  const next = { after, changedOnly: job.payload.changedOnly, startedAt, since };
  await enqueue(trx, rescoreJob, next, { runAt: now, now });
}
