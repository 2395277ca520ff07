/**
 * The revenue forecast (the next months and its backtest) and the forecast by person against targets. Every
 * figure of money or count covers the leads the caller sees (leadVisibleTo); the probabilities are learnt from the
 * whole company's history as it stood when the forecast is made (a rate, not a record).
 */
import type { Expression, SqlBool } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { fieldError, forbidden } from '../../http/errors.ts';
import { fieldAccessFor } from '../leads/index.ts';
import { leadVisibleTo } from '../leads/scope.ts';
import { todayIn } from '../reports/index.ts';
import { userAndTeamTargets } from '../targets/index.ts';
import {
  AGE_BUCKETS,
  calibrate,
  money,
  type PipelineFigures,
  pipeline,
  RUN_RATE_MONTHS,
  range,
  runRate,
} from './forecasts.model.ts';
import * as repo from './forecasts.repository.ts';
import type { ForecastQueryInput, PeopleQueryInput } from './forecasts.schemas.ts';

export const BACKTEST_MONTHS = 6;
/** How far back the run rate looks for months whose window had ended (RUN_RATE_MONTHS of them are used). */
const RUN_RATE_LOOKBACK = 12;

/** Money figures need the expected value; a role that may not see it gets no forecast. */
async function mustSeeValues(trx: Tx, actor: Actor) {
  const access = await fieldAccessFor(trx, actor.role);
  if (access.fields.expectedValue === 'hidden') {
    throw forbidden('Your role may not see the leads’ expected value, which every forecast is made of');
  }
}

interface Parts {
  pipeline: PipelineFigures;
  newLeads: PipelineFigures;
}

/** A window's forecast; split by the leads' owners (null: no owner) when asked, else `owners` is empty. */
export interface WindowFigures extends Parts {
  owners: Map<string | null, Parts>;
}

const NOTHING: PipelineFigures = { value: 0, count: 0, variance: 0 };

/**
 * The forecast as made at `asOf`, for windows of instants [from, to) after it: the open leads of the scope at that
 * moment times the probabilities learnt from the history before it, plus the run rate of leads created after it.
 * Split by owner, the open leads' part is each owner's own leads; the run rate of leads not yet created is shared
 * out by each owner's wins in the same run-rate samples (the same average over the same months, of the owner's
 * part of each): nobody knows who will own a lead that does not exist yet, and a person's share of what such leads
 * brought in lately is the best guess of it; so each owner's forecast is comparable with what the owner then wins,
 * and the owners' figures add up to the total (the mean is linear).
 */
export async function forecastAt(
  trx: Tx,
  info: repo.CompanyInfo,
  visible: Expression<SqlBool>,
  asOf: Date,
  windows: { from: Date; to: Date }[],
  withNewLeads: boolean,
  byOwner = false,
): Promise<WindowFigures[]> {
  const relative = windows.map((w) => ({
    from: (w.from.getTime() - asOf.getTime()) / 1000,
    to: (w.to.getTime() - asOf.getTime()) / 1000,
  }));
  const counts = await repo.anchorCounts(trx, asOf, AGE_BUCKETS, relative);
  const probability = calibrate(counts, info.stages, relative);
  const open = await repo.openLeadsAt(trx, asOf, visible);
  const openByOwner = new Map<string | null, repo.OpenLead[]>();
  if (byOwner) {
    for (const lead of open) {
      const list = openByOwner.get(lead.ownerId);
      if (list) list.push(lead);
      else openByOwner.set(lead.ownerId, [lead]);
    }
  }
  const fromPipeline = relative.map((_, w) => pipeline(open, probability, w));
  const ownersPipeline = relative.map(
    (_, w) => new Map([...openByOwner].map(([owner, leads]) => [owner, pipeline(leads, probability, w)])),
  );
  if (!withNewLeads) {
    return fromPipeline.map((p, w) => ({
      pipeline: p,
      newLeads: NOTHING,
      owners: new Map([...(ownersPipeline[w] ?? [])].map(([o, f]) => [o, { pipeline: f, newLeads: NOTHING }])),
    }));
  }

  // The same moment and windows in each of the earlier months, kept when the window had ended by asOf and the
  // moment was not before the company existed; the most recent RUN_RATE_MONTHS of them are averaged.
  const backs = Array.from({ length: RUN_RATE_LOOKBACK }, (_, i) => i + 1);
  const shifted = await repo.monthsBack(trx, info.timezone, [asOf, ...windows.flatMap((w) => [w.from, w.to])], backs);
  const samples: { since: Date; from: Date; to: Date }[] = [];
  const windowOf: number[] = [];
  for (const [w] of windows.entries()) {
    let taken = 0;
    for (const row of shifted) {
      if (taken === RUN_RATE_MONTHS) break;
      const since = row[0] as Date;
      const from = row[1 + 2 * w] as Date;
      const to = row[2 + 2 * w] as Date;
      if (to.getTime() > asOf.getTime() || since.getTime() < info.createdAt.getTime()) continue;
      samples.push({ since, from, to });
      windowOf.push(w);
      taken++;
    }
  }
  const wins = await repo.newLeadWinsByOwner(trx, samples, visible);
  const total = (list: repo.OwnerWins[]) => ({
    value: list.reduce((s, o) => s + o.value, 0),
    count: list.reduce((s, o) => s + o.count, 0),
  });
  return fromPipeline.map((p, w) => {
    const mine = wins.filter((_, i) => windowOf[i] === w);
    const owners = new Map<string | null, Parts>();
    if (byOwner) {
      const who = new Set([...openByOwner.keys(), ...mine.flatMap((list) => list.map((o) => o.ownerId))]);
      for (const id of who) {
        const part = mine.map((list) => total(list.filter((o) => o.ownerId === id)));
        owners.set(id, { pipeline: ownersPipeline[w]?.get(id) ?? NOTHING, newLeads: runRate(part) });
      }
    }
    return { pipeline: p, newLeads: runRate(mine.map(total)), owners };
  });
}

