/** Small pure helpers of the forecast page (tested in Node). */

/** "2030-07" as the first day of its month, for the month formatter. */
export const monthDay = (month: string) => `${month}-01`;

/** The colour of a gap against a target: short of it red, within 10% of it orange, at or past it green. */
export function gapColor(gap: number | null, target: number | null): string | undefined {
  if (gap === null || target === null) return undefined;
  if (gap >= 0) return 'teal.7';
  if (target > 0 && -gap <= target * 0.1) return 'orange.7';
  return 'red.7';
}

/** A signed percentage with one decimal: "+12.5%", "−3.0%"; a dash without a value. */
export function signedPercent(value: number | null): string {
  if (value === null) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value).toFixed(1)}%`;
}
