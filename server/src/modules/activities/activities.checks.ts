import type { Tx } from '../../db/client.ts';
import type { Actor, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { leadVisibleToUser } from '../leads/index.ts';
import { can, type Role } from '../users/index.ts';
import * as repo from './activities.repository.ts';
import { type ActivityType, scheduledTypes } from './activities.schemas.ts';

/** How far from now a due time may be: a typo of a year is caught, a plan for next year is not. */
const MAX_DISTANCE_MS = 5 * 366 * 86_400_000;
/** A logged call or meeting "now" may carry the caller's clock, a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const path = (base: string | undefined, field: string) => (base ? `${base}.${field}` : field);

export function invalid(errors: FieldError[]): AppError {
  return new AppError('unprocessable', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
}

/** The fields each type may carry: a channel is a follow-up's, call details a logged call's. */
export function typeFieldErrors(
  type: ActivityType,
  fields: {
    channel?: string | null;
    direction?: string | null;
    callResult?: string | null;
    reminderMinutesBefore?: number | null;
  },
  base?: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.channel != null && type !== 'follow_up') {
    errors.push({ path: path(base, 'channel'), message: 'is for follow-ups only' });
  }
  for (const field of ['direction', 'callResult'] as const) {
    if (fields[field] != null && type !== 'call') {
      errors.push({ path: path(base, field), message: 'is for logged calls only' });
    }
  }
  if (fields.reminderMinutesBefore != null && !scheduledTypes.includes(type)) {
    errors.push({ path: path(base, 'reminderMinutesBefore'), message: 'is for follow-ups and meetings only' });
  }
  return errors;
}

/** A due time as an instant, refused when absurdly far from now (or in the future for something done). */
export function dueTimeErrors(due: Date, now: Date, done: boolean, base?: string): FieldError[] {
  const at = path(base, 'dueAt');
  if (Math.abs(due.getTime() - now.getTime()) > MAX_DISTANCE_MS) {
    return [{ path: at, message: 'must be within five years of now' }];
  }
  if (done && due.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    return [{ path: at, message: 'cannot be in the future for something that already happened' }];
  }
  return [];
}

/**
 * Who may be given an activity on a lead: an active user of the company who can see that lead (an activity
 * handed to someone who cannot open its lead could never be done, and its reminder would leak the lead).
 */
export async function checkAssignee(
  trx: Tx,
  ctx: RequestContext,
  leadId: string,
  assigneeId: string,
  at: string,
): Promise<{ id: string; name: string }> {
  if (assigneeId === ctx.actor.userId && !ctx.actor.apiKeyId) return { id: assigneeId, name: ctx.actor.name };
  const user = await repo.userForAssignment(trx, assigneeId);
  if (!user?.active) throw invalid([{ path: at, message: 'is not an active user of this company' }]);
  const actor: Actor = {
    userId: user.id,
    companyId: ctx.actor.companyId,
    role: user.role as Role,
    name: user.name,
    email: user.email,
    managerId: user.manager_id,
    sessionId: null,
    apiKeyId: null,
  };
  const sees = can(actor.role, 'activities:read') && (await leadVisibleToUser(trx, leadId, actor));
  if (!sees) throw invalid([{ path: at, message: `names ${user.name}, who cannot see this lead` }]);
  return { id: user.id, name: user.name };
}

const channelTitles: Record<string, string> = {
  call: 'Call',
  meeting: 'Meet',
  demo: 'Demo for',
  site_visit: 'Site visit to',
  email: 'Email',
  whatsapp: 'WhatsApp',
  other: 'Follow up with',
};

/** A title when none is given, in the words a salesperson would use. */
export function defaultTitle(
  type: ActivityType,
  leadName: string,
  fields: { channel?: string | null; direction?: string | null },
): string {
  const name = leadName.slice(0, 150);
  switch (type) {
    case 'follow_up':
      return `${channelTitles[fields.channel ?? 'call'] ?? 'Follow up with'} ${name}`;
    case 'call':
      return fields.direction === 'in' ? `Call from ${name}` : `Call with ${name}`;
    case 'meeting':
      return `Meeting with ${name}`;
    case 'note':
      return `Note on ${name}`;
  }
}
