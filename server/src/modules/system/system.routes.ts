import { sql } from 'kysely';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import type { Database } from '../../db/client.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { App } from '../../http/app.ts';
import type { Deps } from '../../http/context.ts';
import { databaseUnavailable } from '../../http/error-handler.ts';
import { AppError } from '../../http/errors.ts';

const expectedMigrations = Object.keys(migrations);
/** A database that has not answered `SELECT 1` in this long is reported unavailable. */
const PING_TIMEOUT_MS = 3000;

/** Runs `work` against the database; a failure or a wait past the timeout is 503 `database_unavailable`. */
async function withDatabase<T>(db: Database, work: (db: Database) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work(db), timeout]);
  } catch {
    throw databaseUnavailable();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness (the process serves and its database answers), readiness (and every migration is applied) and
 * Prometheus metrics. Both checks answer 503 problem+json with Retry-After while the database is away, so a load
 * balancer or an orchestrator sees the outage the API callers see.
 */
export async function systemRoutes(app: App, deps: Deps): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'iperform_' });
  const duration = new Histogram({
    name: 'iperform_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'not_found';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const Status = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });
  const Unavailable = {
    description: 'RFC 9457 problem details: `database_unavailable` (with Retry-After) or `unavailable`',
    headers: { 'Retry-After': { type: 'integer', description: 'Seconds to wait before asking again' } },
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
  };

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'The process is up and its database answers',
        response: { 200: Status, 503: Unavailable },
      },
    },
    async () => {
      await withDatabase(deps.db, (db) => sql`SELECT 1`.execute(db));
      return { status: 'ok' };
    },
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'The database is reachable and fully migrated',
        response: { 200: Status, 503: Unavailable },
      },
    },
    async () => {
      const result = await withDatabase(deps.db, (db) =>
        sql<{ pending: number }>`
          SELECT count(*)::int AS pending FROM (VALUES ${sql.join(expectedMigrations.map((m) => sql`(${m})`))}) AS expected(name)
          WHERE name NOT IN (SELECT name FROM kysely_migration)`.execute(db),
      );
      const pending = result.rows[0]?.pending ?? 0;
      if (pending > 0) {
        throw new AppError('unavailable', `${pending} migration(s) not applied`, { headers: { 'Retry-After': '30' } });
      }
      return { status: 'ok' };
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
