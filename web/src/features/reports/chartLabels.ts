import type { ChartKind } from './reports.types';

export const chartLabels: Record<ChartKind, string> = {
  kpi: 'Number (KPI)',
  bar: 'Bar',
  line: 'Line',
  area: 'Area',
  funnel: 'Funnel',
  donut: 'Donut',
  table: 'Table',
};

/** The report catalog's groups, in the order the catalog lists them. */
export const groupLabels: Record<string, string> = {
  pipeline: 'Pipeline and funnel',
  conversion: 'Conversion and sources',
  team: 'Team',
  activities: 'Activities',
  response: 'Response and SLA',
  forecast: 'Forecast',
  insights: 'Insights',
  support: 'Support',
  'data-quality': 'Data quality',
  saved: 'Saved reports',
};
