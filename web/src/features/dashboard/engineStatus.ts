import type { paths } from '../../lib/api-types';
import { formatNumber } from '../../lib/format';
import { formatDuration } from '../reports/reportFormat';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type EngineStatus = Json<paths['/api/v1/reports/engine']['get']['responses'][200]>;

export interface EngineSummary {
  /** "Reports run on ClickHouse" */
  title: string;
  /** How far behind PostgreSQL ClickHouse is, or why reports run on PostgreSQL. */
  detail: string;
  /** A dot's colour: teal up to date, yellow a minute or more behind, red ten minutes or unreachable. */
  color: 'teal' | 'yellow' | 'red';
}

const LATE_SECONDS = 60;
const STALE_SECONDS = 600;

const changes = (n: number) => `${formatNumber(n)} ${n === 1 ? 'change' : 'changes'}`;

/**
 * What the admin dashboard's "Reports engine" card says; null when no ClickHouse is configured (every report
 * runs on PostgreSQL, nothing can lag, and the card is not shown).
 */
export function engineSummary(status: EngineStatus): EngineSummary | null {
  if (!status.configured) return null;
  if (status.engine !== 'clickhouse' || !status.reachable) {
    return {
      title: 'Reports run on PostgreSQL',
      detail:
        `ClickHouse cannot be reached; reports fall back to PostgreSQL. ` +
        (status.pending > 0
          ? `${changes(status.pending)} wait in the outbox (oldest ${formatDuration(status.lagSeconds)} ago); nothing is lost.`
          : 'No change is waiting.'),
      color: 'red',
    };
  }
  if (status.pending === 0) {
    return { title: 'Reports run on ClickHouse', detail: 'Up to date with PostgreSQL.', color: 'teal' };
  }
  return {
    title: 'Reports run on ClickHouse',
    detail: `${formatDuration(status.lagSeconds)} behind PostgreSQL · ${changes(status.pending)} waiting.`,
    color: status.lagSeconds >= STALE_SECONDS ? 'red' : status.lagSeconds >= LATE_SECONDS ? 'yellow' : 'teal',
  };
}
