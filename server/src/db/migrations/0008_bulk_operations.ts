import type { Kysely } from 'kysely';

/** Placeholder: bulk actions run as jobs, with progress. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be reverted');
}
