import type { ChartKind, ReportDefinition } from './reports.types';

/** A subject of the builder's model (`GET /reports/model`). */
export interface ModelSubject {
  key: string;
  label: string;
  description?: string;
  timeFields: { key: string; label: string }[];
  defaultTime: string | null;
  grains: string[];
  dimensions: { key: string; label: string; kind: string }[];
  measures: { key: string; label: string; format: string }[];
  /** Whether it takes the lead list's filters. */
  filters: boolean;
}

export const MAX_MEASURES = 6;
export const MAX_GROUPINGS = 3;

const grainLabels: Record<string, string> = {
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
  fiscalYear: 'fiscal year',
};

/** What a report may be grouped by: its fields, and each time by each grain ("Created at by month"). */
export function groupOptions(subject: ModelSubject): { group: string; items: { value: string; label: string }[] }[] {
  const times = subject.timeFields.flatMap((field) =>
    subject.grains.map((grain) => ({
      value: `${field.key}.${grain}`,
      label: `${field.label} by ${grainLabels[grain] ?? grain}`,
    })),
  );
  const fields = subject.dimensions.filter((d) => d.kind !== 'time').map((d) => ({ value: d.key, label: d.label }));
  return [
    ...(fields.length > 0 ? [{ group: 'Fields', items: fields }] : []),
    ...(times.length > 0 ? [{ group: 'Time', items: times }] : []),
  ];
}

/** A fresh question over a subject: its first measure, its usual time, a bar chart. */
export function startDefinition(subject: ModelSubject): ReportDefinition {
  const measure = subject.measures[0]?.key;
  return {
    subject: subject.key,
    measures: measure ? [measure] : [],
    groupBy: [],
    ...(subject.defaultTime ? { timeField: subject.defaultTime } : {}),
    chart: 'bar',
  };
}

/** The definition as the API takes it: no empty groupings, filters or blanks. */
export function cleanDefinition(definition: ReportDefinition): ReportDefinition {
  const groupBy = (definition.groupBy ?? []).filter(Boolean).slice(0, MAX_GROUPINGS);
  const filters = Object.fromEntries(
    Object.entries(definition.filters ?? {}).filter(([, v]) =>
      Array.isArray(v) ? v.length > 0 : v !== '' && v !== null,
    ),
  );
  return {
    subject: definition.subject,
    measures: definition.measures.filter(Boolean),
    ...(groupBy.length > 0 ? { groupBy } : {}),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    ...(definition.timeField ? { timeField: definition.timeField } : {}),
    chart: definition.chart ?? (groupBy.length === 0 ? 'kpi' : 'bar'),
  };
}

/** The chart a definition suits when none was picked: a number without groupings, a line over time. */
export function suggestedChart(definition: ReportDefinition): ChartKind {
  const first = definition.groupBy?.[0];
  if (!first) return 'kpi';
  return /\.(day|week|month|quarter|year|fiscalYear)$/.test(first) ? 'line' : 'bar';
}

export type BuilderField = 'name' | 'subject' | 'measures' | 'groupBy' | 'filters' | 'timeField' | 'chart' | 'period';

/**
 * The builder's field an API error path names: `report.measures.0` (a run), `definition.groupBy` (a save),
 * `from`/`to` (the period); null when it is none of them.
 */
export function builderField(path: string): BuilderField | null {
  const parts = path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .split(/[./]/);
  const head = parts[0] === 'report' || parts[0] === 'definition' ? parts[1] : parts[0];
  if (head === 'from' || head === 'to') return 'period';
  const fields: readonly BuilderField[] = ['name', 'subject', 'measures', 'groupBy', 'filters', 'timeField', 'chart'];
  return (fields as readonly string[]).includes(head ?? '') ? (head as BuilderField) : null;
}
