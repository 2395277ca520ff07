import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Channel } from '../assignment/assignment.engine.ts';
import { can } from '../users/roles.ts';
import { type DuplicateMatch, type DuplicateProbe, findDuplicates } from './duplicates.match.ts';
import { type DuplicateSettings, type PolicyChannel, policyChannelOf } from './duplicates.settings.ts';

export const onDuplicateValues = ['create', 'skip', 'merge'] as const;
/** What a caller asks for when its lead matches an existing one, overriding the company's policy. */
export type OnDuplicate = (typeof onDuplicateValues)[number];

/** What a create does about the leads it matches. */
export type DuplicateDecision =
  /** Create it. `shown`: the matches to tell the caller about; `found`: every match, to flag for review. */
  | { action: 'create'; shown: DuplicateMatch[]; found: DuplicateMatch[]; channel: PolicyChannel; policy: string }
  /** Create nothing; `target` is the best match the caller may see (null when it may see none). */
  | { action: 'skip'; target: DuplicateMatch | null; shown: DuplicateMatch[] }
  /** Fill the empty fields of `target` (the best visible match) with the incoming values. */
  | { action: 'merge'; target: DuplicateMatch; shown: DuplicateMatch[] };

const MATCHES = 10;

/**
 * Applies the company's policy for the channel (or the caller's `onDuplicate`) to a lead about to be created.
 * A block is a 409 listing the matches the caller may see, and only that a duplicate exists when it may see
 * none; `create` past a block needs duplicates:override; `merge` needs leads:write and a match it may see.
 */
export async function decideOnCreate(
  trx: Tx,
  ctx: RequestContext,
  settings: DuplicateSettings,
  input: { channel: Channel; probe: DuplicateProbe; onDuplicate?: OnDuplicate | undefined },
): Promise<DuplicateDecision> {
  const { onDuplicate } = input;
  if (onDuplicate === 'merge' && !can(ctx.actor.role, 'leads:write')) {
    throw new AppError(
      'forbidden',
      'Merging into an existing lead (onDuplicate=merge) needs the permission leads:write',
    );
  }
  const channel = policyChannelOf(input.channel, ctx.actor);
  const policy = settings.policies[channel];
  const found = await findDuplicates(trx, settings, input.probe, { limit: MATCHES });
  if (found.length === 0) return { action: 'create', shown: [], found, channel, policy };
  const visible = await findDuplicates(trx, settings, input.probe, { limit: MATCHES, visibleTo: ctx.actor });

  if (onDuplicate === 'skip') return { action: 'skip', target: visible[0] ?? null, shown: visible };
  if (onDuplicate === 'merge') {
    const target = visible[0];
    if (!target) throw duplicateError([], 'so there is no lead of yours to merge into');
    return { action: 'merge', target, shown: visible };
  }
  if (policy === 'block') {
    if (onDuplicate !== 'create') throw duplicateError(visible);
    if (!can(ctx.actor.role, 'duplicates:override')) {
      throw new AppError(
        'forbidden',
        'Creating a lead the duplicate policy blocks (onDuplicate=create) needs the permission duplicates:override',
      );
    }
  }
  const shown = policy === 'allow' && onDuplicate !== 'create' ? [] : visible;
  return { action: 'create', shown, found, channel, policy };
}

/** The 409: the matches the caller may see (id, name, keys), or only that one exists. */
export function duplicateError(visible: DuplicateMatch[], why = ''): AppError {
  const detail =
    visible.length > 0
      ? `This lead matches ${visible.length === 1 ? 'an existing lead' : `${visible.length} existing leads`}: ${visible
          .map((m) => `${m.name} (${m.matchedOn.join(', ')})`)
          .join('; ')}`
      : `A lead with the same email, phone or name already exists, one you may not see${why ? `, ${why}` : ''}`;
  return new AppError('duplicate_lead', detail, {
    extra: { duplicates: visible.map((m) => ({ id: m.id, name: m.name, matchedOn: m.matchedOn })) },
  });
}