/**
 * A month's forecast as made at its start (`from`, until `to`): the backtest's figure, pipeline plus run rate, and
 * what a reconstructed month keeps.
 */
export async function forecastFromStart(
  trx: Tx,
  info: repo.CompanyInfo,
  visible: Expression<SqlBool>,
  from: Date,
  to: Date,
  byOwner = false,
): Promise<WindowFigures> {
  const [f] = await forecastAt(trx, info, visible, from, [{ from, to }], true, byOwner);
  return f as WindowFigures;
}

export const monthKey = (zone: string, at: Date) => todayIn(zone, at).slice(0, 7);
const sum = (rows: repo.Won[]) => ({
  value: rows.reduce((s, r) => s + r.value, 0),
  count: rows.reduce((s, r) => s + r.count, 0),
});

/** GET /insights/forecast: the next months with a range, and the backtest of the past six. */
export async function forecast(deps: Deps, ctx: RequestContext, query: ForecastQueryInput) {
  const months = query.months ?? 3;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await mustSeeValues(trx, ctx.actor);
    const now = deps.clock.now();
    const info = await repo.companyInfo(trx);
    const visible = leadVisibleTo(ctx.actor);
    const offsets = Array.from({ length: months + BACKTEST_MONTHS + 1 }, (_, i) => i - BACKTEST_MONTHS);
    const starts = await repo.monthStarts(trx, info.timezone, now, offsets);
    const startOf = (offset: number) => starts[offset + BACKTEST_MONTHS] as Date;

    // The months ahead: this one from now (with what it has won so far), then whole months.
    const windows = Array.from({ length: months }, (_, k) => ({
      from: k === 0 ? now : startOf(k),
      to: startOf(k + 1),
    }));
    const ahead = await forecastAt(trx, info, visible, now, windows, true);
    const soFar = sum(await repo.wonBetween(trx, startOf(0), new Date(now.getTime() + 1), visible));
    const monthRows = ahead.map((f, k) => {
      const won = k === 0 ? soFar : { value: 0, count: 0 };
      const expected = won.value + f.pipeline.value + f.newLeads.value;
      const r = range(expected, f.pipeline.variance + f.newLeads.variance, won.value);
      return {
        month: monthKey(info.timezone, startOf(k)),
        expected: money(expected),
        low: money(r.low),
        high: money(r.high),
        fromPipeline: money(f.pipeline.value),
        fromNewLeads: money(f.newLeads.value),
        expectedCount: money(won.count + f.pipeline.count + f.newLeads.count),
        wonSoFar: money(won.value),
        wonSoFarCount: won.count,
      };
    });

    // The backtest: each past month's forecast as it would have been made at its start, beside what was won.
    const backtest = [];
    for (let j = BACKTEST_MONTHS; j >= 1; j--) {
      const from = startOf(-j);
      const to = startOf(-j + 1);
      const f = await forecastFromStart(trx, info, visible, from, to);
      const said = f.pipeline.value + f.newLeads.value;
      const actual = sum(await repo.wonBetween(trx, from, to, visible)).value;
      backtest.push({
        month: monthKey(info.timezone, from),
        forecast: money(said),
        actual: money(actual),
        errorPct: actual > 0 ? money(((said - actual) / actual) * 100) : null,
      });
    }
    const errors = backtest.filter((b) => b.errorPct !== null).map((b) => Math.abs(b.errorPct as number));
    return {
      currency: info.currency,
      months: monthRows,
      backtest,
      mape: errors.length > 0 ? money(errors.reduce((s, e) => s + e, 0) / errors.length) : null,
      generatedAt: now.toISOString(),
    };
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12)).toISOString().slice(0, 10);

interface Figures {
  wonValue: number;
  wonCount: number;
  expectedValue: number;
  expectedCount: number;
  targetValue: number | null;
  targetCount: number | null;
}

