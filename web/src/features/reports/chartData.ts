import { type Drill, drillHref } from './drill';
import { dimensionText } from './reportFormat';
import type { ChartKind, ReportColumn, ReportRow, ReportRun } from './reports.types';

/**
 * Turns a run of a report (columns and rows) into what a chart draws. Pure, so that the shaping is tested apart
 * from the drawing: which measures share one axis, how a second grouping becomes series, what a donut keeps, and
 * where each bar, slice or step drills to.
 */

export const palette = [
  'brand.6',
  'teal.6',
  'orange.6',
  'grape.6',
  'cyan.6',
  'pink.6',
  'lime.7',
  'indigo.4',
  'yellow.6',
];
const OTHER_COLOR = 'gray.5';

/** One point on the x axis: its label, a value per series (`s0`, `s1`…), and where each value drills to. */
export interface ChartPoint {
  label: string;
  [series: string]: string | number | null | Record<string, string>;
}

export interface ChartSeriesInfo {
  /** `s0`, `s1`…: safe keys (a measure key may hold a dot, which Recharts would read as a path). */
  name: string;
  label: string;
  color: string;
}

export interface ChartCell {
  name: string;
  value: number;
  color: string;
  href: string | null;
}

export type ChartShape =
  | { kind: 'kpi'; label: string; value: number | null; format: string; href: string | null }
  | {
      kind: 'bar' | 'line' | 'area';
      data: ChartPoint[];
      series: ChartSeriesInfo[];
      format: string;
      stacked: boolean;
      /** The axis is a time (months, weeks…): it keeps its order and stays the x axis. */
      timeAxis: boolean;
      /** Series left out of the chart (the table still has them). */
      omitted: number;
    }
  | { kind: 'funnel' | 'donut'; cells: ChartCell[]; format: string; label: string; omitted: number }
  | { kind: 'table' }
  | { kind: 'empty' };

export interface ShapeOptions {
  /** The colour of a dimension's value, e.g. a stage's; the palette otherwise. */
  colorOf?: (column: ReportColumn, value: string | number | null) => string | null;
  maxSeries?: number;
  maxSlices?: number;
}

/** Hrefs are stored on a point under this key, per series. */
export const HREF_KEY = '__href';

export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** What a figure's drill link says on the list it opens: "Deals by stage · Proposal · Leads". */
export function drillCaption(run: ReportRun, row: ReportRow | null, measure: ReportColumn): string {
  const dims = row
    ? run.columns.filter((c) => c.role === 'dimension').map((c) => dimensionText(row, c))
    : ([] as string[]);
  return [run.report.name, ...dims, measure.label].join(' · ');
}

export function rowHref(run: ReportRun, row: ReportRow, measure: ReportColumn): string | null {
  const drill: Drill | undefined = row.drill?.[measure.key];
  return drill ? drillHref(drill, drillCaption(run, row, measure)) : null;
}

const timeFormats = new Set(['date', 'day', 'week', 'month', 'quarter', 'year', 'fiscalYear']);
const summable = (format: string) => format === 'count' || format === 'money' || format === 'number';

/**
 * The chart a run can draw: one without groupings is a number (and a number of a grouped report is its grand
 * total); a funnel or donut takes one grouping.
 */
export function effectiveKind(kind: ChartKind, run: ReportRun): ChartKind {
  const dims = run.columns.filter((c) => c.role === 'dimension').length;
  if (kind === 'table' || kind === 'kpi') return kind;
  if (dims === 0) return 'kpi';
  if ((kind === 'funnel' || kind === 'donut') && dims > 1) return 'bar';
  return kind;
}

