import { type Kysely, sql } from 'kysely';

/**
 * Every authenticated request checks its session. Doing that as BEGIN / set tenant / SELECT / COMMIT costs four
 * round trips; this function sets the tenant for its own statement and reads the session, the user and the
 * company in one. It runs as the caller (not SECURITY DEFINER), so row-level security still applies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION app_session_identity(p_company uuid, p_user uuid, p_session uuid)
    RETURNS TABLE (
      id uuid, email citext, name text, role user_role, manager_id uuid, manager_name text, active boolean,
      created_at timestamptz, updated_at timestamptz, deactivated_at timestamptz,
      session_revoked_at timestamptz, session_expires_at timestamptz,
      company_name text, company_slug text, company_timezone text, company_currency char(3),
      company_locale text, company_phone_country char(2)
    )
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
      PERFORM set_config('app.company_id', p_company::text, true);
      RETURN QUERY
        SELECT u.id, u.email, u.name, u.role, u.manager_id, m.name, u.active,
               u.created_at, u.updated_at, u.deactivated_at,
               s.revoked_at, s.expires_at,
               c.name, c.slug, c.timezone, c.currency, c.locale, c.phone_country
        FROM users u
        JOIN auth_sessions s ON s.company_id = u.company_id AND s.user_id = u.id
        JOIN companies c ON c.id = u.company_id
        LEFT JOIN users m ON m.company_id = u.company_id AND m.id = u.manager_id
        WHERE u.company_id = p_company AND u.id = p_user AND s.id = p_session;
    END
    $$;
    GRANT EXECUTE ON FUNCTION app_session_identity(uuid, uuid, uuid) TO iperform_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION app_session_identity(uuid, uuid, uuid)`.execute(db);
}
