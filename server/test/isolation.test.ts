import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('tenant isolation', () => {
  it("lists none of Demo Co's users to Other Co", async () => {
    const response = await t.as('admin@other.test', 'GET', '/api/v1/users?limit=200');
    const emails = (response.json().data as { email: string }[]).map((u) => u.email);
    expect(emails).toEqual(['admin@other.test']);
  });

  it('returns no rows from any tenant table to the app role when no tenant is set', async () => {
    const tables = await sql<{ table_name: string }>`
      SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity`.execute(t.dbs.app);
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'companies',
        'users',
        'auth_sessions',
        'refresh_tokens',
        'api_keys',
        'auth_events',
        'audit_log',
      ]),
    );
    for (const name of names) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(t.dbs.app);
      expect(rows[0]?.n, name).toBe(0);
    }
    // The same tables do hold rows: the owner sees them through the tenant of Demo Co.
    const me = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json();
    const seen = await t.dbs.app.transaction().execute(async (trx) => {
      await sql`SELECT set_config('app.company_id', ${me.company.id}, true)`.execute(trx);
      return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(trx)).rows[0]?.n;
    });
    expect(seen).toBeGreaterThan(10);
  });

  it('runs the app as a role that is not the owner and cannot bypass row-level security', async () => {
    const { rows } = await sql<{ role: string; bypass: boolean; superuser: boolean }>`
      SELECT current_user AS role, rolbypassrls AS bypass, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`.execute(
      t.dbs.app,
    );
    expect(rows[0]).toEqual({ role: 'iperform_app', bypass: false, superuser: false });
    const forced = await sql<{ relname: string; forced: boolean }>`
      SELECT relname, relforcerowsecurity AS forced FROM pg_class WHERE relname IN ('users', 'audit_log', 'companies')`.execute(
      t.dbs.app,
    );
    expect(forced.rows.every((r) => r.forced)).toBe(true);
  });

  it('refuses a row written into another tenant from inside a tenant transaction', async () => {
    const demo = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json();
    const other = (await t.as('admin@other.test', 'GET', '/api/v1/auth/me')).json();
    const attempt = t.dbs.app.transaction().execute(async (trx) => {
      await sql`SELECT set_config('app.company_id', ${demo.company.id}, true)`.execute(trx);
      await sql`INSERT INTO audit_log (company_id, id, action, entity_type) VALUES (${other.company.id}, gen_random_uuid(), 'x', 'y')`.execute(
        trx,
      );
    });
    await expect(attempt).rejects.toThrow(/row-level security/);
  });
});
