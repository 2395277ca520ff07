import { createHash, randomBytes } from 'node:crypto';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { isUuid } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { notify } from '../notifications/index.ts';
import { referenceOf } from './tickets.dto.ts';
import { ratingEmailJob } from './tickets.jobs.ts';
import * as repo from './tickets.repository.ts';

/**
 * The satisfaction rating of a solved ticket. Solving a ticket that has a requester email sends the customer a
 * short "your request is solved" email with two one-click links, good and bad. Each link carries a token made of
 * the company's id and 32 random bytes; only its SHA-256 is stored, with the solve it belongs to, so the database
 * alone cannot rate for anyone. The first click records the rating; the page then takes one comment.
 */

export const ratingValues = ['good', 'bad'] as const;
export type RatingValue = (typeof ratingValues)[number];

/** How long a rating link works after the solve email was sent. */
export const RATING_LINK_DAYS = 30;
export const COMMENT_MAX = 2000;
const SECRET_BYTES = 32;

export const ratingPath = (token: string) => `/api/v1/public/ticket-ratings/${token}`;

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const hashOf = (token: string) => createHash('sha256').update(token).digest();

/** A new link token for the company, and the hash that is stored of it. */
export function newRatingToken(companyId: string): { token: string; hash: Buffer } {
  const token = Buffer.concat([uuidBytes(companyId), randomBytes(SECRET_BYTES)]).toString('base64url');
  return { token, hash: hashOf(token) };
}

/** The company a token names and the hash to look it up by; null for anything that is not one of our tokens. */
export function readRatingToken(token: string): { companyId: string; hash: Buffer } | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + SECRET_BYTES || raw.toString('base64url') !== token) return null;
  const companyId = uuidOf(raw.subarray(0, 16));
  return isUuid(companyId) ? { companyId, hash: hashOf(token) } : null;
}

const closedStatuses = ['solved', 'closed'];
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Plans the solve email of a ticket that has just been solved (moved to `solved` from an open status) and has a
 * requester email, in the caller's transaction. Reopening and solving again plans a new one, with a new link.
 */
export async function planSolvedEmail(
  trx: Tx,
  before: { status: string },
  after: { id: string; status: string; solved_at: Date | string | null; requester_email: string | null },
  now: Date,
): Promise<void> {
  if (after.status !== 'solved' || closedStatuses.includes(before.status)) return;
  if (!after.requester_email || after.solved_at === null) return;
  await enqueue(trx, ratingEmailJob, { ticketId: after.id, solvedAt: iso(after.solved_at) }, { runAt: now, now });
}

/** The rating a ticket carries: the latest one given (a ticket solved twice may be rated twice). */
export async function satisfactionOf(trx: Tx, ticketId: string) {
  const row = await trx
    .selectFrom('ticket_ratings')
    .select(['rating', 'comment', 'rated_at'])
    .where('ticket_id', '=', ticketId)
    .where('rating', 'is not', null)
    .orderBy('rated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.rating || !row.rated_at) return null;
  return { rating: row.rating as RatingValue, comment: row.comment, ratedAt: iso(row.rated_at) };
}

/** What the public page shows for a link. */
export type RatingPage =
  | { state: 'invalid' }
  | { state: 'expired' | 'reopened'; reference: string; subject: string }
  | {
      state: 'choose' | 'rated' | 'already_rated' | 'commented' | 'already_commented' | 'comment_invalid';
      reference: string;
      subject: string;
      rating: RatingValue | null;
      comment: string | null;
      error?: string;
    };

export interface Visitor {
  ip: string;
  requestId: string;
  userAgent: string | null;
}

/** No user is behind a customer's click: its audit rows have no actor. */
function customerContext(companyId: string, visitor: Visitor): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId,
      role: 'GUEST',
      name: 'Customer',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId: visitor.requestId,
    ip: visitor.ip,
    userAgent: visitor.userAgent,
  };
}

type LinkRow = NonNullable<Awaited<ReturnType<typeof findLink>>>;

function findLink(trx: Tx, hash: Buffer) {
  return trx
    .selectFrom('ticket_ratings as r')
    .innerJoin('tickets as t', (j) => j.onRef('t.company_id', '=', 'r.company_id').onRef('t.id', '=', 'r.ticket_id'))
    .selectAll('r')
    .select(['t.number', 't.subject', 't.status', 't.solved_at as ticket_solved_at', 't.assignee_id', 't.lead_id'])
    .where('r.token_hash', '=', hash)
    .forUpdate('r')
    .executeTakeFirst();
}

