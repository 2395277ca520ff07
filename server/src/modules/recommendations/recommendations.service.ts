import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { createRuleIn, setOpenCapIn, testRule } from '../assignment/index.ts';
import { recordAudit } from '../audit/index.ts';
import { evidence, windowAt } from './recommendations.generate.ts';
import { refreshNowJob } from './recommendations.jobs.ts';
import * as repo from './recommendations.repository.ts';
import type { AcceptInput, EvidenceT, ExpectedT, ProposalT } from './recommendations.schemas.ts';
import { rate } from './recommendations.stats.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

async function toDtos(trx: Tx, rows: repo.RecommendationRow[]) {
  const names = await repo.userNames(trx, [...new Set(rows.flatMap((r) => (r.decided_by ? [r.decided_by] : [])))]);
  const accepted = rows.filter((r) => r.status === 'accepted' && r.decided_at);
  const outcomes = await repo.ruleOutcomes(
    trx,
    accepted
      .filter((r) => r.kind === 'rule' && r.rule_id)
      .map((r) => ({ ruleId: r.rule_id as string, from: new Date(r.decided_at as Date) })),
  );
  const capOutcomes = new Map<string, { closed: number; won: number }>();
  for (const r of accepted.filter((x) => x.kind === 'cap')) {
    const cap = (r.proposal as ProposalT).cap;
    if (cap) capOutcomes.set(r.id, await repo.closedSince(trx, cap.userId, new Date(r.decided_at as Date)));
  }
  return rows.map((r) => {
    const expected = r.expected as ExpectedT;
    let outcome = null;
    if (r.status === 'accepted' && r.decided_at) {
      const since = iso(r.decided_at);
      const base = {
        since,
        expectedWinRate: expected.winRateExpected,
        expectedMedianSpeedSeconds: expected.medianSpeedExpectedSeconds,
      };
      if (r.kind === 'rule') {
        const o = outcomes.find((x) => x.rule_id === r.rule_id);
        outcome = {
          ...base,
          leadsRouted: o?.routed ?? 0,
          closed: o?.closed ?? 0,
          won: o?.won ?? 0,
          winRate: rate(o?.won ?? 0, o?.closed ?? 0),
          medianSpeedSeconds: o?.median_speed ?? null,
        };
      } else {
        const o = capOutcomes.get(r.id) ?? { closed: 0, won: 0 };
        outcome = {
          ...base,
          leadsRouted: 0,
          closed: o.closed,
          won: o.won,
          winRate: rate(o.won, o.closed),
          medianSpeedSeconds: null,
        };
      }
    }
    return {
      id: r.id,
      kind: r.kind as 'rule' | 'cap',
      dimension: r.dimension,
      value: r.value,
      status: r.status as 'proposed' | 'accepted' | 'dismissed',
      proposal: r.proposal as ProposalT,
      evidence: r.evidence as EvidenceT,
      expected,
      createdAt: iso(r.created_at),
      refreshedAt: iso(r.refreshed_at),
      decidedAt: r.decided_at ? iso(r.decided_at) : null,
      decidedBy: r.decided_by ? { id: r.decided_by, name: names.get(r.decided_by) ?? 'Unknown user' } : null,
      ruleId: r.rule_id,
      outcome,
    };
  });
}

export async function listRecommendations(
  deps: Deps,
  ctx: RequestContext,
  query: { status?: 'proposed' | 'accepted' | 'dismissed' | undefined },
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: await toDtos(trx, await repo.listRecommendations(trx, query.status)),
  }));
}

export async function getRecommendation(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findRecommendation(trx, id);
    if (!row) throw notFound('recommendation');
    return (await toDtos(trx, [row]))[0] as Awaited<ReturnType<typeof toDtos>>[number];
  });
}

async function proposed(trx: Tx, id: string) {
  const row = await repo.findRecommendation(trx, id, { lock: true });
  if (!row) throw notFound('recommendation');
  if (row.status !== 'proposed') {
    throw new AppError('conflict', `The recommendation was already ${row.status}`);
  }
  return row;
}

/**
 * Accepts a proposal: a rule is created through the assignment module as an admin would create it (its checks,
 * its audit row), switched on or off and placed as asked (first by default); a cap is set on the owner's
 * availability. The recommendation records who accepted it, when, and the rule.
 */
export async function acceptRecommendation(deps: Deps, ctx: RequestContext, id: string, body: AcceptInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await proposed(trx, id);
    const proposal = row.proposal as ProposalT;
    const now = deps.clock.now();
    let ruleId: string | null = null;
    if (row.kind === 'rule' && proposal.rule) {
      const rule = await createRuleIn(
        trx,
        deps,
        ctx,
        {
          name: proposal.rule.name,
          active: body.active,
          conditions: proposal.rule.conditions.map((c) => ({ field: c.field, op: 'equals' as const, value: c.value })),
          strategy: proposal.rule.strategy as 'least_loaded',
          userIds: proposal.rule.userIds,
        },
        { place: body.position ?? 1 },
      );
      ruleId = rule.id;
    } else if (row.kind === 'cap' && proposal.cap) {
      await setOpenCapIn(trx, deps, ctx, proposal.cap.userId, proposal.cap.openCap);
    }
    await repo.decide(trx, id, { status: 'accepted', decided_at: now, decided_by: ctx.actor.userId, rule_id: ruleId });
    await recordAudit(trx, ctx, {
      action: 'recommendation.accepted',
      entityType: 'recommendation',
      entityId: id,
      before: { status: 'proposed' },
      after: { status: 'accepted', kind: row.kind, summary: proposal.summary, ruleId, active: body.active },
      at: now,
    });
    const after = await repo.findRecommendation(trx, id);
    return (await toDtos(trx, after ? [after] : []))[0] as Awaited<ReturnType<typeof toDtos>>[number];
  });
}

