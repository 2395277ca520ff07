import { formatNumber } from '../../../lib/format';

/**
 * A stage's win probability for the weighted forecast: a fraction 0..1 in the API, a percentage on screen;
 * null means the server learns it from the stage's history (of the leads that entered it and closed since,
 * the share won).
 */
export function probabilityText(probability: number | null): string {
  return probability === null ? 'Learnt from history' : `${formatNumber(probabilityToPercent(probability))}%`;
}

/** 0.4 -> 40; at most two decimals, as the API keeps four of the fraction. */
export function probabilityToPercent(probability: number): number {
  return Math.round(probability * 10_000) / 100;
}

/** A percentage typed in the form as the API's fraction; NaN for one outside 0..100 or no number. */
export function percentToProbability(percent: number | string): number {
  const n = typeof percent === 'number' ? percent : Number(String(percent).replace('%', '').trim() || 'x');
  if (!Number.isFinite(n) || n < 0 || n > 100) return Number.NaN;
  return Math.round(n * 100) / 10_000;
}
