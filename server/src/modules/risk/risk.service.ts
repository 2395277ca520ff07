import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import { accessFieldOf, fieldAccessFor, leadVisibleToUser } from '../leads/index.ts';
import { scanNowJob } from './risk.jobs.ts';
import {
  type ReasonKey,
  reasonFields,
  reasonKeys,
  reasonLabels,
  reasonText,
  reasonWeights,
  type StoredReason,
  SUPPORTING_ONLY,
} from './risk.reasons.ts';
import * as repo from './risk.repository.ts';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The reasons the caller's role may see: none that speaks of a lead field hidden from it. */
async function shownReasons(trx: Tx, ctx: RequestContext): Promise<Set<ReasonKey>> {
  const access = await fieldAccessFor(trx, ctx.actor.role);
  return new Set(
    reasonKeys.filter((key) => {
      const field = reasonFields[key];
      const controlled = field ? accessFieldOf(field) : null;
      return !controlled || access.fields[controlled] !== 'hidden';
    }),
  );
}

function filtersFor(shown: Set<ReasonKey>, query: { ownerId?: string | undefined; reason?: ReasonKey | undefined }) {
  const hiddenOwner = !shown.has('owner_on_leave');
  // Filtering by a hidden reason or owner would tell what it holds: such a filter matches nothing.
  const refused = (query.reason !== undefined && !shown.has(query.reason)) || (query.ownerId && hiddenOwner);
  return {
    ownerId: query.ownerId,
    reason: query.reason,
    shownKeys: refused ? [] : [...shown].filter((k) => k !== SUPPORTING_ONLY),
    hiddenOwner,
  };
}

function describeReasons(stored: unknown, stageName: string, shown: Set<ReasonKey>) {
  return ((stored as StoredReason[]) ?? [])
    .filter((r) => shown.has(r.key))
    .sort((a, b) => reasonWeights[b.key] - reasonWeights[a.key])
    .map((r) => ({ key: r.key, text: reasonText(r, stageName), value: r.value ?? null, usual: r.usual ?? null }));
}

export async function listAtRisk(
  deps: Deps,
  ctx: RequestContext,
  query: { ownerId?: string; reason?: ReasonKey; cursor?: string; limit?: number },
) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['number', 'uuid']) as [number, string] | null;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const shown = await shownReasons(trx, ctx);
    const filters = filtersFor(shown, query);
    const [rows, total] = await Promise.all([
      repo.listRisks(trx, ctx.actor, filters, { after, limit }),
      repo.countRisks(trx, ctx.actor, filters),
    ]);
    const page = toPage(rows, limit, (r) => [r.severity, r.lead_id]);
    return {
      data: page.data.map((r) => ({
        leadId: r.lead_id,
        leadName: r.lead_name,
        ownerId: filters.hiddenOwner ? null : r.owner_id,
        ownerName: filters.hiddenOwner ? null : (r.owner_name ?? null),
        stage: r.stage,
        stageName: r.stage_name ?? r.stage,
        severity: r.severity,
        reasons: describeReasons(r.reasons, r.stage_name ?? r.stage, shown),
        flaggedSince: iso(r.flagged_since) as string,
      })),
      nextCursor: page.nextCursor,
      total,
    };
  });
}

export async function atRiskSummary(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const shown = await shownReasons(trx, ctx);
    const filters = filtersFor(shown, {});
    const [total, byReason, byOwner, scan] = await Promise.all([
      repo.countRisks(trx, ctx.actor, filters),
      repo.countByReason(trx, ctx.actor, filters),
      filters.hiddenOwner ? Promise.resolve([]) : repo.countByOwner(trx, ctx.actor, filters),
      repo.lastScan(trx),
    ]);
    const counts = new Map(byReason.map((r) => [r.key, r.n]));
    return {
      total,
      checkedAt: iso(scan?.checked_at),
      byReason: reasonKeys
        .filter((key) => shown.has(key))
        .map((key) => ({ key, label: reasonLabels[key], count: counts.get(key) ?? 0 })),
      byOwner: byOwner.map((o) => ({ ownerId: o.owner_id, ownerName: o.owner_name ?? null, count: o.n })),
    };
  });
}

export async function leadRisk(deps: Deps, ctx: RequestContext, leadId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await leadVisibleToUser(trx, leadId, ctx.actor))) throw notFound('lead');
    const [shown, row, scan] = await Promise.all([
      shownReasons(trx, ctx),
      repo.findRisk(trx, leadId),
      repo.lastScan(trx),
    ]);
    const reasons = row ? describeReasons(row.reasons, row.stage_name ?? row.stage, shown) : [];
    const atRisk = reasons.some((r) => r.key !== SUPPORTING_ONLY);
    return {
      atRisk,
      reasons: atRisk ? reasons : [],
      flaggedSince: atRisk ? iso(row?.flagged_since) : null,
      checkedAt: iso(row?.checked_at ?? scan?.checked_at),
    };
  });
}

/** Queues the scan to run now (the worker takes it at once); the daily run stays as it is. */
export async function requestScan(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await enqueue(trx, scanNowJob, {}, { runAt: now, now });
    await recordAudit(trx, ctx, {
      action: 'risk.scan_requested',
      entityType: 'lead_risk_scan',
      entityId: null,
      after: { trigger: 'manual' },
      at: now,
    });
    const scan = await repo.lastScan(trx);
    return { queued: true, lastCheckedAt: iso(scan?.checked_at) };
  });
}
