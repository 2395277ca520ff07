import { sql } from 'kysely';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import type { App } from '../../app.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { Deps } from '../../http/context.ts';

const expectedMigrations = Object.keys(migrations);

/** Liveness, readiness (database reachable and migrated) and Prometheus metrics. */
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

  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'The process is up', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'The database is reachable and fully migrated',
        response: { 200: Status, 503: Status },
      },
    },
    async (_request, reply) => {
      try {
        const result = await sql<{ pending: number }>`
          SELECT count(*)::int AS pending FROM (VALUES ${sql.join(expectedMigrations.map((m) => sql`(${m})`))}) AS expected(name)
          WHERE name NOT IN (SELECT name FROM kysely_migration)`.execute(deps.db);
        const pending = result.rows[0]?.pending ?? 0;
        if (pending > 0)
          return reply.code(503).send({ status: 'unavailable', detail: `${pending} migration(s) not applied` });
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', detail: 'database unreachable' });
      }
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
