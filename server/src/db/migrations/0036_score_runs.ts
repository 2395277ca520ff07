import { type Kysely, sql } from 'kysely';

/**
 * When the company's leads were last rescored: the start of the last rescoring run that finished (nightly, after a
 * change of rules or model, or the hourly one for changed leads). The hourly run rescores the leads changed since
 * then, so a rescoring run writes only the scores that changed: a score row's `scored_at` is when its score was
 * last set, and a night with nothing new rewrites no row (nor sends any to the ClickHouse copy).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE scoring_settings ADD COLUMN rescored_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE scoring_settings DROP COLUMN rescored_at`.execute(db);
}
