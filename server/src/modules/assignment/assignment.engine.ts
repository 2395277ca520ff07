import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';

/** Where a lead came in: rules run for every channel unless the caller assigns explicitly. */
export type Channel = 'ui' | 'api' | 'bulk' | 'web_form' | 'import' | 'integration';

/** One user a rule considered, and why it was skipped (or that it was chosen). */
export interface Candidate {
  userId: string;
  name: string;
  chosen: boolean;
  skipped: string | null;
}

/** The outcome of routing a lead: who owns it and why. Stored as a lead_assignments row. */
export interface RoutingDecision {
  ownerId: string | null;
  reason: 'rule' | 'manual' | 'sla' | 'unassigned';
  ruleId: string | null;
  ruleName: string | null;
  strategy: string | null;
  slaMinutes: number | null;
  candidates: Candidate[];
  detail: string;
}

/**
 * Picks an owner for a new lead by the company's rules: the first active rule whose conditions match, else
 * the default rule. `lead` holds the lead's fields in API terms (name, companyName, source, customFields, ...).
 */
export async function routeLead(
  _trx: Tx,
  _deps: Deps,
  _lead: Record<string, unknown>,
  _now: Date,
): Promise<RoutingDecision> {
  return {
    ownerId: null,
    reason: 'unassigned',
    ruleId: null,
    ruleName: null,
    strategy: null,
    slaMinutes: null,
    candidates: [],
    detail: 'No assignment rule matched',
  };
}

/** Records a decision on the lead (the why), and schedules its response-SLA check when the rule has one. */
export async function recordAssignment(
  trx: Tx,
  _deps: Deps,
  input: {
    companyId: string;
    leadId: string;
    byUserId: string | null;
    channel: Channel;
    previousOwnerId: string | null;
    decision: RoutingDecision;
    now: Date;
  },
): Promise<string> {
  const id = newId();
  const { decision } = input;
  await trx
    .insertInto('lead_assignments')
    .values({
      company_id: input.companyId,
      id,
      lead_id: input.leadId,
      at: input.now,
      by_user_id: input.byUserId,
      channel: input.channel,
      reason: decision.reason,
      rule_id: decision.ruleId,
      rule_name: decision.ruleName,
      strategy: decision.strategy,
      owner_id: decision.ownerId,
      previous_owner_id: input.previousOwnerId,
      sla_due_at: decision.slaMinutes ? new Date(input.now.getTime() + decision.slaMinutes * 60_000) : null,
      candidates: JSON.stringify(decision.candidates),
      detail: decision.detail,
    })
    .execute();
  return id;
}
