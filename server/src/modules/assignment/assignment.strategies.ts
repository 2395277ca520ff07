import type { Assessed } from './assignment.eligibility.ts';
import type { Candidate } from './assignment.engine.ts';

export interface RuleForPick {
  strategy: string;
  user_ids: string[];
  weights: number[];
  state: unknown;
}

export interface Pick {
  chosen: Assessed | null;
  candidates: Candidate[];
  /** Why the chosen one, in a few words (e.g. "next in rotation", "3 open leads"). */
  because: string;
  /** The rule's state after this pick; null when it does not change. */
  state: Record<string, unknown> | null;
}

export const strategyLabels: Record<string, string> = {
  user: 'named user',
  round_robin: 'round robin',
  least_loaded: 'least loaded',
  weighted: 'weighted split',
};

/**
 * Chooses among a rule's candidates by its strategy. Ineligible candidates and the excluded ones (the owner
 * who missed the SLA) never take part; state moves only past the one chosen.
 */
export function pick(rule: RuleForPick, assessed: Map<string, Assessed>, exclude: ReadonlySet<string>): Pick {
  const people = rule.user_ids.map((id) => assessed.get(id)).filter((a): a is Assessed => a !== undefined);
  const barred = (a: Assessed) =>
    exclude.has(a.userId) ? 'current owner; missed the response SLA' : (a.ineligible ?? null);
  const eligible = people.filter((a) => barred(a) === null);
  const state = (rule.state ?? {}) as Record<string, unknown>;

  let order = people;
  let chosen: Assessed | null = null;
  let because = '';
  let next: Record<string, unknown> | null = null;
  let passed = (_a: Assessed) => 'eligible; not chosen';

  switch (rule.strategy) {
    case 'round_robin': {
      const n = people.length;
      const start = Number.isInteger(state.next) ? (state.next as number) % Math.max(n, 1) : 0;
      order = [...people.slice(start), ...people.slice(0, start)];
      chosen = order.find((a) => barred(a) === null) ?? null;
      if (chosen) next = { next: (rule.user_ids.indexOf(chosen.userId) + 1) % n };
      because = 'next in rotation';
      passed = () => 'eligible; not next in rotation';
      break;
    }
    case 'least_loaded': {
      chosen = [...eligible].sort((a, b) => a.openLeads - b.openLeads)[0] ?? null;
      because = chosen ? `${plural(chosen.openLeads, 'open lead')}, the fewest` : '';
      passed = (a) => `eligible; has ${plural(a.openLeads, 'open lead')}`;
      break;
    }
    case 'weighted': {
      // Smooth weighted round robin: every eligible candidate earns its weight, the richest is chosen and pays
      // back the total. Deterministic, and spreads each candidate's turns evenly rather than in bursts.
      const earned = { ...((state.current ?? {}) as Record<string, number>) };
      const weightOf = (a: Assessed) => rule.weights[rule.user_ids.indexOf(a.userId)] ?? 1;
      let total = 0;
      for (const a of eligible) {
        earned[a.userId] = (earned[a.userId] ?? 0) + weightOf(a);
        total += weightOf(a);
      }
      for (const a of eligible) {
        if (!chosen || (earned[a.userId] ?? 0) > (earned[chosen.userId] ?? 0)) chosen = a;
      }
      if (chosen) {
        earned[chosen.userId] = (earned[chosen.userId] ?? 0) - total;
        for (const id of Object.keys(earned)) if (!rule.user_ids.includes(id)) delete earned[id];
        next = { current: earned };
      }
      because = chosen ? `weight ${weightOf(chosen)} of ${total}` : '';
      passed = () => 'eligible; not next by weight';
      break;
    }
    default: {
      chosen = eligible[0] ?? null;
      because = 'the rule names this user';
    }
  }

  const candidates = order.map<Candidate>((a) => ({
    userId: a.userId,
    name: a.name,
    chosen: a.userId === chosen?.userId,
    skipped: a.userId === chosen?.userId ? null : (barred(a) ?? passed(a)),
  }));
  return { chosen, candidates, because, state: next };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
