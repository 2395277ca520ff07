/**
 * The statistics behind the recommendations, as plain functions: Wilson intervals, the empirical-Bayes adjustment
 * of small samples, medians, and the test of a win rate falling past a load. docs/insights.md states every
 * threshold below in words.
 */

/** The thresholds a recommendation must clear (see docs/insights.md, "Assignment recommendations"). */
export const THRESHOLDS = {
  /** Days of closed leads the evidence reads. */
  historyDays: 365,
  /** A value (a source, product, city, state or territory) needs this many closed leads to be judged. */
  minValueLeads: 30,
  /** An owner needs this many closed leads of the value to be recommended for it. */
  minOwnerLeads: 15,
  /** The rest of the value's owners together need this many closed leads to compare against. */
  minRestLeads: 15,
  /** The owner's adjusted win rate must beat the rest's by this much (5 percentage points). */
  minLift: 0.05,
  /** At most this many owners in a recommended pool. */
  maxPool: 3,
  /** A cap needs this many closed leads below and above the load it is set at. */
  minBandLeads: 20,
  /** The win rate above the load must be at least this much lower (10 points). */
  minDrop: 0.1,
  /** ... and the fall significant at 95% (two-proportion z-test). */
  minZ: 1.96,
  /** A dismissed proposal is not proposed again for this many days. */
  dismissedDays: 90,
  /** The prior strength (in leads) of the empirical-Bayes adjustment stays within these bounds. */
  minPrior: 2,
  maxPrior: 200,
} as const;

/** Open-lead loads at assignment are counted in these bands; a cap is proposed at one of the band starts. */
export const LOAD_BANDS = [0, 10, 20, 40, 60, 100] as const;

export function bandOf(load: number): number {
  let band = 0;
  for (const [i, from] of LOAD_BANDS.entries()) if (load >= from) band = i;
  return band;
}

export function bandLabel(index: number): string {
  const from = LOAD_BANDS[index] ?? 0;
  const next = LOAD_BANDS[index + 1];
  return next === undefined ? `${from}+` : `${from}–${next - 1}`;
}

const Z95 = 1.959964;

/** The 95% Wilson score interval of `won` successes in `n` trials ([0, 1] for no trials). */
export function wilson(won: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = won / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The prior strength `m` (in leads) for shrinking owners' win rates within one value toward the value's rate:
 * method of moments on a beta-binomial. The spread of the owners' rates beyond what sampling alone explains is the
 * real spread; little of it means a strong prior (rates pulled hard to the value's), much of it a weak one.
 */
export function priorStrength(cells: { n: number; won: number }[]): number {
  const used = cells.filter((c) => c.n > 0);
  const total = used.reduce((s, c) => s + c.n, 0);
  if (used.length < 2 || total === 0) return THRESHOLDS.maxPrior;
  const p = used.reduce((s, c) => s + c.won, 0) / total;
  if (p <= 0 || p >= 1) return THRESHOLDS.maxPrior;
  const observed = used.reduce((s, c) => s + c.n * (c.won / c.n - p) ** 2, 0) / total;
  const sampling = (p * (1 - p) * used.length) / total;
  const between = observed - sampling;
  if (between <= 0) return THRESHOLDS.maxPrior;
  const m = (p * (1 - p)) / between - 1;
  return Math.min(THRESHOLDS.maxPrior, Math.max(THRESHOLDS.minPrior, m));
}

/** The win rate pulled toward the value's own by `m` leads' worth of it. */
export function adjusted(won: number, n: number, overall: number, m: number): number {
  return (won + m * overall) / (n + m);
}

/** The median, interpolating between the two middle values (as percentile_cont(0.5) does); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)] ?? 0;
  const hi = sorted[Math.ceil(mid)] ?? 0;
  return (lo + hi) / 2;
}

/** The pooled two-proportion z statistic of rate a above rate b (positive when a is higher). */
export function zAbove(a: { n: number; won: number }, b: { n: number; won: number }): number {
  if (a.n === 0 || b.n === 0) return 0;
  const pa = a.won / a.n;
  const pb = b.won / b.n;
  const pooled = (a.won + b.won) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  return se === 0 ? 0 : (pa - pb) / se;
}

export const rate = (won: number, n: number): number | null => (n > 0 ? won / n : null);
