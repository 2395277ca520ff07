import { type Kysely, sql } from 'kysely';

/**
 * The assignments each rule made, by time: what an accepted recommendation's rule did since its acceptance is read
 * from them (the recommendations page and the recommendations report subject, which the admin's default dashboard
 * runs), and without this index each such figure read every assignment of the company. Not a partial index (on
 * assignments with a rule): the rule is matched through a join, from which PostgreSQL cannot prove the predicate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX lead_assignments_rule_idx ON lead_assignments (company_id, rule_id, at) INCLUDE (lead_id)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS lead_assignments_rule_idx`.execute(db);
}
