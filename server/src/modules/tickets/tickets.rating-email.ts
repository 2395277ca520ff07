import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { loadServer, messageIdFor, sendMail } from '../email/index.ts';
import { referenceOf } from './tickets.dto.ts';
import { type RatingEmailPayload, ratingEmailJob } from './tickets.jobs.ts';
import { newRatingToken, RATING_LINK_DAYS, ratingPath } from './tickets.rating.ts';
import { replySubject } from './tickets.reply-email.ts';
import * as repo from './tickets.repository.ts';

const DAY = 86_400_000;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface SolvedMail {
  name: string | null;
  reference: string;
  subject: string;
  /** The link without its rating; null when the server has no public address (PUBLIC_URL) to link to. */
  link: string | null;
}

export function solvedText(mail: SolvedMail): string {
  const lines = [
    `Hello${mail.name ? ` ${mail.name}` : ''},`,
    '',
    `Your request ${mail.reference} "${mail.subject}" has been solved.`,
    '',
  ];
  if (mail.link) {
    lines.push(
      'How did we do? One click is enough:',
      '',
      `Good, I'm satisfied: ${mail.link}?rating=good`,
      `Bad, I'm not satisfied: ${mail.link}?rating=bad`,
      '',
      `The links work for ${RATING_LINK_DAYS} days; the first click counts.`,
      '',
    );
  }
  lines.push('If something is still wrong, just reply to this email.');
  return lines.join('\n');
}

function solvedHtml(mail: SolvedMail): string {
  const button = (href: string, label: string, color: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 18px;margin:4px 8px 4px 0;border-radius:6px;background:${color};color:#fff;text-decoration:none;font-weight:600">${label}</a>`;
  const rating = mail.link
    ? `<p>How did we do? One click is enough:</p>
<p>${button(`${mail.link}?rating=good`, 'Good, I’m satisfied', '#2f9e44')}${button(`${mail.link}?rating=bad`, 'Bad, I’m not satisfied', '#c92a2a')}</p>
<p style="color:#667">The links work for ${RATING_LINK_DAYS} days; the first click counts.</p>`
    : '';
  return `<div style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#1a1b1e">
<p>Hello${mail.name ? ` ${escapeHtml(mail.name)}` : ''},</p>
<p>Your request <strong>${escapeHtml(mail.reference)}</strong> “${escapeHtml(mail.subject)}” has been solved.</p>
${rating}
<p>If something is still wrong, just reply to this email.</p>
</div>`;
}

/**
 * Sends the solve email of one solve through the company's SMTP server. The link's token is made here and only
 * its hash is kept, written once the server took the email: a retried send makes a new token, and a send that
 * finally fails leaves no link behind. A ticket reopened or solved again since, one whose email already went, or
 * a company with no server sends nothing.
 */
export async function sendSolvedEmail(trx: Tx, deps: Deps, job: Job<Static<typeof RatingEmailPayload>>) {
  const ticket = await repo.findTicket(trx, job.payload.ticketId, repo.anyTicket, { lock: true });
  if (!ticket?.requester_email || ticket.solved_at === null) return;
  if (ticket.status !== 'solved' && ticket.status !== 'closed') return;
  const solvedAt = new Date(ticket.solved_at);
  if (solvedAt.getTime() !== Date.parse(job.payload.solvedAt)) return;
  const sent = await trx
    .selectFrom('ticket_ratings')
    .select('id')
    .where('ticket_id', '=', ticket.id)
    .where('solved_at', '=', solvedAt)
    .executeTakeFirst();
  if (sent) return;
  const loaded = await loadServer(trx, deps, job.companyId);
  if (!loaded) return;
  const { settings, server } = loaded;
  const base = deps.config.publicUrl?.replace(/\/+$/, '') ?? null;
  const { token, hash } = newRatingToken(job.companyId);
  const id = newId();
  const mail: SolvedMail = {
    name: ticket.requester_name,
    reference: referenceOf(ticket.number),
    subject: ticket.subject,
    link: base ? `${base}${ratingPath(token)}` : null,
  };
  try {
    await sendMail(server, {
      from: { name: settings.from_name, address: settings.from_address },
      replyTo: settings.reply_to,
      to: [ticket.requester_email],
      cc: [],
      bcc: [],
      subject: `Re: ${replySubject(ticket.number, ticket.subject)}`,
      html: solvedHtml(mail),
      text: solvedText(mail),
      messageId: messageIdFor(job.id, settings.from_address),
    });
  } catch (error) {
    if (job.attempts < ratingEmailJob.retry.attempts) throw error;
    return;
  }
  if (!base) return;
  const now = deps.clock.now();
  await trx
    .insertInto('ticket_ratings')
    .values({
      company_id: job.companyId,
      id,
      ticket_id: ticket.id,
      token_hash: hash,
      solved_at: solvedAt,
      email_to: ticket.requester_email,
      issued_at: now,
      expires_at: new Date(now.getTime() + RATING_LINK_DAYS * DAY),
    })
    .execute();
}
