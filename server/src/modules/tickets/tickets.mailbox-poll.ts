import { sql } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { attachToTicket } from '../files/index.ts';
import {
  addCustomerMessage,
  type Customer,
  channelContext,
  openCustomerTicket,
  referenceNumber,
  ticketByNumber,
} from './tickets.intake.ts';
import { classifyImapError, imapClient, type MailboxRow, serverOf } from './tickets.mailbox.ts';
import * as repo from './tickets.repository.ts';

/** Messages read per poll at most; the rest wait for the next one. */
const BATCH = 100;
/** A bigger message is kept aside unread. */
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface PollOutcome {
  read: number;
  opened: number;
  joined: number;
  ignored: number;
  keptAside: number;
  error: string | null;
}

/**
 * Reads the company's support mailbox once: the messages after the last UID read (all of them the first time, or
 * when the folder's UIDVALIDITY changed), oldest first, each in its own savepoint so that one that cannot be
 * taken in is kept aside (`ticket_mailbox_rejects`) and the others still go through. The last UID and the
 * UIDVALIDITY are stored with the outcome. A server that cannot be reached leaves the error on the mailbox for
 * the settings page; the next poll tries again.
 */
export async function pollMailbox(trx: Tx, deps: Deps, requestId: string): Promise<PollOutcome | null> {
  const row = await trx.selectFrom('ticket_mailboxes').selectAll().forUpdate().executeTakeFirst();
  if (!row?.enabled) return null;
  const outcome: PollOutcome = { read: 0, opened: 0, joined: 0, ignored: 0, keptAside: 0, error: null };
  const now = deps.clock.now();
  const ctx = await channelContext(trx, row.company_id, row.acting_user_id, { requestId, ip: '', userAgent: null });
  let state: { uidValidity: string; lastUid: number } | null = null;
  let client: ReturnType<typeof imapClient> | null = null;
  try {
    if (!ctx) throw new Error('The user who set up the mailbox is gone; save the settings again');
    const server = serverOf(deps, row);
    client = imapClient(server);
    await client.connect();
    const lock = await client.getMailboxLock(row.folder, { readOnly: true });
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`The folder "${row.folder}" could not be opened`);
      const uidValidity = mailbox.uidValidity.toString();
      const lastUid = row.uid_validity === uidValidity ? Number(row.last_uid) : 0;
      state = { uidValidity, lastUid };
      if (mailbox.exists > 0) {
        const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
        const uids = (found || [])
          .filter((uid) => uid > lastUid)
          .sort((a, b) => a - b)
          .slice(0, BATCH);
        for (const uid of uids) {
          const message =
            (await client.fetchOne(String(uid), { uid: true, size: true, source: true }, { uid: true })) || null;
          outcome.read += 1;
          const size = message ? (message.size ?? message.source?.length ?? 0) : 0;
          if (!message?.source) {
            await keepAside(trx, row, uidValidity, uid, 'the server returned no content for it', size, null, now);
            outcome.keptAside += 1;
          } else if (size > MAX_MESSAGE_BYTES) {
            await keepAside(trx, row, uidValidity, uid, 'it is larger than 40 MiB', size, null, now);
            outcome.keptAside += 1;
          } else {
            const result = await takeIn(trx, deps, ctx, row, uidValidity, uid, message.source, now);
            outcome[result] += 1;
          }
          state.lastUid = uid;
        }
      }
    } finally {
      lock.release();
    }
  } catch (error) {
    outcome.error = client
      ? classifyImapError(error, row, row.folder).message
      : error instanceof Error
        ? error.message
        : String(error);
  } finally {
    if (client) await client.logout().catch(() => client?.close());
  }
  await trx
    .updateTable('ticket_mailboxes')
    .set({
      ...(state ? { uid_validity: state.uidValidity, last_uid: String(state.lastUid) } : {}),
      last_polled_at: now,
      last_error: outcome.error ? outcome.error.slice(0, 1000) : null,
      ...(outcome.error ? { last_error_at: now } : {}),
    })
    .where('id', '=', row.id)
    .execute();
  return outcome;
}

async function keepAside(
  trx: Tx,
  row: MailboxRow,
  uidValidity: string,
  uid: number,
  reason: string,
  size: number,
  mail: Pick<ParsedMail, 'from' | 'subject'> | null,
  now: Date,
) {
  await trx
    .insertInto('ticket_mailbox_rejects')
    .values({
      company_id: row.company_id,
      id: newId(),
      uid: String(uid),
      uid_validity: uidValidity,
      reason: reason.slice(0, 1000) || 'unreadable',
      raw_size: size,
      from_address: mail?.from?.value[0]?.address?.slice(0, 254) ?? null,
      subject: mail?.subject?.slice(0, 200) ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['company_id', 'uid_validity', 'uid']).doNothing())
    .execute();
}

