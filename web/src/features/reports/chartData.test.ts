import { describe, expect, it } from 'vitest';
import { effectiveKind, HREF_KEY, pointHref, shapeChart } from './chartData';
import type { ReportColumn, ReportRow, ReportRun } from './reports.types';

const stage: ReportColumn = { key: 'stage', label: 'Stage', role: 'dimension', format: 'stage' };
const owner: ReportColumn = { key: 'ownerId', label: 'Owner', role: 'dimension', format: 'user' };
const count: ReportColumn = { key: 'count', label: 'Leads', role: 'measure', format: 'count' };
const value: ReportColumn = { key: 'value', label: 'Value', role: 'measure', format: 'money' };
const winRate: ReportColumn = { key: 'winRate', label: 'Win rate', role: 'measure', format: 'percent' };

function row(
  values: ReportRow['values'],
  labels: Record<string, string> = {},
  drill: ReportRow['drill'] = {},
): ReportRow {
  return { values, labels, drill };
}

function run(columns: ReportColumn[], rows: ReportRow[], totals: Record<string, number | null> = {}): ReportRun {
  return {
    report: {
      key: 'pipeline.deals-by-stage',
      name: 'Deals by stage',
      subject: 'leads',
      chart: 'bar',
      group: 'pipeline',
      description: null,
    },
    columns,
    rows,
    total: rows.length,
    limit: 100,
    offset: 0,
    totals,
    generatedAt: '2026-12-07T10:00:00Z',
    engine: 'postgres',
    currency: 'INR',
    locale: 'en-IN',
    timeZone: 'Asia/Kolkata',
    from: '2026-12-01',
    to: '2026-12-31',
  };
}

const byStage = run(
  [stage, count, value, winRate],
  [
    row(
      { stage: 'new', count: 40, value: 1000, winRate: 0.1 },
      { stage: 'New' },
      { count: { list: 'leads', query: { stage: 'new' } } },
    ),
    row(
      { stage: 'proposal', count: 12, value: '2500', winRate: 0.3 },
      { stage: 'Proposal' },
      {
        count: { list: 'leads', query: { stage: 'proposal' } },
      },
    ),
    row({ stage: 'won', count: 0, value: null, winRate: null }, { stage: 'Won' }),
  ],
  { count: 52, value: 3500, winRate: null },
);

