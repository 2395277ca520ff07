import { columnCount, columnNames, describeGroup, encode, type Group, type Raw, width } from './scoring.features.ts';
import type { Reason } from './scoring.rules.ts';

/**
 * A trained model as stored (`score_models.spec`): its feature groups (how a lead is encoded), the fitted
 * coefficients, and each column's mean over the training examples (the baseline a reason is measured against).
 */
export interface ModelSpec {
  version: 1;
  groups: Group[];
  weights: number[];
  bias: number;
  baseline: number[];
}

export function isModelSpec(value: unknown): value is ModelSpec {
  const spec = value as ModelSpec | null;
  return (
    !!spec &&
    spec.version === 1 &&
    Array.isArray(spec.groups) &&
    Array.isArray(spec.weights) &&
    spec.weights.length === columnCount(spec.groups)
  );
}

/** Column means of a row-major matrix. */
export function columnMeans(x: Float32Array, n: number, d: number): number[] {
  const means = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j] = (means[j] as number) + (x[i * d + j] as number);
  return means.map((s) => (n ? s / n : 0));
}

/**
 * A lead's probability and its reasons: for each feature group, how many points (of 100) the lead's own value
 * moves the probability away from the same lead with that group at its average; the three biggest for and the
 * three biggest against, in words, with the lead field each comes from.
 */
export function scoreWithModel(spec: ModelSpec, raw: Raw): { probability: number; reasons: Reason[] } {
  const row = encode(spec.groups, raw, new Array<number>(spec.weights.length).fill(0)) as number[];
  const probability = predict(spec.weights, spec.bias, row);
  const effects: Reason[] = [];
  let offset = 0;
  for (const group of spec.groups) {
    const w = width(group);
    const swapped = row.slice();
    for (let j = offset; j < offset + w; j++) swapped[j] = spec.baseline[j] ?? 0;
    const points = Math.round(100 * (probability - predict(spec.weights, spec.bias, swapped)));
    offset += w;
    if (points !== 0) effects.push({ label: describeGroup(group, raw), points, field: group.field });
  }
  const up = effects.filter((e) => e.points > 0).sort((a, b) => b.points - a.points);
  const down = effects.filter((e) => e.points < 0).sort((a, b) => a.points - b.points);
  const reasons = [...up.slice(0, 3), ...down.slice(0, 3)].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  return { probability, reasons };
}

/** The weights with the most effect (per standard deviation of the column, over training), for the admin. */
export function topFeatures(spec: ModelSpec, spread: readonly number[], limit = 15) {
  const names = columnNames(spec.groups);
  return names
    .map((c, i) => ({
      ...c,
      weight: spec.weights[i] as number,
      effect: Math.abs((spec.weights[i] as number) * (spread[i] ?? 1)),
    }))
    .sort((a, b) => b.effect - a.effect)
    .slice(0, limit)
    .map((c) => ({ name: c.name, label: c.label, weight: Math.round(c.weight * 1e4) / 1e4 }));
}

/** Each column's standard deviation over a row-major matrix. */
export function columnSpread(x: Float32Array, n: number, d: number, means: readonly number[]): number[] {
  const out = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[j] = (out[j] as number) + ((x[i * d + j] as number) - (means[j] as number)) ** 2;
  }
  return out.map((s) => Math.sqrt(n ? s / n : 0));
}

/** The probability a row of features gives (scoring needs no library: a dot product and a sigmoid). */
export function predict(weights: readonly number[], bias: number, row: ArrayLike<number>): number {
  let z = bias;
  for (let i = 0; i < weights.length; i++) z += (weights[i] as number) * (row[i] as number);
  return 1 / (1 + Math.exp(-z));
}
