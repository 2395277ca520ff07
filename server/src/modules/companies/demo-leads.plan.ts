import type { Insertable } from 'kysely';
import type { LeadAssignments, LeadNotes, LeadStageHistory, Leads } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { DAY, Dice, HOUR, istDate, MINUTE } from './demo-dice.ts';
import { noteTexts, territoryOf } from './demo-leads.data.ts';
import { type Draft, openStages } from './demo-leads.draft.ts';

/** Demo Co's people as the pipeline needs them. */
export interface DemoTeam {
  companyId: string;
  adminId: string;
  sales: string[];
  managerOf: Map<string, string>;
  warriorsOf: Map<string, string[]>;
  cosalesId: string;
  partnerUserId: string;
  integrationId: string;
  partnerId: string;
  names: Map<string, string>;
  /** Ids by demo key (the part of the e-mail before @: sales1, warrior6, ...). */
  ids: Map<string, string>;
}

/** A seeded assignment rule, and which leads it catches (the same test its stored conditions express). */
export interface DemoRule {
  id: string;
  name: string;
  isDefault: boolean;
  strategy: 'round_robin' | 'least_loaded';
  userIds: string[];
  slaMinutes: number | null;
  catches: (lead: { state: string; expectedValue: number | null }) => boolean;
  /** Round-robin pointer, as the engine keeps it in the rule's state. */
  next: number;
}

export interface LeadRows {
  leads: Insertable<Leads>[];
  history: Insertable<LeadStageHistory>[];
  assignments: Insertable<LeadAssignments>[];
  notes: Insertable<LeadNotes>[];
}

/** Sources whose leads the assignment rules route; the others arrive with the owner their creator gives. */
const routedSources = new Set(['web_form', 'api', 'facebook', 'partner']);
const closed = (stage: string) => !(openStages as readonly string[]).includes(stage);

/** Which salespeople work a state (indices into team.sales), for leads entered by hand. */
const territoryOwners: Record<string, number[]> = {
  Maharashtra: [1, 1, 0],
  Goa: [1],
  Gujarat: [0],
  'Madhya Pradesh': [0],
  Kerala: [2],
  'Tamil Nadu': [2],
  Karnataka: [3],
  Telangana: [3],
  'Andhra Pradesh': [3],
};
const regionOwners: Record<string, number[]> = { north: [2, 2, 0], east: [3], west: [0, 1], south: [2, 3] };

/**
 * Gives each draft (in order of arrival) its owner, warriors and co-sales, the why, its stage history and the
 * notes its owner wrote, as rows ready to insert.
 */
