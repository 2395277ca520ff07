import type { components, paths } from '../../lib/api-types';

/** The shapes of the reports API (`/api/v1/reports`), from the generated types, as the reports UI names them. */
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type ReportRun = JsonOf<paths['/api/v1/reports/run']['post']['responses'][200]>;
export type ReportColumn = ReportRun['columns'][number];
export type ReportRow = ReportRun['rows'][number];
export type ReportSummary = JsonOf<paths['/api/v1/reports']['get']['responses'][200]>['data'][number];
export type ReportModel = JsonOf<paths['/api/v1/reports/model']['get']['responses'][200]>;
export type ReportDefinition = components['schemas']['ReportDefinition'];
export type SavedReport = components['schemas']['SavedReport'];
export type RunBody = BodyOf<'/api/v1/reports/run', 'post'>;
export type SaveReportBody = BodyOf<'/api/v1/reports/saved', 'post'>;

export type ChartKind = ReportSummary['chart'];
export const chartKinds: readonly ChartKind[] = ['kpi', 'bar', 'line', 'area', 'funnel', 'donut', 'table'];
