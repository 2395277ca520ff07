import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { notify } from '../notifications/index.ts';
import { conditionHolds } from './assignment.conditions.ts';
import { assessCandidates } from './assignment.eligibility.ts';
import { slaJob } from './assignment.jobs.ts';
import * as repo from './assignment.repository.ts';
import type { ConditionInput } from './assignment.schemas.ts';
import { pick, strategyLabels } from './assignment.strategies.ts';

/** Where a lead came in: rules run for every channel unless the caller assigns explicitly. */
export type Channel = 'ui' | 'api' | 'bulk' | 'web_form' | 'import' | 'integration' | 'system';

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

/** A rule as the engine evaluates it: a stored one, or a draft being previewed (id null). */
export interface EvaluatedRule {
  id: string | null;
  name: string;
  is_default: boolean;
  conditions: unknown;
  strategy: string;
  user_ids: string[];
  weights: number[];
  sla_minutes: number | null;
  state: unknown;
}

export interface RuleEvaluation {
  ruleId: string | null;
  ruleName: string;
  isDefault: boolean;
  matched: boolean;
  conditions: { index: number; matched: boolean }[];
}

/** Which conditions of a rule hold for a lead; a rule matches when all do (the default matches everything). */
export function evaluateRule(rule: EvaluatedRule, lead: Record<string, unknown>): RuleEvaluation {
  const conditions = ((rule.conditions ?? []) as ConditionInput[]).map((c, index) => ({
    index,
    matched: conditionHolds(c, lead),
  }));
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    isDefault: rule.is_default,
    matched: rule.is_default || conditions.every((c) => c.matched),
    conditions,
  };
}

interface Attempt {
  rule: EvaluatedRule;
  ownerId: string | null;
  ownerName: string | null;
  candidates: Candidate[];
  because: string;
}

/**
 * Picks among one rule's candidates. For real (not a preview) the rule row is locked first, so concurrent
 * leads queue on it: each sees the rotation state and the open-lead counts the previous one left.
 */
export async function tryRule(
  trx: Tx,
  rule: EvaluatedRule,
  now: Date,
  options: { preview: boolean; exclude?: ReadonlySet<string> },
): Promise<Attempt> {
  let current = rule;
  if (!options.preview && rule.id) {
    const locked = await repo.findRule(trx, rule.id, { lock: true });
    if (locked) current = { ...locked, id: locked.id };
  }
  const assessed = await assessCandidates(trx, current.user_ids, now);
  const result = pick(current, assessed, options.exclude ?? new Set());
  if (!options.preview && current.id && result.state) await repo.saveRuleState(trx, current.id, result.state);
  return {
    rule: current,
    ownerId: result.chosen?.userId ?? null,
    ownerName: result.chosen?.name ?? null,
    candidates: result.candidates,
    because: result.because,
  };
}

/**
 * Runs the rules for a lead: the first active rule whose conditions all hold; when it has no eligible
 * candidate (or none matched), the default rule. Returns the decision and each rule evaluated, for the preview.
 */
export async function decide(
  trx: Tx,
  lead: Record<string, unknown>,
  now: Date,
  options: { preview: boolean },
): Promise<{ decision: RoutingDecision & { ownerName: string | null }; evaluated: RuleEvaluation[] }> {
  const rules = await repo.listRules(trx, { activeOnly: true });
  const evaluated: RuleEvaluation[] = [];
  let matched: EvaluatedRule | null = null;
  for (const rule of rules.filter((r) => !r.is_default)) {
    const evaluation = evaluateRule(rule, lead);
    evaluated.push(evaluation);
    if (evaluation.matched) {
      matched = rule;
      break;
    }
  }
  const fallback = rules.find((r) => r.is_default) ?? null;
  if (fallback) evaluated.push(evaluateRule(fallback, lead));
  return { decision: await decideAmong(trx, matched, fallback, now, options), evaluated };
}

