/**
 * The public face of the reports module: the semantic layer's runner and catalog, for dashboards, targets and
 * scheduled reports. Its routes are wired in by the composition root (reports.routes.ts).
 */
export type { PrebuiltReport, RangePreset } from './catalog.ts';
export { prebuiltReport, prebuiltReports, rangePresets } from './catalog.ts';
export { presetRange, todayIn } from './context.ts';
export type { ReportFile, ReportFormat } from './reports.export.ts';
export { reportFile } from './reports.export.ts';
export { findVisibleSaved } from './reports.repository.ts';
export { Definition as ReportDefinition } from './reports.schemas.ts';
export { listReports } from './reports.service.ts';
export type { RunInput, RunOptions } from './run.ts';
export { runReport } from './run.ts';
export type { Chart, Definition } from './semantic.ts';
export { charts } from './semantic.ts';
