import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { type FieldAccess, findVisibleLead, type LeadColumns, type LeadRow, toLead } from '../leads/index.ts';

import { fillFromIncoming } from './duplicates.fill.ts';
import type { flagJob } from './duplicates.jobs.ts';
import type { DuplicateMatch } from './duplicates.match.ts';
import type { DuplicateDecision } from './duplicates.policy.ts';

/** What a create came to: a new lead, nothing (skipped: the existing lead when the caller may see it), or a merge. */
export interface CreateOutcome {
  status: 'created' | 'skipped' | 'merged';
  row: LeadRow | null;
  /** The matches the caller is told about (a warning, or what it was skipped or merged for). */
  duplicates: DuplicateMatch[];
}

/** The end of a create that a duplicate turned into a skip or a merge: no new lead. */
export async function settleWithoutCreating(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  decision: Extract<DuplicateDecision, { action: 'skip' | 'merge' }>,
  incoming: LeadColumns,
  channel: string,
): Promise<CreateOutcome> {
  if (decision.action === 'skip') {
    const row = decision.target ? ((await findVisibleLead(trx, ctx.actor, decision.target.id)) ?? null) : null;
    return { status: 'skipped', row, duplicates: decision.shown };
  }
  const row = await fillFromIncoming(trx, deps, ctx, decision.target.id, incoming, channel);
  return { status: 'merged', row, duplicates: decision.shown };
}

/**
 * A lead created although it matches others goes to the review queue, by a job right after the create commits:
 * the queue has one writer at a time, and a create (which may hold the assignment rules' rows) never waits
 * for it (its payload here; the create queues it). A web form's `warn` tells the new lead's owner as well. Null
 * when it matches nothing.
 */
export function flagPayloadOf(
  decision: Extract<DuplicateDecision, { action: 'create' }>,
  leadId: string,
): Static<typeof flagJob.payload> | null {
  if (decision.found.length === 0) return null;
  return { leadId, notifyOwner: decision.channel === 'web_form' && decision.policy === 'warn' };
}

/** The answer to a create: 201 with the new lead (and the matches it was warned about); 200 when skipped or merged. */
export interface CreateAnswer {
  status: 201 | 200;
  body: { id: string | null; [field: string]: unknown };
}

export function createAnswer(outcome: CreateOutcome, access: FieldAccess): CreateAnswer {
  const duplicates = outcome.duplicates.map(({ id, name, matchedOn, score, confidence }) => ({
    id,
    name,
    matchedOn,
    score,
    confidence,
  }));
  if (outcome.status === 'created' && outcome.row) {
    return { status: 201, body: { ...toLead(outcome.row, access), ...(duplicates.length > 0 ? { duplicates } : {}) } };
  }
  return {
    status: 200,
    body: {
      status: outcome.status,
      id: outcome.row?.id ?? null,
      ...(outcome.row ? { lead: toLead(outcome.row, access) } : {}),
      duplicates,
    },
  };
}
