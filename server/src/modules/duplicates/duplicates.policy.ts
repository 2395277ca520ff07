import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Channel } from '../assignment/index.ts';
import { can } from '../users/index.ts';
import { type DuplicateMatch, type DuplicateProbe, findDuplicatesMany } from './duplicates.match.ts';
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
 * Applies the company's policy for the channel (or the caller's `onDuplicate`) to a batch of leads about to be
 * created, each decided on its own, in the probes' order, with two lookups for the whole batch (every match, then
 * the ones the caller may see, for the probes that have any). A refusal is that item's AppError: a block is a
 * 409 listing the matches the caller may see, and only that a duplicate exists when it may see none; `create`
 * past a block needs duplicates:override; `merge` needs leads:write and a match it may see.
 */
export async function decideOnCreateMany(
  trx: Tx,
  ctx: RequestContext,
  settings: DuplicateSettings,
  input: { channel: Channel; probes: DuplicateProbe[]; onDuplicate?: OnDuplicate | undefined },
): Promise<(DuplicateDecision | AppError)[]> {
  const { onDuplicate, probes } = input;
  if (onDuplicate === 'merge' && !can(ctx.actor.role, 'leads:write')) {
    const refused = new AppError(
      'forbidden',
      'Merging into an existing lead (onDuplicate=merge) needs the permission leads:write',
    );
    return probes.map(() => refused);
  }
  const channel = policyChannelOf(input.channel, ctx.actor);
  const policy = settings.policies[channel];
  const found = await findDuplicatesMany(trx, settings, probes, { limit: MATCHES, fuzzyNames: true });
  const matching = probes.flatMap((probe, i) => ((found[i]?.length ?? 0) > 0 ? [{ probe, i }] : []));
  const seen = await findDuplicatesMany(
    trx,
    settings,
    matching.map((m) => m.probe),
    { limit: MATCHES, fuzzyNames: true, visibleTo: ctx.actor },
  );
  const visibleOf = new Map(matching.map((m, j) => [m.i, seen[j] ?? []]));
  return probes.map((_, i) => {
    const all = found[i] ?? [];
    if (all.length === 0) return { action: 'create', shown: [], found: all, channel, policy };
    const visible = visibleOf.get(i) ?? [];
    if (onDuplicate === 'skip') return { action: 'skip', target: visible[0] ?? null, shown: visible };
    if (onDuplicate === 'merge') {
      const target = visible[0];
      if (!target) return duplicateError([], 'so there is no lead of yours to merge into');
      return { action: 'merge', target, shown: visible };
    }
    if (policy === 'block') {
      if (onDuplicate !== 'create') return duplicateError(visible);
      if (!can(ctx.actor.role, 'duplicates:override')) {
        return new AppError(
          'forbidden',
          'Creating a lead the duplicate policy blocks (onDuplicate=create) needs the permission duplicates:override',
        );
      }
    }
    const shown = policy === 'allow' && onDuplicate !== 'create' ? [] : visible;
    return { action: 'create', shown, found: all, channel, policy };
  });
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
