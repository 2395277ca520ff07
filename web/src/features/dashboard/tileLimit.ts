import type { ChartKind } from '../reports/reports.types';

/** How many rows a tile asks for: a number needs one, a series a year of days, a table its first few. */
export function tileLimit(chart: ChartKind): number {
  switch (chart) {
    case 'kpi':
      return 1;
    case 'line':
    case 'area':
      return 400;
    case 'table':
      return 8;
    default:
      return 50;
  }
}