/** Reads one message in a savepoint; a failure rolls back what it did and keeps it aside. */
async function takeIn(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  row: MailboxRow,
  uidValidity: string,
  uid: number,
  source: Buffer,
  now: Date,
): Promise<'opened' | 'joined' | 'ignored' | 'keptAside'> {
  let mail: ParsedMail | null = null;
  await sql`SAVEPOINT mailbox_message`.execute(trx);
  try {
    mail = await simpleParser(source, { skipImageLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
    const result = await route(trx, deps, ctx, mail, now);
    await sql`RELEASE SAVEPOINT mailbox_message`.execute(trx);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT mailbox_message`.execute(trx);
    const reason = error instanceof Unreadable ? error.message : `it could not be read: ${(error as Error).message}`;
    await keepAside(trx, row, uidValidity, uid, reason, source.length, mail, now);
    return 'keptAside';
  }
}

/** Why a message cannot become part of a ticket, in the words the settings page lists it with. */
class Unreadable extends Error {}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

/** Out-of-office answers, bounces and other mail no person wrote: never a ticket. */
function automatic(mail: ParsedMail, sender: string): boolean {
  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (/^(mailer-daemon|postmaster)@/i.test(sender)) return true;
  if (header(mail, 'x-autoreply') || header(mail, 'x-autorespond')) return true;
  if (/^(auto_reply|bulk|junk)$/i.test(header(mail, 'precedence').trim())) return true;
  return /multipart\/report/i.test(header(mail, 'content-type'));
}

const messageIds = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((v) => v.match(/<[^<>\s]+>/g) ?? [v.trim()])
    .filter(Boolean)
    .slice(0, 50);

/** The ticket the message answers: the reference in its subject, else a message it replies to. */
async function ticketOf(trx: Tx, mail: ParsedMail): Promise<string | null> {
  const number = referenceNumber(mail.subject ?? '', true);
  if (number !== null) {
    const ticket = await ticketByNumber(trx, number);
    if (ticket) return ticket.id;
  }
  const ids = [...messageIds(mail.inReplyTo), ...messageIds(mail.references)];
  if (ids.length === 0) return null;
  const sent = await trx
    .selectFrom('ticket_messages')
    .select('ticket_id')
    .where('email_message_id', 'in', ids)
    .limit(1)
    .executeTakeFirst();
  if (sent) return sent.ticket_id;
  const received = await trx
    .selectFrom('ticket_inbound_emails')
    .select('ticket_id')
    .where('message_id', 'in', ids)
    .limit(1)
    .executeTakeFirst();
  return received?.ticket_id ?? null;
}

const subjectOf = (mail: ParsedMail) =>
  (mail.subject ?? '').replace(/^\s*((re|fwd?|aw|sv|tr)\s*:\s*)+/i, '').trim() || '(no subject)';

async function route(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  mail: ParsedMail,
  now: Date,
): Promise<'opened' | 'joined' | 'ignored'> {
  const sender = mail.from?.value
    .find((a) => a.address)
    ?.address?.trim()
    .toLowerCase();
  if (!sender || !/^[^\s@]+@[^\s@]+$/.test(sender) || sender.length > 254) {
    throw new Unreadable('it has no sender address (From)');
  }
  if (automatic(mail, sender)) return 'ignored';
  const messageId = mail.messageId?.trim().slice(0, 998) || null;
  if (messageId) {
    const seen = await trx
      .selectFrom('ticket_inbound_emails')
      .select('ticket_id')
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    const ours = await trx
      .selectFrom('ticket_messages')
      .select('id')
      .where('email_message_id', '=', messageId)
      .limit(1)
      .executeTakeFirst();
    if (seen || ours) return 'ignored';
  }
  const customer: Customer = { name: mail.from?.value[0]?.name?.trim() || null, email: sender };
  const body = (mail.text ?? '').trim() || '(no text)';
  const existing = await ticketOf(trx, mail);
  let ticketId: string;
  let threadMessageId: string | null = null;
  if (existing) {
    const joined = await addCustomerMessage(trx, deps, ctx, existing, {
      body,
      customer,
      channel: 'email',
      emailMessageId: messageId,
    });
    ticketId = existing;
    threadMessageId = joined.messageId;
  } else {
    ticketId = (
      await openCustomerTicket(trx, deps, ctx, { subject: subjectOf(mail), body, customer, channel: 'email' })
    ).id;
  }
  const fileIds: string[] = [];
  for (const attachment of mail.attachments) {
    if (attachment.related && !attachment.filename) continue;
    const attached = await attachToTicket(trx, deps, ctx, {
      ticketId,
      name: attachment.filename ?? `attachment-${fileIds.length + 1}`,
      content: attachment.content,
    });
    if ('fileId' in attached && !fileIds.includes(attached.fileId)) fileIds.push(attached.fileId);
  }
  if (threadMessageId && fileIds.length > 0) {
    await repo.insertMessageFiles(trx, ctx.actor.companyId, threadMessageId, fileIds.slice(0, 20));
  }
  if (messageId) {
    await trx
      .insertInto('ticket_inbound_emails')
      .values({
        company_id: ctx.actor.companyId,
        message_id: messageId,
        ticket_id: ticketId,
        opened_ticket: !existing,
        received_at: now,
      })
      .execute();
  }
  return existing ? 'joined' : 'opened';
}

/** The scheduled read of a company's mailbox (tickets.mailbox_poll), in the job's transaction. */
export async function pollJob(trx: Tx, deps: Deps, job: { id: string; kind: string }): Promise<void> {
  await pollMailbox(trx, deps, `job:${job.kind}:${job.id}`);
}

/** Reads the mailbox now, for the settings page's "Check now"; answers what was read. */
export async function pollNow(deps: Deps, ctx: RequestContext) {
  const outcome = await withTenant(deps.db, ctx.actor.companyId, (trx) => pollMailbox(trx, deps, ctx.requestId));
  if (!outcome) throw new AppError('unprocessable', 'The support mailbox is not set up or is turned off');
  return outcome;
}
