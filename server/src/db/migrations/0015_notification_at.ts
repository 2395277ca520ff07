import { type Kysely, sql } from 'kysely';

/**
 * The moment a notification speaks of (a follow-up's due time), kept as an instant so each reader sees it in its
 * own time zone instead of text written in someone else's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications ADD COLUMN at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications DROP COLUMN at`.execute(db);
}
