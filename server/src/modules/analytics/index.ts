/**
 * The public face of the analytics module: ClickHouse for the reports, fed from PostgreSQL through the outbox.
 * The reports module runs its queries through `clickhouseFor`; the CLI and the start call the rest.
 */
export type { ClickHouse } from './analytics.clickhouse.ts';
export { clickhouseFor, closeClickHouse, querySettings, useClickHouse } from './analytics.clickhouse.ts';
export { analyticsJobs } from './analytics.jobs.ts';
export { backfill, engineStatus, startAnalytics, syncNow } from './analytics.service.ts';
export { drainOutbox } from './analytics.sync.ts';
