import { describe, expect, it } from 'vitest';
import { chartRows, formatRisk } from './customerValue';

describe('customer value helpers', () => {
  it('writes a risk as a percentage and none as a dash', () => {
    expect(formatRisk(0.126)).toBe('13%');
    expect(formatRisk(0)).toBe('0%');
    expect(formatRisk(null)).toBe('—');
  });

  it('keeps the first groups for the chart, hidden amounts as zero', () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ label: `G${i}`, revenueToDate: i, expected12m: null }));
    const out = chartRows(rows);
    expect(out).toHaveLength(12);
    expect(out[3]).toEqual({ label: 'G3', revenue: 3, expected: 0 });
  });
});