/** The matched rule first, then the default; the why names both when the first had nobody. */
export async function decideAmong(
  trx: Tx,
  matched: EvaluatedRule | null,
  fallback: EvaluatedRule | null,
  now: Date,
  options: { preview: boolean },
): Promise<RoutingDecision & { ownerName: string | null }> {
  const trail = new RoutingTrail(matched, fallback);
  for (const rule of trail.turns) {
    const attempt = await tryRule(trx, rule, now, options);
    const chosen = attempt.ownerId
      ? { userId: attempt.ownerId, name: attempt.ownerName, because: attempt.because }
      : null;
    const decision = trail.turn(rule, attempt.candidates, chosen);
    if (decision) return { ...decision, ownerName: attempt.ownerName };
  }
  return { ...trail.unassigned(), ownerName: null };
}

type TriedRule = Pick<EvaluatedRule, 'id' | 'name' | 'is_default' | 'strategy' | 'sla_minutes'>;

/**
 * A routing decision built as rules take their turn (the matched rule, then the default), with the why naming
 * each. Shared by the engine (one lead, rules tried against the database) and the import's chunk router (in memory).
 */
export class RoutingTrail<R extends TriedRule> {
  /** The rules to try, in order: the matched one, then the default unless it is the same rule. */
  readonly turns: R[] = [];
  private readonly matched: R | null;
  private readonly notes: string[] = [];
  private readonly candidates: Candidate[] = [];

  constructor(matched: R | null, fallback: R | null) {
    this.matched = matched;
    for (const rule of [matched, fallback]) {
      const last = this.turns.at(-1);
      if (rule && !(last && rule.id === last.id)) this.turns.push(rule);
    }
  }

  /** One rule's turn: the decision when it chose an owner, else null (and the why notes it had nobody). */
  turn(
    rule: R,
    candidates: Candidate[],
    chosen: { userId: string; name: string | null; because: string } | null,
  ): RoutingDecision | null {
    this.candidates.push(...candidates);
    const label = rule.is_default ? `the default rule "${rule.name}"` : `rule "${rule.name}"`;
    const lead =
      this.notes.length > 0
        ? `Then ${label}`
        : rule === this.matched
          ? `Matched ${label}`
          : `No rule matched; ${label}`;
    if (!chosen) {
      this.notes.push(`${lead} had no eligible candidate`);
      return null;
    }
    this.notes.push(
      `${lead} chose ${chosen.name} by ${strategyLabels[rule.strategy] ?? rule.strategy} (${chosen.because})`,
    );
    return {
      ownerId: chosen.userId,
      reason: 'rule',
      ruleId: rule.id,
      ruleName: rule.name,
      strategy: rule.strategy,
      slaMinutes: rule.sla_minutes,
      candidates: this.candidates,
      detail: this.notes.join('. '),
    };
  }

  /** The decision when no rule's turn chose an owner. */
  unassigned(): RoutingDecision {
    const last = this.turns.at(-1) ?? null;
    if (!last) this.notes.push('No assignment rule matched and there is no default rule');
    return {
      ownerId: null,
      reason: 'unassigned',
      ruleId: last?.id ?? null,
      ruleName: last?.name ?? null,
      strategy: last?.strategy ?? null,
      slaMinutes: null,
      candidates: this.candidates,
      detail: `${this.notes.join('. ')}: the lead is unassigned`,
    };
  }
}

/**
 * Picks an owner for a new lead by the company's rules: the first active rule whose conditions match, else
 * the default rule. `lead` holds the lead's fields in API terms (name, companyName, source, customFields, ...).
 */
export async function routeLead(
  trx: Tx,
  _deps: Deps,
  lead: Record<string, unknown>,
  now: Date,
): Promise<RoutingDecision> {
  const { decision } = await decide(trx, lead, now, { preview: false });
  const { ownerName: _, ...stored } = decision;
  return stored;
}

