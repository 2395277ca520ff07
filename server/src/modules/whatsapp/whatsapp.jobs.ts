import { type Static, Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { defineJob, MAX_ATTEMPTS } from '../../jobs/define.ts';
import type { Job } from '../../jobs/queue.ts';
import { daily } from '../../jobs/schedule.ts';
import { type CloudError, type Outgoing, sendMessage } from './whatsapp.cloud.ts';
import { DEFAULT_TEMPLATE_LANGUAGE, type MessageState, statusChanges } from './whatsapp.dto.ts';
import * as repo from './whatsapp.repository.ts';
import { loadConnection } from './whatsapp.settings.ts';

/** Statuses for ids never stored here (messages sent from the phone or another tool) wait this long, then go. */
const HELD_STATUS_DAYS = 7;

const SendPayload = Type.Object({ messageId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** Sends one queued message to WhatsApp. */
export const whatsappSendJob = defineJob({
  kind: 'whatsapp.send',
  payload: SendPayload,
  handler: (trx, deps, job) => runSendJob(trx, deps, job),
});

/** Daily: drops the statuses that waited a week for a message id that never came. */
export const whatsappPruneJob = defineJob({
  kind: 'whatsapp.prune',
  schedule: daily('03:40'),
  handler: async (trx, deps) => {
    await repo.pruneHeldStatuses(trx, new Date(deps.clock.now().getTime() - HELD_STATUS_DAYS * 86_400_000));
  },
});

export const whatsappJobs = [whatsappSendJob, whatsappPruneJob];

function outgoingOf(row: repo.MessageRow): Outgoing {
  if (row.type === 'template') {
    return {
      type: 'template',
      to: row.phone,
      name: row.template_name ?? '',
      language: row.template_language ?? DEFAULT_TEMPLATE_LANGUAGE,
      params: row.template_params,
    };
  }
  const options = (row.content ?? {}) as { preview_url?: boolean };
  return { type: 'text', to: row.phone, text: row.body ?? '', previewUrl: options.preview_url === true };
}

const failure = (error: Pick<CloudError, 'code' | 'title' | 'detail'>) => ({
  error_code: error.code,
  error_title: error.title,
  error_detail: error.detail,
});

/**
 * The send job. Success stores WhatsApp's message id (statuses that overtook it are applied then); a 4xx is
 * final and kept on the message with WhatsApp's code; no answer, a 5xx or throttling is tried again with the
 * runner's back-off, the last reason shown on the still-queued message, until the last attempt fails it.
 */
export async function runSendJob(trx: Tx, deps: Deps, job: Job<Static<typeof SendPayload>>): Promise<void> {
  const messageId = job.payload.messageId;
  const row = await repo.findMessage(trx, messageId);
  if (row?.status !== 'queued' || row.direction !== 'outbound') return;
  const now = () => deps.clock.now();

  const connection = await loadConnection(trx, deps, job.companyId);
  if (!connection) {
    await repo.updateMessage(trx, row.id, {
      status: 'failed',
      failed_at: now(),
      attempts: job.attempts,
      updated_at: now(),
      ...failure({ code: null, title: 'WhatsApp was disconnected before the message was sent', detail: null }),
    });
    return;
  }
  const result = await sendMessage(connection, outgoingOf(row));
  if (result.ok) {
    const wamid = result.value.wamid;
    await repo.lockFor(trx, 'wamid', wamid);
    let state: MessageState = { status: 'sent', sent_at: now(), delivered_at: null, read_at: null, failed_at: null };
    await repo.updateMessage(trx, row.id, {
      ...state,
      wamid,
      attempts: job.attempts,
      updated_at: now(),
      error_code: null,
      error_title: null,
      error_detail: null,
    });
    for (const event of await repo.takeHeldStatuses(trx, wamid)) {
      const changes = statusChanges(state, event, now());
      await repo.updateMessage(trx, row.id, changes);
      state = { ...state, ...(changes as Partial<MessageState>) };
    }
    return;
  }
  if (result.error.retryable && job.attempts < MAX_ATTEMPTS) {
    // The job's own transaction is rolled back by the throw: the attempt is recorded beside it.
    await withTenant(deps.db, job.companyId, (other) =>
      repo.updateMessage(other, row.id, { attempts: job.attempts, updated_at: now(), ...failure(result.error) }),
    );
    throw new Error(`WhatsApp send failed (will retry): ${result.error.title}`);
  }
  await repo.updateMessage(trx, row.id, {
    status: 'failed',
    failed_at: now(),
    attempts: job.attempts,
    updated_at: now(),
    ...failure(result.error),
  });
}
