import type { Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/** Adds a notification for a user, in the caller's transaction. */
export async function notify(
  trx: Tx,
  input: {
    companyId: string;
    userId: string;
    kind: string;
    title: string;
    body?: string | null;
    leadId?: string | null;
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto('notifications')
    .values({
      company_id: input.companyId,
      id: newId(),
      user_id: input.userId,
      kind: input.kind,
      title: input.title,
      body: input.body ?? null,
      lead_id: input.leadId ?? null,
      created_at: input.now,
    })
    .execute();
}
