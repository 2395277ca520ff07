import type { Kysely } from 'kysely';

/** Placeholder: WhatsApp settings, messages and statuses. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be reverted');
}