export function planLeads(drafts: Draft[], team: DemoTeam, rules: DemoRule[], seed: number, now: number): LeadRows {
  const rows: LeadRows = { leads: [], history: [], assignments: [], notes: [] };
  const owned: { ownerId: string; from: number; until: number }[] = [];
  const openAt = (userId: string, at: number) =>
    owned.filter((o) => o.ownerId === userId && o.from <= at && o.until > at).length;
  const ordered = [...drafts].sort((a, b) => (a.path[0]?.at ?? 0) - (b.path[0]?.at ?? 0));

  for (const draft of ordered) {
    const dice = Dice.for(seed, draft.index);
    const id = newId();
    const created = draft.path[0]?.at ?? now;
    const last = draft.path[draft.path.length - 1] ?? { stage: 'new', at: created };
    const won = last.stage === 'won';
    const value = won || last.stage !== 'new' || dice.chance(0.55) ? draft.value : null;
    const routed = !draft.unassigned && routedSources.has(draft.source);
    const lead = { state: draft.place.state, expectedValue: value };
    const rule = routed ? (rules.find((r) => !r.isDefault && r.catches(lead)) ?? rules.find((r) => r.isDefault)) : null;

    const decision = rule ? decide(rule, team, (u) => openAt(u, created)) : null;
    let ownerId = decision?.ownerId ?? null;
    if (!rule && !draft.unassigned) {
      const picks = territoryOwners[draft.place.state] ?? regionOwners[draft.place.region] ?? [0];
      ownerId = team.sales[dice.pick(picks)] ?? null;
    }
    if (ownerId) owned.push({ ownerId, from: created, until: closed(last.stage) ? last.at : Number.POSITIVE_INFINITY });

    const teamOf = ownerId ? (team.warriorsOf.get(ownerId) ?? []) : [];
    const warriorIds = teamOf.length > 0 && dice.chance(0.45) ? dice.some(teamOf, dice.chance(0.15) ? 2 : 1) : [];
    const reachedProposal = draft.path.some((p) => ['proposal', 'trial', 'won'].includes(p.stage));
    const coSalesIds = ownerId && dice.chance(reachedProposal ? 0.25 : 0.04) ? [team.cosalesId] : [];
    const worker = () => (warriorIds.length > 0 && dice.chance(0.35) ? dice.pick(warriorIds) : ownerId);

    // Who entered it and through which door, as the product would have recorded it.
    let createdBy: string | null = null;
    let channel = 'ui';
    // A web form creates its leads as the admin who made it; the admin enters the expo cards for triage.
    if (draft.unassigned) createdBy = team.adminId;
    else if (draft.source === 'web_form') [createdBy, channel] = [team.adminId, 'web_form'];
    else if (draft.source === 'api') [createdBy, channel] = [team.integrationId, 'api'];
    else if (['facebook', 'erp'].includes(draft.source)) [createdBy, channel] = [team.integrationId, 'integration'];
    else if (draft.source === 'partner') createdBy = team.partnerUserId;
    else if (draft.source === 'import') {
      createdBy = dice.chance(0.3) ? team.adminId : (team.managerOf.get(ownerId ?? '') ?? team.adminId);
      channel = 'import';
    } else createdBy = worker();
    const enteredByTeam = createdBy !== null && (createdBy === ownerId || warriorIds.includes(createdBy));

    rows.assignments.push({
      company_id: team.companyId,
      id: newId(),
      lead_id: id,
      at: new Date(created),
      by_user_id: rule ? null : createdBy,
      channel,
      reason: rule ? 'rule' : 'manual',
      rule_id: rule?.id ?? null,
      rule_name: rule?.name ?? null,
      strategy: rule?.strategy ?? null,
      owner_id: ownerId,
      previous_owner_id: null,
      sla_due_at: rule?.slaMinutes ? new Date(created + rule.slaMinutes * MINUTE) : null,
      candidates: JSON.stringify(decision?.candidates ?? []),
      detail: decision
        ? decision.detail
        : enteredByTeam
          ? 'Owned by the person who entered it'
          : 'Assigned by the creator',
    });

    for (const [i, step] of draft.path.entries()) {
      const previous = draft.path[i - 1];
      rows.history.push({
        company_id: team.companyId,
        id: newId(),
        lead_id: id,
        from_stage: previous?.stage ?? null,
        to_stage: step.stage,
        by_user_id: previous ? worker() : createdBy,
        at: new Date(step.at),
        seconds_in_previous: previous ? Math.round((step.at - previous.at) / 1000) : null,
      });
    }

    // Notes written while the lead sat in each stage, by whoever worked it then.
    let touched = last.at;
    if (ownerId && dice.chance(0.45)) {
      for (const [i, step] of draft.path.entries()) {
        const until = Math.min(draft.path[i + 1]?.at ?? now, now);
        if (!dice.chance(0.6) || until - step.at < HOUR) continue;
        const at = step.at + dice.between(0.2, 0.9) * (until - step.at);
        const texts = noteTexts[step.stage as keyof typeof noteTexts];
        const body = dice.pick(texts).replace('{first}', draft.first).replace('{seats}', String(draft.seats));
        rows.notes.push({
          company_id: team.companyId,
          id: newId(),
          lead_id: id,
          author_id: worker(),
          body,
          created_at: new Date(at),
          updated_at: new Date(at),
        });
        touched = Math.max(touched, at);
      }
    }
    // Someone looked at most open leads lately: a call, a message, an edit.
    if (!closed(last.stage) && ownerId && dice.chance(0.85)) {
      touched = Math.max(touched, now - dice.between(0.05, Math.min(6, (now - last.at) / DAY)) * DAY);
    }

    rows.leads.push({
      company_id: team.companyId,
      id,
      name: draft.name,
      company_name: draft.company,
      emails: draft.emails,
      phones: draft.phones,
      source: draft.source,
      campaign: draft.campaign,
      product: draft.product,
      city: draft.place.city,
      state: draft.place.state,
      country: 'India',
      territory: territoryOf[draft.place.region],
      expected_value: value,
      currency: value === null ? null : 'INR',
      expected_close_date: won
        ? istDate(last.at)
        : closed(last.stage) || value === null
          ? null
          : istDate(now + dice.int(5, 75) * DAY),
      tags: draft.tags,
      notes: draft.brief,
      owner_id: ownerId,
      warrior_ids: warriorIds,
      co_sales_ids: coSalesIds,
      partner_id: draft.partner ? team.partnerId : null,
      stage: last.stage,
      lost_reason: draft.lostReason,
      created_by: createdBy,
      created_via: channel,
      created_at: new Date(created),
      updated_at: new Date(touched),
      stage_changed_at: new Date(last.at),
      last_touched_at: new Date(touched),
      version: draft.path.length + (touched > last.at ? 1 : 0),
    });
  }
  return rows;
}

/**
 * What the rule engine would have decided, worded as it words it: round robin takes the next in turn (and
 * moves the rule's pointer), least loaded the one with the fewest open leads at the time.
 */
function decide(rule: DemoRule, team: DemoTeam, openLeads: (userId: string) => number) {
  let ownerId: string | null;
  let candidates: ReturnType<typeof candidate>[];
  let because: string;
  if (rule.strategy === 'round_robin') {
    const order = [...rule.userIds.slice(rule.next), ...rule.userIds.slice(0, rule.next)];
    ownerId = order[0] ?? null;
    rule.next = (rule.userIds.indexOf(ownerId ?? '') + 1) % rule.userIds.length;
    candidates = order.map((u) => candidate(team, u, u === ownerId, 'eligible; not next in rotation'));
    because = 'next in rotation';
  } else {
    const loads = rule.userIds.map((u) => ({ u, open: openLeads(u) }));
    const least = [...loads].sort((a, b) => a.open - b.open)[0];
    ownerId = least?.u ?? null;
    candidates = loads.map(({ u, open }) =>
      candidate(team, u, u === ownerId, `eligible; has ${plural(open, 'open lead')}`),
    );
    because = `${plural(least?.open ?? 0, 'open lead')}, the fewest`;
  }
  const label = rule.isDefault ? `No rule matched; the default rule "${rule.name}"` : `Matched rule "${rule.name}"`;
  const strategy = rule.strategy === 'round_robin' ? 'round robin' : 'least loaded';
  const detail = `${label} chose ${team.names.get(ownerId ?? '') ?? 'nobody'} by ${strategy} (${because})`;
  return { ownerId, candidates, detail };
}

function candidate(team: DemoTeam, userId: string, chosen: boolean, passed: string) {
  return { userId, name: team.names.get(userId) ?? 'Unknown user', chosen, skipped: chosen ? null : passed };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