/** Dismisses a proposal: who and when are kept; the same proposal is not made again for 90 days. */
export async function dismissRecommendation(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await proposed(trx, id);
    const now = deps.clock.now();
    await repo.decide(trx, id, { status: 'dismissed', decided_at: now, decided_by: ctx.actor.userId });
    await recordAudit(trx, ctx, {
      action: 'recommendation.dismissed',
      entityType: 'recommendation',
      entityId: id,
      before: { status: 'proposed' },
      after: { status: 'dismissed', kind: row.kind, summary: (row.proposal as ProposalT).summary },
      at: now,
    });
    const after = await repo.findRecommendation(trx, id);
    return (await toDtos(trx, after ? [after] : []))[0] as Awaited<ReturnType<typeof toDtos>>[number];
  });
}

function sampleOf(row: repo.SampleRow) {
  return {
    name: row.name,
    companyName: row.company_name,
    emails: row.emails,
    phones: row.phones,
    source: row.source,
    campaign: row.campaign,
    product: row.product,
    city: row.city,
    state: row.state,
    country: row.country,
    territory: row.territory,
    expectedValue: row.expected_value,
    currency: row.currency,
    expectedCloseDate: row.expected_close_date,
    tags: row.tags,
    stage: row.stage,
    customFields: row.custom_fields as never,
  };
}

/**
 * What the proposed rule would do to recent leads, through the rule test the assignment settings use: for each
 * sample lead, what the current rules decide and, when the proposed rule's conditions hold, its decision (the
 * proposed rule goes first); otherwise the current decision stands. Writes nothing.
 */
export async function previewRecommendation(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findRecommendation(trx, id));
  if (!row) throw notFound('recommendation');
  const proposal = row.proposal as ProposalT;
  if (row.kind !== 'rule' || !proposal.rule) {
    throw new AppError('unprocessable', 'A cap recommendation has no rule to preview', {
      errors: [{ path: 'id', message: 'is a cap recommendation; only a rule has a preview' }],
    });
  }
  const rule = proposal.rule;
  const leads = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    repo.sampleLeads(trx, row.dimension as repo.Dimension, row.value, { match: 10, other: 5 }),
  );
  const draft = {
    name: rule.name,
    conditions: rule.conditions.map((c) => ({ field: c.field, op: 'equals' as const, value: c.value })),
    strategy: rule.strategy as 'least_loaded',
    userIds: rule.userIds,
  };
  const samples = [];
  for (const lead of leads) {
    const sample = sampleOf(lead);
    const current = await testRule(deps, ctx, { lead: sample });
    const mine = await testRule(deps, ctx, { rule: draft, lead: sample });
    const matches = mine.evaluated[0]?.matched ?? false;
    const now = {
      ownerId: current.decision.ownerId,
      ownerName: current.decision.ownerName,
      ruleName: current.decision.ruleName,
      detail: current.decision.detail,
    };
    samples.push({
      leadId: lead.id,
      leadName: lead.name,
      matches,
      ownerId: lead.owner_id,
      ownerName: lead.owner_name,
      now,
      proposed:
        matches && mine.decision.ownerId
          ? {
              ownerId: mine.decision.ownerId,
              ownerName: mine.decision.ownerName,
              ruleName: mine.decision.ruleName,
              detail: mine.decision.detail,
            }
          : now,
    });
  }
  return { rule, samples };
}

/** Queues the regeneration now; the weekly run stays as it is. */
export async function requestRefresh(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await enqueue(trx, refreshNowJob, {}, { runAt: now, now });
    await recordAudit(trx, ctx, {
      action: 'recommendation.refresh_requested',
      entityType: 'recommendation',
      entityId: null,
      after: { trigger: 'manual' },
      at: now,
    });
    return { queued: true };
  });
}

/** The evidence table for one dimension: each value's owners compared, and each owner's win rate by load. */
export async function ownerPerformance(deps: Deps, ctx: RequestContext, dimension: repo.Dimension) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const window = windowAt(deps.clock.now());
    const result = await evidence(trx, ctx.actor.companyId, window, dimension);
    return {
      dimension,
      from: window.since.toISOString(),
      to: window.now.toISOString(),
      values: result.values.map(({ speeds: _s, dimension: _d, key: _k, ...row }) => row),
      loadBands: result.bands,
    };
  });
}
