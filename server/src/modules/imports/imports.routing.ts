import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Assessed } from '../assignment/assignment.eligibility.ts';
import { assessCandidates } from '../assignment/assignment.eligibility.ts';
import { evaluateRule, type RoutingDecision, RoutingTrail } from '../assignment/assignment.engine.ts';
import * as rulesRepo from '../assignment/assignment.repository.ts';
import { pick } from '../assignment/assignment.strategies.ts';
import { localTime } from '../assignment/local-time.ts';

type Rule = rulesRepo.RuleRow;

/**
 * The assignment rules for a whole chunk of imported leads: the rules and their candidates are read (and the
 * rules locked) once, then each lead is routed in memory exactly as the engine routes one lead: first matching
 * rule, then the default; the same strategies, rotation state and eligibility; loads, daily counts and caps move
 * with every lead given. The rotation state is saved once at the end.
 */
export class ChunkRouter {
  private readonly rules: Rule[];
  private readonly assessed: Map<string, Assessed>;
  private readonly caps: Map<string, { daily: number | null; open: number | null }>;
  private readonly today: Map<string, number>;
  private readonly states = new Map<string, Record<string, unknown>>();
  /** Leads each user got from a rule in this chunk, for the one notification per owner at the end. */
  readonly given = new Map<string, number>();

  private constructor(
    rules: Rule[],
    assessed: Map<string, Assessed>,
    caps: Map<string, { daily: number | null; open: number | null }>,
    today: Map<string, number>,
  ) {
    this.rules = rules;
    this.assessed = assessed;
    this.caps = caps;
    this.today = today;
  }

  static async load(trx: Tx, now: Date): Promise<ChunkRouter> {
    // Concurrent creates route through the same rules: lock them for the chunk, as the engine does per lead.
    await sql`SELECT id FROM assignment_rules WHERE active ORDER BY id FOR UPDATE`.execute(trx);
    const rules = await rulesRepo.listRules(trx, { activeOnly: true });
    const ids = [...new Set(rules.flatMap((r) => r.user_ids))];
    const [assessed, settings, zone] = await Promise.all([
      assessCandidates(trx, ids, now),
      rulesRepo.availabilityOf(trx, ids),
      rulesRepo.companyTimezone(trx),
    ]);
    const caps = new Map(settings.map((s) => [s.user_id, { daily: s.daily_cap, open: s.open_cap }]));
    const capped = settings.filter((s) => s.daily_cap !== null);
    const today = await rulesRepo.assignmentsSince(
      trx,
      capped.map((s) => ({ userId: s.user_id, from: localTime(now, s.timezone ?? zone).dayStart })),
      now,
    );
    return new ChunkRouter(rules, assessed, caps, today);
  }

  get hasRules(): boolean {
    return this.rules.length > 0;
  }

  /** The decision for one lead, given in API terms (name, source, customFields, ...). */
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
    this.given.set(userId, (this.given.get(userId) ?? 0) + 1);
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

  /** Saves the rotation state the chunk's picks left (the rules are still locked). */
  async save(trx: Tx): Promise<void> {
    for (const [id, state] of this.states) await rulesRepo.saveRuleState(trx, id, state);
  }
}