export function shapeChart(run: ReportRun, requested: ChartKind, options: ShapeOptions = {}): ChartShape {
  const kind = effectiveKind(requested, run);
  const dims = run.columns.filter((c) => c.role === 'dimension');
  const measures = run.columns.filter((c) => c.role === 'measure');
  const first = measures[0];
  if (kind === 'table') return { kind: 'table' };
  if (!first) return { kind: 'empty' };

  if (kind === 'kpi') {
    // The figure drills when it is one row's (a report without groupings); a grand total of groups does not.
    const only = run.rows.length === 1 && dims.length === 0 ? run.rows[0] : undefined;
    const total = toNumber(run.totals?.[first.key]);
    return {
      kind: 'kpi',
      label: first.label,
      value: total ?? toNumber(only?.values[first.key]),
      format: first.format,
      href: only ? rowHref(run, only, first) : null,
    };
  }
  if (run.rows.length === 0) return { kind: 'empty' };

  const dim = dims[0] as ReportColumn;
  const colorAt = (value: string | number | null, index: number) =>
    options.colorOf?.(dim, value) ?? palette[index % palette.length] ?? 'brand.6';

  if (kind === 'funnel' || kind === 'donut') {
    const maxSlices = options.maxSlices ?? (kind === 'donut' ? 8 : 12);
    const cells: ChartCell[] = run.rows
      .map((row, index) => ({
        name: dimensionText(row, dim),
        value: toNumber(row.values[first.key]) ?? 0,
        color: colorAt(row.values[dim.key] ?? null, index),
        href: rowHref(run, row, first),
      }))
      .filter((cell) => kind === 'funnel' || cell.value > 0);
    let omitted = 0;
    let shown = cells;
    if (cells.length > maxSlices) {
      if (kind === 'donut') {
        const sorted = [...cells].sort((a, b) => b.value - a.value);
        shown = sorted.slice(0, maxSlices - 1);
        const rest = sorted.slice(maxSlices - 1);
        omitted = rest.length;
        if (summable(first.format)) {
          shown.push({
            name: `Other (${rest.length})`,
            value: rest.reduce((sum, c) => sum + c.value, 0),
            color: OTHER_COLOR,
            href: null,
          });
        }
      } else {
        shown = cells.slice(0, maxSlices);
        omitted = cells.length - maxSlices;
      }
    }
    return { kind, cells: shown, format: first.format, label: first.label, omitted };
  }

  // Bars, lines and areas.
  if (dims.length === 1) {
    // Measures on one axis share a format: counts with counts, money with money.
    const plotted = measures.filter((m) => m.format === first.format).slice(0, 4);
    const series = plotted.map((m, i) => ({
      name: `s${i}`,
      label: m.label,
      color: palette[i % palette.length] ?? 'brand.6',
    }));
    const data = run.rows.map((row) => {
      const point: ChartPoint = { label: dimensionText(row, dim) };
      const hrefs: Record<string, string> = {};
      plotted.forEach((m, i) => {
        point[`s${i}`] = toNumber(row.values[m.key]);
        const href = rowHref(run, row, m);
        if (href) hrefs[`s${i}`] = href;
      });
      point[HREF_KEY] = hrefs;
      // One series over stages: each bar in its stage's colour.
      const own = plotted.length === 1 ? options.colorOf?.(dim, row.values[dim.key] ?? null) : null;
      if (own) point.color = own;
      return point;
    });
    return {
      kind,
      data,
      series,
      format: first.format,
      stacked: false,
      timeAxis: timeFormats.has(dim.format),
      omitted: measures.length - plotted.length,
    };
  }

  // Two or three groupings: the first is the axis, the rest become series of the first measure.
  const rest = dims.slice(1);
  const seriesName = (row: ReportRow) => rest.map((d) => dimensionText(row, d)).join(' · ');
  const weight = new Map<string, number>();
  for (const row of run.rows) {
    const name = seriesName(row);
    weight.set(name, (weight.get(name) ?? 0) + Math.abs(toNumber(row.values[first.key]) ?? 0));
  }
  const maxSeries = options.maxSeries ?? 8;
  const kept = [...weight.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxSeries)
    .map(([name]) => name);
  const keyOf = new Map(kept.map((name, i) => [name, `s${i}`]));
  const points = new Map<string, ChartPoint>();
  for (const row of run.rows) {
    const x = dimensionText(row, dim);
    let point = points.get(x);
    if (!point) {
      point = { label: x, [HREF_KEY]: {} };
      for (const key of keyOf.values()) point[key] = null;
      points.set(x, point);
    }
    const key = keyOf.get(seriesName(row));
    if (!key) continue;
    point[key] = toNumber(row.values[first.key]);
    const href = rowHref(run, row, first);
    if (href) (point[HREF_KEY] as Record<string, string>)[key] = href;
  }
  const series = kept.map((name, i) => ({
    name: `s${i}`,
    label: name,
    color: palette[i % palette.length] ?? 'brand.6',
  }));
  return {
    kind,
    data: [...points.values()],
    series,
    format: first.format,
    stacked: kind === 'bar' && summable(first.format),
    timeAxis: timeFormats.has(dim.format),
    omitted: weight.size - kept.length,
  };
}

/** The href of a point's series, if it drills. */
export function pointHref(point: ChartPoint | undefined, series: string): string | null {
  const hrefs = point?.[HREF_KEY];
  if (!hrefs || typeof hrefs !== 'object') return null;
  return (hrefs as Record<string, string>)[series] ?? null;
}
