import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueueSystemEmail } from '../email/index.ts';

/**
 * A reminder by e-mail goes through the email module's outbox: queued in this transaction and sent by its own
 * job with retries; without SMTP settings the message is kept as failed there, and the in-app path is unaffected.
 */
export async function sendReminderEmail(
  trx: Tx,
  deps: Deps,
  input: { companyId: string; toUserId: string; subject: string; text: string },
): Promise<void> {
  await enqueueSystemEmail(trx, deps, input);
}
