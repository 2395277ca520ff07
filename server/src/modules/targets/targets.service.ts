import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, forbidden, notFound } from '../../http/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { clickhouseFor } from '../analytics/index.ts';
import { recordAudit } from '../audit/index.ts';
import { todayIn } from '../reports/index.ts';
import { achievedFor, type Figures } from './targets.achieved.ts';
import { monthOf, type Period, parsePeriod, periodOf } from './targets.period.ts';
import { maySetKind, targetReach, targetVisibleTo } from './targets.policy.ts';
import * as repo from './targets.repository.ts';
import type { PutTargetsInput } from './targets.schemas.ts';

const periodInfo = (p: Period) => ({ kind: p.kind, key: p.key, start: p.start, end: p.end, label: p.label });
const ratio = (achieved: number | null, target: number | null) =>
  achieved === null || target === null || target <= 0 ? null : achieved / target;

function snapshot(row: repo.TargetRow) {
  return {
    scopeKind: row.scope_kind,
    scopeKey: row.scope_key,
    period: periodOf(row.period_kind, row.period_start).key,
    wonValue: Number(row.won_value),
    wonCount: row.won_count,
    newLeads: row.new_leads,
    calls: row.calls,
  };
}

/** Targets as the API shows them: named, with what their scope achieved in their period, as the caller sees it. */
async function describe(trx: Tx, deps: Deps, actor: Actor, now: Date, rows: repo.TargetRow[]) {
  const userIds = rows.filter((r) => r.scope_kind === 'user' || r.scope_kind === 'team').map((r) => r.scope_key);
  const partnerIds = rows.filter((r) => r.scope_kind === 'partner').map((r) => r.scope_key);
  const users = new Map((await repo.usersByIds(trx, [...new Set(userIds)], null)).map((u) => [u.id, u.name]));
  const partners = new Map((await repo.partnersByIds(trx, [...new Set(partnerIds)])).map((p) => [p.id, p.name]));
  const achieved = new Map<string, Figures>();
  const byPeriod = new Map<string, repo.TargetRow[]>();
  for (const row of rows) {
    const key = periodOf(row.period_kind, row.period_start).key;
    byPeriod.set(key, [...(byPeriod.get(key) ?? []), row]);
  }
  for (const [key, group] of byPeriod) {
    const figures = await achievedFor(
      trx,
      actor,
      now,
      parsePeriod(key) as Period,
      group.map((r) => ({ kind: r.scope_kind, key: r.scope_key })),
      { clickhouse: clickhouseFor(deps.config) },
    );
    for (const [scope, f] of figures) achieved.set(`${key}|${scope}`, f);
  }
  return rows.map((row) => {
    const period = periodOf(row.period_kind, row.period_start);
    const name =
      row.scope_kind === 'user'
        ? (users.get(row.scope_key) ?? row.scope_key)
        : row.scope_kind === 'team'
          ? `${users.get(row.scope_key) ?? row.scope_key}’s team`
          : row.scope_kind === 'partner'
            ? (partners.get(row.scope_key) ?? row.scope_key)
            : row.scope_key;
    const target = {
      wonValue: Number(row.won_value),
      wonCount: row.won_count,
      newLeads: row.new_leads,
      calls: row.calls,
    };
    const got = achieved.get(`${period.key}|${row.scope_kind}:${row.scope_key}`) ?? {
      wonValue: null,
      wonCount: null,
      newLeads: null,
      calls: null,
    };
    return {
      id: row.id,
      scope: { kind: row.scope_kind, key: row.scope_key, name },
      period: periodInfo(period),
      target,
      achieved: got,
      progress: {
        wonValue: ratio(got.wonValue, target.wonValue),
        wonCount: ratio(got.wonCount, target.wonCount),
        newLeads: ratio(got.newLeads, target.newLeads),
        calls: ratio(got.calls, target.calls),
      },
      setBy: row.set_by,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  });
}

/** The targets of one period the caller may see (default: this month in the company's zone), with progress. */
export async function listTargets(deps: Deps, ctx: RequestContext, query: { period?: string | undefined }) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const period = query.period ? parsePeriod(query.period) : monthOf(todayIn(await repo.companyZone(trx), now));
    if (!period) {
      throw new AppError('validation_failed', 'period: must be a month (2026-12) or a quarter (2026-Q4)', {
        errors: [{ path: 'period', message: 'must be a month (2026-12) or a quarter (2026-Q4)' }],
      });
    }
    const partnerId = ['ADMIN', 'MANAGER'].includes(ctx.actor.role)
      ? null
      : await repo.partnerOfUser(trx, ctx.actor.userId);
    const rows = await repo.listTargets(trx, period, targetVisibleTo(ctx.actor, partnerId));
    return {
      data: await describe(trx, deps, ctx.actor, now, rows),
      period: periodInfo(period),
      generatedAt: now.toISOString(),
    };
  });
}

interface Parsed {
  index: number;
  kind: repo.ScopeKind;
  key: string;
  period: Period;
  wonValue: number;
  wonCount: number;
  newLeads: number | null;
  calls: number | null;
}

