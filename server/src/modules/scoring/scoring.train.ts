import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/define.ts';
import { activeCustomFields } from '../leads/index.ts';
import { loadChanges, loadLeads } from './scoring.facts.ts';
import { buildGroups, type CustomDef, columnCount, encode, type Group, type Raw, rawAt } from './scoring.features.ts';
import { fitLogistic, L2 } from './scoring.fit.ts';
import { qualityOf } from './scoring.metrics.ts';
import { columnMeans, columnSpread, type ModelSpec, predict, topFeatures } from './scoring.model.ts';
import * as repo from './scoring.repository.ts';
import { THRESHOLD } from './scoring.repository.ts';

/**
 * Training a company's model on its own history. Examples are snapshots of leads at ages 0, 7 and 30 days while
 * they were still open, read as they were then (scoring.features.ts); the label is whether the lead was won
 * within the horizon after the snapshot. Quality is measured on the most recent quarter of the snapshots (by
 * time, never at random), the model fitted on what was known before them; the candidate is then refitted on all.
 */
const SNAPSHOT_AGES = [0, 7, 30];
/** The most recent leads read, and the most recent snapshots kept: a huge company trains in minutes. */
export const LEAD_CAP = 40_000;
export const SNAPSHOT_CAP = 60_000;
const HOLDOUT_SHARE = 0.25;
const DAY_MS = 86_400_000;

export interface Example {
  raw: Raw;
  label: 0 | 1;
  /** The snapshot's instant. */
  at: number;
  /** When its label became known (won or lost, or the horizon passed). */
  knownAt: number;
}

/** The snapshots of the company's history the model may learn from, oldest first. */
export async function collectExamples(trx: Tx, now: Date, horizonDays: number): Promise<Example[]> {
  const kinds = await repo.stageKinds(trx);
  const won = new Set(kinds.won);
  const closed = new Set([...kinds.won, ...kinds.lost]);
  const horizon = horizonDays * DAY_MS;
  const ids = await repo.trainingLeadIds(trx, kinds, new Date(now.getTime() - horizon), LEAD_CAP);
  const examples: Example[] = [];
  for (let i = 0; i < ids.length; i += 2000) {
    const batch = ids.slice(i, i + 2000);
    const leads = await loadLeads(trx, batch, now);
    const earliest = Math.min(...leads.map((l) => l.createdAt));
    const changes = await loadChanges(trx, batch, new Date(Number.isFinite(earliest) ? earliest : now.getTime()));
    for (const lead of leads) {
      const isClosed = closed.has(lead.stage);
      const closedAt = isClosed ? lead.stageChangedAt : null;
      for (const age of SNAPSHOT_AGES) {
        const at = lead.createdAt + age * DAY_MS;
        // Only while still open, and only once the outcome over the horizon is known.
        if (closedAt !== null ? at >= closedAt : at + horizon > now.getTime()) continue;
        if (at > now.getTime()) continue;
        const wonInTime = closedAt !== null && won.has(lead.stage) && closedAt <= at + horizon;
        const knownAt = closedAt !== null && closedAt <= at + horizon ? closedAt : at + horizon;
        examples.push({ raw: rawAt(lead, changes.get(lead.id) ?? [], at), label: wonInTime ? 1 : 0, at, knownAt });
      }
    }
  }
  examples.sort((a, b) => a.at - b.at);
  return examples.length > SNAPSHOT_CAP ? examples.slice(examples.length - SNAPSHOT_CAP) : examples;
}

function matrix(groups: readonly Group[], examples: readonly Example[]) {
  const d = columnCount(groups);
  const x = new Float32Array(examples.length * d);
  const y = new Float32Array(examples.length);
  for (const [i, e] of examples.entries()) {
    encode(groups, e.raw, x.subarray(i * d, (i + 1) * d));
    y[i] = e.label;
  }
  return { x, y, d, n: examples.length };
}

/** Fits a model (groups learned from the examples) and returns it with its spread per column. */
export async function fitModel(examples: readonly Example[], custom: readonly CustomDef[]) {
  const groups = buildGroups(
    examples.map((e) => e.raw),
    custom,
  );
  const { x, y, d, n } = matrix(groups, examples);
  const fitted = await fitLogistic(x, y, n, d);
  const baseline = columnMeans(x, n, d);
  const spec: ModelSpec = { version: 1, groups, weights: fitted.weights, bias: fitted.bias, baseline };
  return { spec, spread: columnSpread(x, n, d, baseline) };
}

const positivesOf = (examples: readonly Example[]) => examples.reduce((s, e) => s + e.label, 0);

/** Trains the model a row of `score_models` stands for; it ends a candidate with its quality, or failed. */
export async function train(trx: Tx, deps: Deps, job: Job<{ modelId: string }>): Promise<void> {
  const model = await repo.findModel(trx, job.payload.modelId, true);
  if (model?.status !== 'training') return;
  const now = deps.clock.now();
  const fail = (error: string, examples = 0, positives = 0) =>
    repo.finishModel(trx, model.id, { status: 'failed', trainedAt: now, examples, positives, error });
  try {
    const counts = await repo.closedCounts(trx, await repo.stageKinds(trx));
    const closed = counts.won + counts.lost;
    if (closed < THRESHOLD.closed || counts.won < THRESHOLD.won || counts.lost < THRESHOLD.lost) {
      await fail(
        `Not enough history: the company has ${closed} closed leads (${counts.won} won, ${counts.lost} lost); ` +
          `training needs at least ${THRESHOLD.closed} closed leads with at least ${THRESHOLD.won} won and ` +
          `${THRESHOLD.lost} lost.`,
      );
      return;
    }
    const examples = await collectExamples(trx, now, model.horizon_days);
    const positives = positivesOf(examples);
    const holdoutStart = Math.floor(examples.length * (1 - HOLDOUT_SHARE));
    const holdout = examples.slice(holdoutStart);
    const from = holdout[0]?.at ?? now.getTime();
    // Fitted for the measurement on what was known when the hold-out begins: no label from its period.
    const earlier = examples.slice(0, holdoutStart).filter((e) => e.knownAt <= from);
    const holdoutPositives = positivesOf(holdout);
    const earlierPositives = positivesOf(earlier);
    if (holdoutPositives === 0 || holdoutPositives === holdout.length || earlierPositives < 10) {
      await fail(
        `The snapshots do not allow a fair measurement: ${earlier.length} examples to learn from ` +
          `(${earlierPositives} won) and ${holdout.length} to test on (${holdoutPositives} won).`,
        examples.length,
        positives,
      );
      return;
    }
    const custom = (await activeCustomFields(trx)).map((c) => ({ key: c.key, label: c.label, type: c.type }));
    const measured = await fitModel(earlier, custom);
    const p = holdout.map((e) =>
      predict(measured.spec.weights, measured.spec.bias, encode(measured.spec.groups, e.raw)),
    );
    const quality = qualityOf(
      p,
      holdout.map((e) => e.label),
    );
    const final = await fitModel(examples, custom);
    const metrics = {
      ...quality,
      holdout: {
        examples: holdout.length,
        positives: holdoutPositives,
        from: new Date(from).toISOString(),
        to: new Date(holdout[holdout.length - 1]?.at ?? from).toISOString(),
      },
      train: { examples: earlier.length, positives: earlierPositives },
      l2: L2,
    };
    await repo.finishModel(trx, model.id, {
      status: 'candidate',
      trainedAt: deps.clock.now(),
      examples: examples.length,
      positives,
      spec: { ...final.spec, features: topFeatures(final.spec, final.spread) },
      metrics,
    });
  } catch (error) {
    await fail(`Training failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