const withGap = (f: Figures) => ({
  wonValue: money(f.wonValue),
  wonCount: f.wonCount,
  expectedValue: money(f.expectedValue),
  expectedCount: money(f.expectedCount),
  targetValue: f.targetValue,
  targetCount: f.targetCount,
  gapValue: f.targetValue === null ? null : money(f.expectedValue - f.targetValue),
  gapCount: f.targetCount === null ? null : money(f.expectedCount - f.targetCount),
});

/**
 * GET /insights/forecast/people: for a month or quarter, each person's won value and count so far plus the open
 * leads' expected wins in the rest of the period, against their targets. A salesperson sees itself, a manager its
 * subtree, an admin everyone; every figure covers only the leads the caller sees.
 */
export async function people(deps: Deps, ctx: RequestContext, query: PeopleQueryInput) {
  const kind = query.period ?? 'month';
  if (query.date !== undefined && !isDate(query.date)) {
    throw fieldError('validation_failed', 'date', 'must be a date (YYYY-MM-DD)');
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await mustSeeValues(trx, ctx.actor);
    const now = deps.clock.now();
    const info = await repo.companyInfo(trx);
    const date = query.date ?? todayIn(info.timezone, now);
    const [y, m] = date.split('-').map(Number) as [number, number];
    const first = kind === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : m;
    const length = kind === 'quarter' ? 3 : 1;
    const from = ymd(y, first, 1);
    const to = ymd(y, first + length, 0);
    const [fromAt, toAt] = (await repo.dayStarts(trx, info.timezone, [from, ymd(y, first + length, 1)])) as [
      Date,
      Date,
    ];
    const visible = leadVisibleTo(ctx.actor);

    const wonUntil = new Date(Math.min(toAt.getTime(), now.getTime() + 1));
    const won = wonUntil > fromAt ? await repo.wonBetween(trx, fromAt, wonUntil, visible) : [];
    const expected = new Map<string, { value: number; count: number }>();
    if (toAt > now) {
      const start = fromAt > now ? fromAt : now;
      const relative = [
        { from: (start.getTime() - now.getTime()) / 1000, to: (toAt.getTime() - now.getTime()) / 1000 },
      ];
      const probability = calibrate(await repo.anchorCounts(trx, now, AGE_BUCKETS, relative), info.stages, relative);
      for (const lead of await repo.openLeadsAt(trx, now, visible)) {
        if (lead.ownerId === null) continue;
        const p = probability(lead.stage, lead.age, 0);
        const e = expected.get(lead.ownerId) ?? { value: 0, count: 0 };
        e.value += lead.value * p;
        e.count += p;
        expected.set(lead.ownerId, e);
      }
    }
    const targets = await userAndTeamTargets(trx, kind, from);
    const userTargets = new Map(targets.filter((t) => t.scopeKind === 'user').map((t) => [t.key, t]));

    const actor = ctx.actor;
    let people: repo.Person[];
    if (actor.role === 'ADMIN' || actor.role === 'MANAGER') {
      const also = [
        ...won.map((w) => w.ownerId),
        ...expected.keys(),
        ...targets.filter((t) => t.scopeKind === 'user').map((t) => t.key),
      ].filter((id): id is string => id !== null);
      people = await repo.peopleIn(trx, actor.role === 'ADMIN' ? null : actor.userId, [...new Set(also)]);
    } else {
      const self = await repo.personById(trx, actor.userId);
      people = self ? [self] : [];
    }

    const rows = people.map((person) => {
      const w = won.find((x) => x.ownerId === person.id) ?? { value: 0, count: 0 };
      const e = expected.get(person.id) ?? { value: 0, count: 0 };
      const t = userTargets.get(person.id);
      return {
        userId: person.id,
        name: person.name,
        ...withGap({
          wonValue: w.value,
          wonCount: w.count,
          expectedValue: w.value + e.value,
          expectedCount: w.count + e.count,
          targetValue: t ? t.wonValue : null,
          targetCount: t ? t.wonCount : null,
        }),
      };
    });
    const total = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + pick(r), 0);
    const teamTarget =
      actor.role === 'MANAGER' ? targets.find((t) => t.scopeKind === 'team' && t.key === actor.userId) : undefined;
    const withTargets = rows.filter((r) => r.targetValue !== null);
    const team = withGap({
      wonValue: total((r) => r.wonValue),
      wonCount: total((r) => r.wonCount),
      expectedValue: total((r) => r.expectedValue),
      expectedCount: total((r) => r.expectedCount),
      targetValue: teamTarget
        ? teamTarget.wonValue
        : withTargets.length > 0
          ? withTargets.reduce((s, r) => s + (r.targetValue as number), 0)
          : null,
      targetCount: teamTarget
        ? teamTarget.wonCount
        : withTargets.length > 0
          ? withTargets.reduce((s, r) => s + (r.targetCount as number), 0)
          : null,
    });
    return {
      period: { kind, from, to },
      currency: info.currency,
      people: rows,
      team,
      generatedAt: now.toISOString(),
    };
  });
}