function fail(code: 'validation_failed' | 'not_found' | 'forbidden', errors: FieldError[]): never {
  throw new AppError(code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

/** The shape of each item beyond its schema: a period that exists, a key of its kind, no scope twice. */
function parseItems(items: PutTargetsInput['items']): Parsed[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const parsed: Parsed[] = [];
  for (const [i, item] of items.entries()) {
    const at = `items.${i}`;
    const period = parsePeriod(item.period);
    if (!period) errors.push({ path: `${at}.period`, message: 'must be a month (2026-12) or a quarter (2026-Q4)' });
    let key = item.scope.key.trim();
    if (item.scope.kind === 'territory') {
      key = key.toLowerCase();
      if (!key) errors.push({ path: `${at}.scope.key`, message: 'must name a territory' });
    } else if (!isUuid(key)) {
      const what = item.scope.kind === 'partner' ? 'a partner id' : 'a user id';
      errors.push({ path: `${at}.scope.key`, message: `must be ${what}` });
    } else key = key.toLowerCase();
    if (!Number.isFinite(item.wonValue) || Math.round(item.wonValue * 100) / 100 !== item.wonValue) {
      errors.push({ path: `${at}.wonValue`, message: 'takes at most two decimals' });
    }
    if (period) {
      const id = `${item.scope.kind}|${key}|${period.key}`;
      const first = seen.get(id);
      if (first !== undefined) errors.push({ path: at, message: `sets the same target as items.${first}` });
      else seen.set(id, i);
      parsed.push({
        index: i,
        kind: item.scope.kind,
        key,
        period,
        wonValue: item.wonValue,
        wonCount: item.wonCount,
        newLeads: item.newLeads ?? null,
        calls: item.calls ?? null,
      });
    }
  }
  if (errors.length > 0) fail('validation_failed', errors);
  return parsed;
}

/**
 * Sets targets (each item the whole target of its scope and period), all or none. An admin sets any; a manager
 * the users and teams of its subtree (a partner or territory target is 403, a user outside its subtree 404 as
 * any user it cannot see).
 */
export async function putTargets(deps: Deps, ctx: RequestContext, body: PutTargetsInput) {
  const reach = targetReach(ctx.actor);
  if (reach === 'none') throw forbidden('Only admins and managers set targets');
  const items = parseItems(body.items);
  const kindErrors = items
    .filter((item) => !maySetKind(reach, item.kind))
    .map((item) => ({ path: `items.${item.index}.scope.kind`, message: `a manager sets user and team targets only` }));
  if (kindErrors.length > 0) fail('forbidden', kindErrors);

  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const people = items.filter((i) => i.kind === 'user' || i.kind === 'team');
    const users = new Map(
      (
        await repo.usersByIds(trx, [...new Set(people.map((i) => i.key))], reach === 'all' ? null : ctx.actor.userId)
      ).map((u) => [u.id, u]),
    );
    const partnerItems = items.filter((i) => i.kind === 'partner');
    const partners = new Map(
      (await repo.partnersByIds(trx, [...new Set(partnerItems.map((i) => i.key))])).map((p) => [p.id, p]),
    );
    const missing: FieldError[] = [];
    const invalid: FieldError[] = [];
    for (const item of items) {
      const path = `items.${item.index}.scope.key`;
      if (item.kind === 'user' || item.kind === 'team') {
        const user = users.get(item.key);
        if (!user?.reachable) missing.push({ path, message: 'is not a user you may set targets for' });
        else if (!user.active) invalid.push({ path, message: 'is not an active user' });
        else if (item.kind === 'team' && user.role !== 'MANAGER' && user.role !== 'ADMIN') {
          invalid.push({ path, message: 'a team target names its manager (a manager or an admin)' });
        }
      } else if (item.kind === 'partner' && !partners.has(item.key)) {
        missing.push({ path, message: 'is not a partner of this company' });
      }
    }
    if (missing.length > 0) fail('not_found', missing);
    if (invalid.length > 0) fail('validation_failed', invalid);

    const at = deps.clock.now();
    const before = await repo.lockTargets(
      trx,
      items.map((i) => ({ kind: i.kind, key: i.key, periodKind: i.period.kind, start: i.period.start })),
    );
    const ids: string[] = [];
    for (const item of items) {
      const id = await repo.upsertTarget(trx, {
        companyId: ctx.actor.companyId,
        id: newId(),
        kind: item.kind,
        key: item.key,
        periodKind: item.period.kind,
        start: item.period.start,
        wonValue: item.wonValue,
        wonCount: item.wonCount,
        newLeads: item.newLeads,
        calls: item.calls,
        setBy: ctx.actor.userId,
        at,
      });
      ids.push(id);
    }
    const after = await repo.findTargets(trx, ids);
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const id of ids) {
      const row = byId.get(id) as repo.TargetRow;
      const old = before.find((b) => b.id === id);
      await recordAudit(trx, ctx, {
        action: old ? 'target.updated' : 'target.set',
        entityType: 'target',
        entityId: id,
        before: old ? snapshot(old) : null,
        after: snapshot(row),
        at,
      });
    }
    return {
      data: await describe(
        trx,
        deps,
        ctx.actor,
        at,
        ids.map((id) => byId.get(id) as repo.TargetRow),
      ),
    };
  });
}

/**
 * Removes a target. Who may set it may remove it: an admin any; a manager the user and team targets of its
 * subtree (a partner or territory target it sees is 403); a target the caller does not see is 404.
 */
export async function deleteTarget(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const reach = targetReach(ctx.actor);
  if (reach === 'none') throw forbidden('Only admins and managers remove targets');
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const partnerId = ['ADMIN', 'MANAGER'].includes(ctx.actor.role)
      ? null
      : await repo.partnerOfUser(trx, ctx.actor.userId);
    const row = await repo.findVisibleTarget(trx, id, targetVisibleTo(ctx.actor, partnerId));
    if (!row) throw notFound('target');
    if (!maySetKind(reach, row.scope_kind)) throw forbidden('A manager removes user and team targets only');
    await repo.deleteTarget(trx, id);
    await recordAudit(trx, ctx, {
      action: 'target.deleted',
      entityType: 'target',
      entityId: id,
      before: snapshot(row),
      at: deps.clock.now(),
    });
  });
}
