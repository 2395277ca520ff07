import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { findLead } from '../leads/index.ts';
import { notify } from '../notifications/index.ts';
import {
  type DuplicateMatch,
  findDuplicates,
  loadDuplicateSettings,
  type MatchKey,
  matchConfidence,
} from './duplicates.match.ts';
import * as repo from './duplicates.repository.ts';

/** The job settleCreated queues: the lead's matches as they are now, into the review queue. */
export async function runFlagJob(
  trx: Tx,
  deps: Deps,
  job: Job<{ leadId: string; notifyOwner: boolean }>,
): Promise<void> {
  const lead = await findLead(trx, job.payload.leadId);
  if (!lead) return;
  const settings = await loadDuplicateSettings(trx);
  const matches = await findDuplicates(
    trx,
    settings,
    { emails: lead.emails, phones: lead.phones, name: lead.name, companyName: lead.company_name },
    { excludeIds: [lead.id] },
  );
  const now = deps.clock.now();
  await flagDuplicates(trx, { companyId: job.companyId, leadId: lead.id, matches, now });
  if (job.payload.notifyOwner) {
    await notifyPossibleDuplicate(trx, {
      companyId: job.companyId,
      ownerId: lead.owner_id,
      leadId: lead.id,
      leadName: lead.name,
      matches,
      now,
    });
  }
}

const KEY_ORDER: MatchKey[] = ['email', 'phone', 'name'];
const keysOf = (sets: MatchKey[][]) => KEY_ORDER.filter((k) => sets.some((s) => s.includes(k)));

/**
 * A lead created although it matches others goes to the review queue at once: into the open group that
 * already holds one of its matches, or a new group of it and its matches. Confidence is the weakest link.
 */
export async function flagDuplicates(
  trx: Tx,
  input: { companyId: string; leadId: string; matches: FlaggedMatch[]; now: Date },
): Promise<string | null> {
  const { companyId, leadId, matches, now } = input;
  if (matches.length === 0) return null;
  await repo.lockQueue(trx, companyId);
  const members: repo.GroupMember[] = [
    { leadId, matchedOn: keysOf(matches.map((m) => m.matchedOn)) },
    ...matches.map((m) => ({ leadId: m.id, matchedOn: m.matchedOn })),
  ];
  const confidence = Math.min(...matches.map(confidenceOf));
  const matchedOn = keysOf(matches.map((m) => m.matchedOn));
  const ids = new Set(matches.map((m) => m.id));
  const [joined] = (await repo.openGroups(trx, [...ids])).sort(
    (a, b) => overlap(b.members, ids) - overlap(a.members, ids) || a.id.localeCompare(b.id),
  );
  if (!joined) {
    const id = newId();
    await repo.insertGroup(trx, { companyId, id, confidence, matchedOn, origin: 'create', members, now });
    return id;
  }
  await repo.replaceGroup(
    trx,
    companyId,
    {
      id: joined.id,
      confidence: Math.min(joined.confidence, confidence),
      matchedOn: keysOf([joined.matchedOn, matchedOn]),
      members: mergeMembers(joined.members, members),
    },
    now,
  );
  return joined.id;
}

/** A match as an import stored it (before confidences were kept, or a twin within the file): no confidence. */
type FlaggedMatch = Omit<DuplicateMatch, 'confidence'> & { confidence?: number };

/** Without a stored confidence, only what is known counts: the name's similarity when the name alone matched. */
function confidenceOf(m: FlaggedMatch): number {
  return m.confidence ?? matchConfidence(m.matchedOn, m.matchedOn.length === 1 ? m.score : null);
}

function overlap(members: repo.GroupMember[], ids: Set<string>): number {
  return members.filter((m) => ids.has(m.leadId)).length;
}

function mergeMembers(current: repo.GroupMember[], added: repo.GroupMember[]): repo.GroupMember[] {
  const byLead = new Map(current.map((m) => [m.leadId, m.matchedOn]));
  for (const m of added) byLead.set(m.leadId, keysOf([byLead.get(m.leadId) ?? [], m.matchedOn]));
  return [...byLead].map(([leadId, matchedOn]) => ({ leadId, matchedOn }));
}

/** A web form has nobody to warn while it is filled in: its `warn` policy tells the new lead's owner instead. */
export async function notifyPossibleDuplicate(
  trx: Tx,
  input: {
    companyId: string;
    ownerId: string | null;
    leadId: string;
    leadName: string;
    matches: DuplicateMatch[];
    now: Date;
  },
): Promise<void> {
  if (!input.ownerId || input.matches.length === 0) return;
  // Not the matches' names: the owner may not be allowed to see those leads.
  const n = input.matches.length;
  const keys = keysOf(input.matches.map((m) => m.matchedOn)).join(', ');
  await notify(trx, {
    companyId: input.companyId,
    userId: input.ownerId,
    kind: 'duplicate_suspected',
    title: `${input.leadName} may be a duplicate`,
    body: `It came in through a web form and matches ${n === 1 ? 'an existing lead' : `${n} existing leads`} (${keys}); it is in the duplicates review queue.`,
    leadId: input.leadId,
    now: input.now,
  });
}
