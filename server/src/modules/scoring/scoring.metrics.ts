/**
 * Quality of predicted probabilities against what happened (1 won, 0 not), on the hold-out.
 */

/** Area under the ROC curve: the chance a random won example scores above a random other one (ties half). */
export function auc(p: readonly number[], y: readonly number[]): number {
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && p[order[j + 1] as number] === p[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k] as number] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of the probabilities. */
export function brier(p: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (const [i, v] of p.entries()) s += (v - (y[i] as number)) ** 2;
  return p.length === 0 ? Number.NaN : s / p.length;
}

/** Ten bins of predicted probability (0-0.1, ..., 0.9-1): the mean prediction and the observed rate in each. */
export function reliability(p: readonly number[], y: readonly number[]) {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, sum: 0, won: 0, count: 0 }));
  for (const [i, v] of p.entries()) {
    const bin = bins[Math.min(9, Math.floor(v * 10))] as (typeof bins)[number];
    bin.sum += v;
    bin.won += y[i] as number;
    bin.count++;
  }
  return bins.map((b) => ({
    from: b.from,
    to: b.to,
    predicted: b.count ? b.sum / b.count : null,
    observed: b.count ? b.won / b.count : null,
    count: b.count,
  }));
}

/** The won rate among the top 10% by prediction, over the overall won rate. */
export function liftTop10(p: readonly number[], y: readonly number[]): number {
  const n = p.length;
  const base = y.reduce((s, v) => s + v, 0) / n;
  if (n === 0 || base === 0) return Number.NaN;
  const order = p.map((_, i) => i).sort((a, b) => (p[b] as number) - (p[a] as number) || a - b);
  const top = order.slice(0, Math.max(1, Math.ceil(n / 10)));
  return top.reduce((s, i) => s + (y[i] as number), 0) / top.length / base;
}

const round = (v: number, digits = 4) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : null);

export function qualityOf(p: readonly number[], y: readonly number[]) {
  const positives = y.reduce((s, v) => s + v, 0);
  return {
    auc: round(auc(p, y)),
    brier: round(brier(p, y)),
    liftTop10: round(liftTop10(p, y), 3),
    baseRate: round(p.length ? positives / p.length : Number.NaN),
    reliability: reliability(p, y).map((b) => ({
      ...b,
      predicted: b.predicted === null ? null : round(b.predicted),
      observed: b.observed === null ? null : round(b.observed),
    })),
  };
}
