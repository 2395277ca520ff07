/** Readable names of time buckets: "7 Dec 2026", "Week of 7 Dec 2026", "Dec 2026", "Q4 2026", "FY 2026-27". */
import type { Grain } from './semantic.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function dimensionLabel(grain: Grain, value: string | null, fiscalStart: number): string {
  if (value === null) return '(none)';
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const month = MONTHS[m - 1] ?? '';
  switch (grain) {
    case 'day':
      return `${d} ${month} ${y}`;
    case 'week':
      return `Week of ${d} ${month} ${y}`;
    case 'month':
      return `${month} ${y}`;
    case 'quarter':
      return `Q${Math.floor((m - 1) / 3) + 1} ${y}`;
    case 'year':
      return String(y);
    case 'fiscalYear':
      return fiscalStart === 1 ? `FY ${y}` : `FY ${y}-${String((y + 1) % 100).padStart(2, '0')}`;
  }
}
