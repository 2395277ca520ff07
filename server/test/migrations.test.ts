import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/client.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('migrations', () => {
  it('are idempotent: a migrated database gets nothing applied twice', async () => {
    expect(await migrate(t.dbs.owner)).toEqual([]);
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ok' });
  });

  it('refuse a database migrated by a newer iPerform, and leave it alone', async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', now())`.execute(
      t.dbs.owner,
    );
    await expect(migrate(t.dbs.owner)).rejects.toThrow(/migrated by a newer version of iPerform.*9999_from_the_future/);
    // Nothing was changed: the row is still there and the app still answers.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(t.dbs.owner);
    expect(rows[0]?.n).toBe(Object.keys(migrations).length + 1);
    await sql`DELETE FROM kysely_migration WHERE name = '9999_from_the_future'`.execute(t.dbs.owner);
  });

  it('readyz says 503 while a migration is missing', async () => {
    await sql`DELETE FROM kysely_migration WHERE name = '0002_auth_lookup'`.execute(t.dbs.owner);
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().detail).toMatch(/1 migration/);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0002_auth_lookup', now())`.execute(t.dbs.owner);
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await t.app.inject({ url: '/healthz' });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(
      /iperform_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });
});
