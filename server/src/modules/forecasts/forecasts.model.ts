/**
 * The arithmetic of the forecast, apart from the SQL: calibrated probabilities from the history counts (with
 * shrinkage), the expected value and variance of a pipeline, the run rate of leads not yet created, and the range.
 * docs/insights.md ("Forecasts") describes the method in words; the constants below are the ones it names.
 */
import type { AnchorCount, OpenLead } from './forecasts.repository.ts';

/** Lower bounds of the age buckets, in days since the lead entered its stage: 0-7, 8-30, 31-90, 91 and more. */
export const AGE_BUCKETS = [0, 8, 31, 91];
/** Pseudo-observations each estimate is shrunk with: a bucket toward its stage, a stage toward its prior. */
export const SHRINKAGE = 10;
/** An admin-set stage probability is read as the chance of a win within this many days, spread evenly. */
export const ADMIN_PROBABILITY_DAYS = 90;
/** How many earlier months the run rate of new leads averages. */
export const RUN_RATE_MONTHS = 6;
/** The normal quantile of the 90th percentile: the range is the 10th to the 90th. */
export const Z90 = 1.2815515655446004;

const DAY = 86_400;

export function bucketOf(ageSeconds: number): number {
  const days = ageSeconds / DAY;
  let bucket = 0;
  for (const [i, lo] of AGE_BUCKETS.entries()) if (days >= lo) bucket = i;
  return bucket;
}

export interface Stage {
  key: string;
  kind: 'open' | 'won' | 'lost';
  probability: number | null;
}

/** A window, in seconds after the moment the forecast is made. */
export interface Window {
  from: number;
  to: number;
}

/** The probability that a lead in a stage at an age is won within a window. */
export type Calibration = (stage: string, ageSeconds: number, window: number) => number;

/**
 * Probabilities by stage, age bucket and window, each estimate shrunk toward the one above it:
 * bucket = (wins + K * stage) / (n + K); stage = (wins + K * prior) / (n + K) over all its buckets; the prior is
 * the admin-set probability spread evenly over ADMIN_PROBABILITY_DAYS (the part of the window within them), or,
 * without one, the raw rate of every open stage and bucket together.
 */
export function calibrate(counts: AnchorCount[], stages: Stage[], windows: Window[]): Calibration {
  const K = SHRINKAGE;
  const key = (...parts: (string | number)[]) => parts.join('|');
  const sums = new Map<string, { n: number; wins: number }>();
  const add = (k: string, c: AnchorCount) => {
    const s = sums.get(k) ?? { n: 0, wins: 0 };
    s.n += c.n;
    s.wins += c.wins;
    sums.set(k, s);
  };
  for (const c of counts) {
    add(key('*', c.window), c);
    add(key(c.stage, c.window), c);
    add(key(c.stage, c.bucket, c.window), c);
  }
  const get = (k: string) => sums.get(k) ?? { n: 0, wins: 0 };
  const stageRate = new Map<string, number>();
  for (const stage of stages.filter((s) => s.kind === 'open')) {
    for (const [w, window] of windows.entries()) {
      const all = get(key('*', w));
      let prior: number;
      if (stage.probability !== null) {
        const span = ADMIN_PROBABILITY_DAYS * DAY;
        const overlap = Math.max(0, Math.min(window.to, span) - Math.max(window.from, 0));
        prior = (stage.probability * overlap) / span;
      } else prior = all.n > 0 ? all.wins / all.n : 0;
      const s = get(key(stage.key, w));
      stageRate.set(key(stage.key, w), (s.wins + K * prior) / (s.n + K));
    }
  }
  return (stage, ageSeconds, window) => {
    const base = stageRate.get(key(stage, window));
    if (base === undefined) return 0;
    const b = get(key(stage, bucketOf(ageSeconds), window));
    return (b.wins + K * base) / (b.n + K);
  };
}

export interface PipelineFigures {
  value: number;
  count: number;
  variance: number;
}

/** The expected won value and count of open leads in a window, and the variance of the value (independent wins). */
export function pipeline(leads: OpenLead[], probability: Calibration, window: number): PipelineFigures {
  let value = 0;
  let count = 0;
  let variance = 0;
  for (const lead of leads) {
    const p = probability(lead.stage, lead.age, window);
    value += lead.value * p;
    count += p;
    variance += lead.value * lead.value * p * (1 - p);
  }
  return { value, count, variance };
}

/** The mean and sample variance of the run-rate samples (value and count won from leads created after a moment). */
export function runRate(samples: { value: number; count: number }[]): PipelineFigures {
  if (samples.length === 0) return { value: 0, count: 0, variance: 0 };
  const mean = samples.reduce((s, x) => s + x.value, 0) / samples.length;
  const count = samples.reduce((s, x) => s + x.count, 0) / samples.length;
  const variance =
    samples.length < 2 ? 0 : samples.reduce((s, x) => s + (x.value - mean) ** 2, 0) / (samples.length - 1);
  return { value: mean, count, variance };
}

/** The 10th to 90th percentile around an expected value, as a normal with the summed variance; never below 0. */
export function range(expected: number, variance: number, floor = 0): { low: number; high: number } {
  const spread = Z90 * Math.sqrt(Math.max(0, variance));
  return { low: Math.max(floor, expected - spread), high: expected + spread };
}

export const money = (n: number) => Math.round(n * 100) / 100;