/**
 * Records a decision on the lead (the why). When a rule with a response SLA gave the lead an owner, its check
 * is enqueued in the same transaction, and a rule's new owner hears of the lead.
 */
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
  const { decision, now } = input;
  const slaDue =
    decision.ownerId && decision.slaMinutes ? new Date(now.getTime() + decision.slaMinutes * 60_000) : null;
  await trx
    .insertInto('lead_assignments')
    .values({
      company_id: input.companyId,
      id,
      lead_id: input.leadId,
      at: now,
      by_user_id: input.byUserId,
      channel: input.channel,
      reason: decision.reason,
      rule_id: decision.ruleId,
      rule_name: decision.ruleName,
      strategy: decision.strategy,
      owner_id: decision.ownerId,
      previous_owner_id: input.previousOwnerId,
      sla_due_at: slaDue,
      candidates: JSON.stringify(decision.candidates),
      detail: decision.detail,
    })
    .execute();
  if (slaDue) {
    await enqueue(trx, slaJob, { leadId: input.leadId, assignmentId: id }, { runAt: slaDue, now });
  }
  const handedOver = decision.ownerId !== null && decision.ownerId !== input.previousOwnerId;
  if (handedOver && (decision.reason === 'rule' || decision.reason === 'sla')) {
    const lead = await trx.selectFrom('leads').select('name').where('id', '=', input.leadId).executeTakeFirst();
    await notify(trx, {
      companyId: input.companyId,
      userId: decision.ownerId as string,
      ...assignedNotice(decision, lead?.name ?? 'a lead', slaDue !== null),
      leadId: input.leadId,
      now,
    });
  }
  return id;
}

/** What a rule's new owner is told of one lead. */
function assignedNotice(decision: RoutingDecision, leadName: string, hasSla: boolean) {
  const how =
    decision.reason === 'sla'
      ? `Reassigned to you by rule "${decision.ruleName}": the previous owner missed the response SLA.`
      : `Assigned to you by rule "${decision.ruleName}".`;
  return {
    kind: 'lead.assigned',
    title: `${decision.reason === 'sla' ? 'Lead reassigned to you' : 'New lead'}: ${leadName}`,
    body: hasSla ? `${how} Respond within ${decision.slaMinutes} minutes.` : how,
  };
}

/** A new lead the rules gave an owner, for the owners' notices of a batch. */
export interface RuledLead {
  leadId: string;
  name: string;
  decision: RoutingDecision;
}

/**
 * Tells each owner the rules gave new leads, once per owner for the whole batch: one lead as recordAssignment
 * tells it (its name, the rule, the SLA), several as one notice counting them ("12 new leads assigned to you").
 */
export async function notifyNewOwners(trx: Tx, companyId: string, leads: RuledLead[], now: Date): Promise<void> {
  const byOwner = new Map<string, RuledLead[]>();
  for (const lead of leads) {
    const owner = lead.decision.ownerId;
    if (!owner || lead.decision.reason !== 'rule') continue;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), lead]);
  }
  for (const [userId, given] of byOwner) {
    const [first] = given;
    if (!first) continue;
    if (given.length === 1) {
      const notice = assignedNotice(first.decision, first.name, Boolean(first.decision.slaMinutes));
      await notify(trx, { companyId, userId, ...notice, leadId: first.leadId, now });
      continue;
    }
    const rules = [...new Set(given.map((l) => l.decision.ruleName))];
    const sla = Math.min(...given.map((l) => l.decision.slaMinutes ?? Number.POSITIVE_INFINITY));
    const names = given.slice(0, 3).map((l) => l.name);
    const how = rules.length === 1 ? `by rule "${rules[0]}"` : 'by the assignment rules';
    const more = given.length > names.length ? ` and ${given.length - names.length} more` : '';
    await notify(trx, {
      companyId,
      userId,
      kind: 'lead.assigned',
      title: `${given.length} new leads assigned to you`,
      body: `${names.join(', ')}${more}, ${how}.${Number.isFinite(sla) ? ` Respond within ${sla} minutes.` : ''}`,
      now,
    });
  }
}