const shown = (link: LinkRow) => ({ reference: referenceOf(link.number), subject: link.subject });

/** Why a link that is not rated yet can no longer be used, or null when it can. */
function unusable(link: LinkRow, now: Date): 'expired' | 'reopened' | null {
  if (new Date(link.expires_at).getTime() <= now.getTime()) return 'expired';
  const sameSolve =
    link.ticket_solved_at !== null && new Date(link.ticket_solved_at).getTime() === new Date(link.solved_at).getTime();
  return sameSolve && closedStatuses.includes(link.status) ? null : 'reopened';
}

function answered(link: LinkRow, state: 'rated' | 'already_rated' | 'commented' | 'already_commented'): RatingPage {
  return { state, ...shown(link), rating: link.rating as RatingValue, comment: link.comment };
}

/**
 * A click on a link: with a rating, records it when the link is not rated yet (and says it was already rated
 * otherwise, changing nothing); without one, shows the choice. The assignee is told in the app.
 */
export async function openRatingLink(
  deps: Deps,
  token: string,
  rating: RatingValue | null,
  visitor: Visitor,
): Promise<RatingPage> {
  const read = readRatingToken(token);
  if (!read) return { state: 'invalid' };
  return withTenant(deps.db, read.companyId, async (trx) => {
    const link = await findLink(trx, read.hash);
    if (!link) return { state: 'invalid' };
    if (link.rating !== null) return answered(link, 'already_rated');
    const now = deps.clock.now();
    const refused = unusable(link, now);
    if (refused) return { state: refused, ...shown(link) };
    if (rating === null) return { state: 'choose', ...shown(link), rating: null, comment: null };
    await trx
      .updateTable('ticket_ratings')
      .set({ rating, rated_at: now })
      .where('id', '=', link.id)
      .where('rating', 'is', null)
      .execute();
    await recordAudit(trx, customerContext(read.companyId, visitor), {
      action: 'ticket.rated',
      entityType: 'ticket',
      entityId: link.ticket_id,
      before: null,
      after: { rating, ratingId: link.id, by: link.email_to },
      at: now,
    });
    if (link.assignee_id) {
      const assignee = await repo.activeUser(trx, link.assignee_id);
      if (assignee?.active) {
        await notify(trx, {
          companyId: read.companyId,
          userId: assignee.id,
          kind: 'ticket.rated',
          title: `Rated ${rating}: ${referenceOf(link.number)} ${link.subject}`,
          body: null,
          leadId: link.lead_id,
          now,
        });
      }
    }
    return { state: 'rated', ...shown(link), rating, comment: null };
  });
}

/** The customer's comment on a rated link, taken once. */
export async function commentOnRating(
  deps: Deps,
  token: string,
  comment: string,
  visitor: Visitor,
): Promise<RatingPage> {
  const read = readRatingToken(token);
  if (!read) return { state: 'invalid' };
  return withTenant(deps.db, read.companyId, async (trx) => {
    const link = await findLink(trx, read.hash);
    if (!link) return { state: 'invalid' };
    if (link.comment !== null) return answered(link, 'already_commented');
    const now = deps.clock.now();
    if (link.rating === null) {
      const refused = unusable(link, now);
      if (refused) return { state: refused, ...shown(link) };
      return { state: 'choose', ...shown(link), rating: null, comment: null };
    }
    if (new Date(link.expires_at).getTime() <= now.getTime()) return { state: 'expired', ...shown(link) };
    const text = comment.trim();
    if (!text || text.length > COMMENT_MAX) {
      return {
        state: 'comment_invalid',
        ...shown(link),
        rating: link.rating as RatingValue,
        comment: null,
        error: text ? `Please keep it under ${COMMENT_MAX} characters.` : 'Please write a comment first.',
      };
    }
    await trx
      .updateTable('ticket_ratings')
      .set({ comment: text, commented_at: now })
      .where('id', '=', link.id)
      .where('comment', 'is', null)
      .execute();
    await recordAudit(trx, customerContext(read.companyId, visitor), {
      action: 'ticket.rating_commented',
      entityType: 'ticket',
      entityId: link.ticket_id,
      before: null,
      after: { rating: link.rating, comment: text, ratingId: link.id },
      at: now,
    });
    return { state: 'commented', ...shown(link), rating: link.rating as RatingValue, comment: text };
  });
}