describe('chart shaping', () => {
  it('draws one grouping as bars of the measures sharing the first one’s format, each bar drilling', () => {
    const shape = shapeChart(byStage, 'bar');
    if (shape.kind !== 'bar') throw new Error(shape.kind);
    // Leads is a count; value (money) and win rate (percent) would need axes of their own.
    expect(shape.series).toEqual([{ name: 's0', label: 'Leads', color: expect.any(String) }]);
    expect(shape.omitted).toBe(2);
    expect(shape.data.map((p) => [p.label, p.s0])).toEqual([
      ['New', 40],
      ['Proposal', 12],
      ['Won', 0],
    ]);
    const href = pointHref(shape.data[1], 's0');
    expect(href).not.toBeNull();
    const url = new URL(href as string, 'http://app.test');
    expect(url.pathname).toBe('/leads');
    expect(url.searchParams.get('stage')).toBe('proposal');
    expect(url.searchParams.get('via')).toBe('Deals by stage · Proposal · Leads');
    // A figure without an exact list does not drill.
    expect(pointHref(shape.data[2], 's0')).toBeNull();
    // One series over stages: bars take their stage's colour.
    const colored = shapeChart(byStage, 'bar', { colorOf: (_c, v) => (v === 'won' ? 'teal.6' : null) });
    if (colored.kind !== 'bar') throw new Error(colored.kind);
    expect(colored.data.map((p) => p.color)).toEqual([undefined, undefined, 'teal.6']);
  });

  it('turns a second grouping into series of the first measure, heaviest first, stacked when summable', () => {
    const twoDims = run(
      [stage, owner, count],
      [
        row({ stage: 'new', ownerId: 'a', count: 3 }, { stage: 'New', ownerId: 'Asha' }),
        row(
          { stage: 'new', ownerId: 'b', count: 9 },
          { stage: 'New', ownerId: 'Bala' },
          {
            count: { list: 'leads', query: { stage: 'new', ownerId: 'b' } },
          },
        ),
        row({ stage: 'won', ownerId: 'a', count: 1 }, { stage: 'Won', ownerId: 'Asha' }),
        row({ stage: 'won', ownerId: 'c', count: 1 }, { stage: 'Won', ownerId: 'Chitra' }),
      ],
    );
    const shape = shapeChart(twoDims, 'bar', { maxSeries: 2 });
    if (shape.kind !== 'bar') throw new Error(shape.kind);
    expect(shape.stacked).toBe(true);
    expect(shape.timeAxis).toBe(false);
    expect(shape.series.map((s) => s.label)).toEqual(['Bala', 'Asha']);
    expect(shape.omitted).toBe(1);
    expect(shape.data).toEqual([
      { label: 'New', s0: 9, s1: 3, [HREF_KEY]: { s0: expect.stringContaining('ownerId=b') } },
      { label: 'Won', s0: null, s1: 1, [HREF_KEY]: {} },
    ]);
  });

  it('knows a time axis, which keeps its order', () => {
    const month: ReportColumn = { key: 'createdAt.month', label: 'Month', role: 'dimension', format: 'month' };
    const shape = shapeChart(
      run(
        [month, count],
        [
          row({ 'createdAt.month': '2026-11-01', count: 5 }, { 'createdAt.month': 'Nov 2026' }),
          row({ 'createdAt.month': '2026-12-01', count: 9 }, { 'createdAt.month': 'Dec 2026' }),
        ],
      ),
      'bar',
    );
    if (shape.kind !== 'bar') throw new Error(shape.kind);
    expect(shape.timeAxis).toBe(true);
    expect(shape.data.map((p) => p.label)).toEqual(['Nov 2026', 'Dec 2026']);
  });

  it('keeps a donut to its largest slices and sums the rest into Other (counts only)', () => {
    const many = run(
      [owner, count],
      Array.from({ length: 10 }, (_, i) => row({ ownerId: `u${i}`, count: i + 1 }, { ownerId: `User ${i}` })),
    );
    const shape = shapeChart(many, 'donut', { maxSlices: 4 });
    if (shape.kind !== 'donut') throw new Error(shape.kind);
    expect(shape.cells.map((c) => [c.name, c.value])).toEqual([
      ['User 9', 10],
      ['User 8', 9],
      ['User 7', 8],
      ['Other (7)', 28],
    ]);
    // Percentages do not add up: no Other slice.
    const rates = run(
      [owner, winRate],
      many.rows.map((r, i) => row({ ownerId: r.values.ownerId ?? null, winRate: i / 10 })),
    );
    const rateShape = shapeChart(rates, 'donut', { maxSlices: 4 });
    if (rateShape.kind !== 'donut') throw new Error(rateShape.kind);
    expect(rateShape.cells.map((c) => c.value)).toEqual([0.9, 0.8, 0.7]);
  });

  it('keeps a funnel in the report’s order, zero steps included, and colours steps as asked', () => {
    const shape = shapeChart(byStage, 'funnel', { colorOf: (_c, v) => (v === 'won' ? 'teal' : null) });
    if (shape.kind !== 'funnel') throw new Error(shape.kind);
    expect(shape.cells.map((c) => [c.name, c.value, c.color])).toEqual([
      ['New', 40, 'brand.6'],
      ['Proposal', 12, 'teal.6'],
      ['Won', 0, 'teal'],
    ]);
    expect(shape.cells[1]?.href).toContain('stage=proposal');
  });

  it('shows a report without groupings as one number, the grand total first', () => {
    const kpi = run(
      [count],
      [row({ count: 52 }, {}, { count: { list: 'leads', query: { 'createdAt.min': '2026-12-01' } } })],
      {
        count: 52,
      },
    );
    const shape = shapeChart(kpi, 'bar');
    expect(shape).toEqual({
      kind: 'kpi',
      label: 'Leads',
      value: 52,
      format: 'count',
      href: expect.stringContaining('/leads?'),
    });
    // A number of a grouped report is its grand total, which no one list shows.
    expect(shapeChart(byStage, 'kpi')).toEqual({ kind: 'kpi', label: 'Leads', value: 52, format: 'count', href: null });
    expect(effectiveKind('funnel', run([stage, owner, count], []))).toBe('bar');
    expect(effectiveKind('table', byStage)).toBe('table');
    expect(shapeChart(run([stage, count], []), 'bar')).toEqual({ kind: 'empty' });
  });
});
