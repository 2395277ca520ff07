import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type Assessed, assessCandidates } from './assignment.eligibility.ts';
import { evaluateRule, type RoutingDecision, RoutingTrail } from './assignment.engine.ts';
import * as repo from './assignment.repository.ts';
import { pick } from './assignment.strategies.ts';
import { localTime } from './local-time.ts';

type Rule = repo.RuleRow;

/** A lead to route: its fields in API terms (name, source, customFields, ...), and whether its stage is open. */
export interface LeadToRoute {
  values: Record<string, unknown>;
  open: boolean;
}

interface Caps {
  daily: number | null;
  open: number | null;
}

/**
 * Routes a batch of new leads by the company's rules, as the engine routes one lead (routeLead): per lead the
 * first active rule whose conditions hold, then the default; the same strategies, rotation state and
 * eligibility. The rules the batch may use are locked once, in id order (concurrent batches queue on them and
 * never deadlock one another), and their candidates assessed once; then each lead is routed in memory, its
 * pick moving the rotation, the owner's open leads and day count, so a cap reached part-way through the batch
 * holds for the rest of it. The rotation state is saved once at the end. Decisions come in the leads' order.
 */
export async function routeMany(trx: Tx, leads: LeadToRoute[], now: Date): Promise<RoutingDecision[]> {
  if (leads.length === 0) return [];
  const listed = await repo.listRules(trx, { activeOnly: true });
  const needed = new Set<string>();
  const fallbackId = listed.find((r) => r.is_default)?.id;
  if (fallbackId) needed.add(fallbackId);
  for (const lead of leads) {
    const matched = listed.find((r) => !r.is_default && evaluateRule(r, lead.values).matched);
    if (matched) needed.add(matched.id);
  }
  if (needed.size === 0) return leads.map(() => new RoutingTrail<Rule>(null, null).unassigned());
  // Locked, then read again: the state each pick starts from is the one the previous holder of the lock left.
  const ids = [...needed].sort();
  await sql`SELECT id FROM assignment_rules WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`.execute(trx);
  const fresh = new Map((await repo.listRules(trx, { activeOnly: true })).map((r) => [r.id, r]));
  const rules = listed.map((r) => fresh.get(r.id)).filter((r): r is Rule => r !== undefined && needed.has(r.id));
  const router = await BatchRouter.load(trx, rules, now, leads.length > 1);
  const decisions = leads.map((lead) => router.route(lead.values, lead.open));
  await router.save(trx);
  return decisions;
}

class BatchRouter {
  private readonly states = new Map<string, Record<string, unknown>>();

  private readonly rules: Rule[];
  private readonly assessed: Map<string, Assessed>;
  /** Caps and today's count per candidate; empty for a batch of one, where no later lead can feel them. */
  private readonly caps: Map<string, Caps>;
  private readonly today: Map<string, number>;

  private constructor(
    rules: Rule[],
    assessed: Map<string, Assessed>,
    caps: Map<string, Caps>,
    today: Map<string, number>,
  ) {
    this.rules = rules;
    this.assessed = assessed;
    this.caps = caps;
    this.today = today;
  }

  static async load(trx: Tx, rules: Rule[], now: Date, tracksCaps: boolean): Promise<BatchRouter> {
    const ids = [...new Set(rules.flatMap((r) => r.user_ids))];
    const assessed = await assessCandidates(trx, ids, now);
    if (!tracksCaps) return new BatchRouter(rules, assessed, new Map(), new Map());
    const [settings, zone] = await Promise.all([repo.availabilityOf(trx, ids), repo.companyTimezone(trx)]);
    const caps = new Map(settings.map((s) => [s.user_id, { daily: s.daily_cap, open: s.open_cap }]));
    const capped = settings.filter((s) => s.daily_cap !== null);
    const today = await repo.assignmentsSince(
      trx,
      capped.map((s) => ({ userId: s.user_id, from: localTime(now, s.timezone ?? zone).dayStart })),
      now,
    );
    return new BatchRouter(rules, assessed, caps, today);
  }

  route(lead: Record<string, unknown>, open: boolean): RoutingDecision {
    const fallback = this.rules.find((r) => r.is_default) ?? null;
    const matched = this.rules.find((r) => !r.is_default && evaluateRule(r, lead).matched) ?? null;
    const trail = new RoutingTrail(matched, fallback);
    for (const rule of trail.turns) {
      const result = pick({ ...rule, state: this.states.get(rule.id) ?? rule.state }, this.assessed, new Set());
      const chosen = result.chosen ? { ...result.chosen, because: result.because } : null;
      const decision = trail.turn(rule, result.candidates, chosen);
      if (decision && result.chosen) {
        if (result.state) this.states.set(rule.id, result.state);
        this.took(result.chosen.userId, open);
        return decision;
      }
    }
    return trail.unassigned();
  }

  /** One more lead for a user: its load and day count move, and a cap it reaches makes it ineligible. */
  private took(userId: string, open: boolean): void {
    const current = this.assessed.get(userId);
    if (!current) return;
    const openLeads = current.openLeads + (open ? 1 : 0);
    const day = (this.today.get(userId) ?? 0) + 1;
    this.today.set(userId, day);
    const cap = this.caps.get(userId);
    let ineligible = current.ineligible;
    if (!ineligible && cap?.daily != null && day >= cap.daily) ineligible = `daily cap ${cap.daily} reached`;
    else if (!ineligible && cap?.open != null && openLeads >= cap.open)
      ineligible = `open-lead cap ${cap.open} reached`;
    this.assessed.set(userId, { ...current, openLeads, ineligible });
  }

  /** Saves the rotation state the batch's picks left (the rules are still locked). */
  async save(trx: Tx): Promise<void> {
    for (const [id, state] of this.states) await repo.saveRuleState(trx, id, state);
  }
}
