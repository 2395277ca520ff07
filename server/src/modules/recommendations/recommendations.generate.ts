import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { listRulesIn, type RuleDto } from '../assignment/index.ts';
import * as repo from './recommendations.repository.ts';
import type {
  BandT,
  EvidenceT,
  ExpectedT,
  GroupT,
  OwnerBandsT,
  ProposalT,
  ValueRowT,
} from './recommendations.schemas.ts';
import {
  adjusted,
  bandLabel,
  LOAD_BANDS,
  median,
  priorStrength,
  rate,
  THRESHOLDS,
  wilson,
  zAbove,
} from './recommendations.stats.ts';

const DAY = 86_400_000;
const MONTHS = THRESHOLDS.historyDays / 30.4375;

export interface Window {
  since: Date;
  now: Date;
}

export function windowAt(now: Date): Window {
  return { since: new Date(now.getTime() - THRESHOLDS.historyDays * DAY), now };
}

type Users = Awaited<ReturnType<typeof repo.usersByIds>>;

/** One value's row of the evidence: everyone's figures and each owner's, with intervals and adjusted rates. */
function valueRow(total: repo.Cell, owners: repo.Cell[], names: Map<string, string>): ValueRowT {
  const overall = total.leads > 0 ? total.won / total.leads : 0;
  const m = priorStrength(owners.map((o) => ({ n: o.leads, won: o.won })));
  return {
    value: total.value,
    leads: total.leads,
    won: total.won,
    winRate: rate(total.won, total.leads),
    reached: total.reached,
    medianSpeedSeconds: total.medianSpeedSeconds,
    priorStrength: m,
    owners: owners
      .map((o) => {
        const interval = wilson(o.won, o.leads);
        return {
          ownerId: o.ownerId as string,
          ownerName: names.get(o.ownerId as string) ?? 'Unknown user',
          leads: o.leads,
          won: o.won,
          winRate: rate(o.won, o.leads),
          low: interval.low,
          high: interval.high,
          adjustedWinRate: adjusted(o.won, o.leads, overall, m),
          reached: o.reached,
          medianSpeedSeconds: o.medianSpeedSeconds,
          averageLoad: o.averageLoad,
        };
      })
      .sort((a, b) => b.adjustedWinRate - a.adjustedWinRate || b.leads - a.leads),
  };
}

/** The evidence tables: per dimension value, the owners compared; and each owner's win rate by load band. */
export async function evidence(
  trx: Tx,
  companyId: string,
  window: Window,
  dimension?: repo.Dimension,
): Promise<{
  values: (ValueRowT & { dimension: repo.Dimension; key: string; speeds: Map<string, number[]> })[];
  bands: OwnerBandsT[];
  users: Users;
}> {
  const [cells, bandRows] = await Promise.all([
    repo.cells(trx, { companyId, ...window, ...(dimension ? { dimension } : {}) }),
    repo.loadBands(trx, { companyId, ...window }),
  ]);
  const ids = [
    ...new Set([...cells.flatMap((c) => (c.ownerId ? [c.ownerId] : [])), ...bandRows.map((b) => b.owner_id)]),
  ];
  const users = await repo.usersByIds(trx, ids);
  const names = new Map(users.map((u) => [u.id, u.name]));

  const groups = new Map<string, { total?: repo.Cell; owners: repo.Cell[] }>();
  for (const cell of cells) {
    const id = `${cell.dimension}\u0000${cell.key}`;
    const group = groups.get(id) ?? { owners: [] };
    if (cell.ownerId === null) group.total = cell;
    else group.owners.push(cell);
    groups.set(id, group);
  }
  const values = [...groups.values()]
    .filter((g): g is { total: repo.Cell; owners: repo.Cell[] } => g.total !== undefined)
    .map((g) => ({
      ...valueRow(g.total, g.owners, names),
      dimension: g.total.dimension,
      key: g.total.key,
      speeds: new Map(g.owners.map((o) => [o.ownerId as string, o.speeds])),
    }))
    .sort((a, b) => b.leads - a.leads || a.value.localeCompare(b.value));

  const byOwner = new Map<string, BandT[]>();
  for (const row of bandRows) {
    const bands =
      byOwner.get(row.owner_id) ??
      LOAD_BANDS.map((from, i) => ({
        band: bandLabel(i),
        from,
        to: i + 1 < LOAD_BANDS.length ? (LOAD_BANDS[i + 1] as number) - 1 : null,
        leads: 0,
        won: 0,
        winRate: null as number | null,
      }));
    const band = bands[Math.max(0, Math.min(row.band, bands.length - 1))];
    if (band) {
      band.leads += row.n;
      band.won += row.won;
      band.winRate = rate(band.won, band.leads);
    }
    byOwner.set(row.owner_id, bands);
  }
  const bands = [...byOwner.entries()]
    .map(([ownerId, list]) => ({ ownerId, ownerName: names.get(ownerId) ?? 'Unknown user', bands: list }))
    .sort((a, b) => a.ownerName.localeCompare(b.ownerName));
  return { values, bands, users };
}

const dimensionWords: Record<repo.Dimension, string> = {
  source: 'source',
  product: 'product',
  city: 'city',
  state: 'state',
  territory: 'territory',
};

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const sum = (cells: { leads: number; won: number }[]): GroupT => {
  const leads = cells.reduce((s, c) => s + c.leads, 0);
  const won = cells.reduce((s, c) => s + c.won, 0);
  return { leads, won, winRate: rate(won, leads) };
};

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** An active rule already sending this value to exactly these owners: nothing to propose. */
function alreadyRouted(rules: RuleDto[], dimension: string, key: string, pool: string[]): boolean {
  return rules.some(
    (rule) =>
      rule.active &&
      sameSet(rule.userIds, pool) &&
      rule.conditions.some(
        (c) =>
          c.field === dimension &&
          !c.not &&
          ((c.op === 'equals' && String(c.value).trim().toLowerCase() === key) ||
            (c.op === 'in' && (c.values ?? []).some((v) => v.trim().toLowerCase() === key))),
      ),
  );
}

export interface Candidate extends repo.NewRecommendation {
  proposal: ProposalT;
  evidence: EvidenceT;
  expected: ExpectedT;
}

/** Rule proposals: for each value, the owners who convert it clearly better than the rest (docs/insights.md). */
function ruleCandidates(
  values: Awaited<ReturnType<typeof evidence>>['values'],
  users: Users,
  rules: RuleDto[],
  window: Window,
): Candidate[] {
  const eligible = new Set(users.filter((u) => u.active && u.role === 'SALESPERSON').map((u) => u.id));
  const out: Candidate[] = [];
  for (const row of values) {
    if (row.leads < THRESHOLDS.minValueLeads) continue;
    const strong = row.owners
      .filter((o) => o.leads >= THRESHOLDS.minOwnerLeads && eligible.has(o.ownerId))
      .filter((o) => {
        const rest = sum([{ leads: row.leads - o.leads, won: row.won - o.won }]);
        return (
          rest.leads >= THRESHOLDS.minRestLeads &&
          rest.winRate !== null &&
          o.low > rest.winRate &&
          o.adjustedWinRate - rest.winRate >= THRESHOLDS.minLift
        );
      })
      .sort((a, b) => b.low - a.low)
      .slice(0, THRESHOLDS.maxPool);
    const inPool = (id: string) => strong.some((o) => o.ownerId === id);
    const rest = sum(row.owners.filter((o) => !inPool(o.ownerId)));
    const pool = strong.filter((o) => rest.winRate !== null && o.low > rest.winRate);
    if (pool.length === 0 || rest.leads < THRESHOLDS.minRestLeads || rest.winRate === null) continue;
    const ids = pool.map((o) => o.ownerId);
    if (alreadyRouted(rules, row.dimension, row.key, ids)) continue;

    const names = pool.map((o) => o.ownerName);
    const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    const what = `${dimensionWords[row.dimension]} "${row.value}"`;
    const expectedRate = pool.reduce((s, o) => s + o.adjustedWinRate, 0) / pool.length;
    const expectedSpeed = median(pool.flatMap((o) => row.speeds.get(o.ownerId) ?? []));
    const leadsPerMonth = row.leads / MONTHS;
    const name = `Recommended: ${row.dimension} ${row.value} to ${who}`;
    const { speeds: _s, dimension: _d, key: _k, ...table } = row;
    out.push({
      id: newId(),
      kind: 'rule',
      dimension: row.dimension,
      value: row.value,
      signature: `rule|${row.dimension}|${row.key}|${[...ids].sort().join(',')}`,
      proposal: {
        summary: `Send leads of ${what} to ${who}`,
        rule: {
          name: name.length > 120 ? `${name.slice(0, 119)}…` : name,
          conditions: [{ field: row.dimension, op: 'equals', value: row.value }],
          strategy: 'least_loaded',
          userIds: ids,
        },
        owners: pool.map((o) => ({ id: o.ownerId, name: o.ownerName })),
        cap: null,
      },
      evidence: {
        from: window.since.toISOString(),
        to: window.now.toISOString(),
        value: table,
        rest,
        bands: [],
        below: null,
        above: null,
        z: null,
      },
      expected: {
        text:
          `Leads of ${what} are won ${pct(row.winRate)} of the time today; ${who} ${pool.length === 1 ? 'wins' : 'win'} ` +
          `${pct(expectedRate)} of them (adjusted for sample size), the others ${pct(rest.winRate)}. ` +
          `About ${leadsPerMonth.toFixed(1)} such leads a month would go to ${pool.length === 1 ? 'one person' : `${pool.length} people`}, the least loaded first.`,
        winRateNow: row.winRate,
        winRateExpected: expectedRate,
        medianSpeedNowSeconds: row.medianSpeedSeconds,
        medianSpeedExpectedSeconds: expectedSpeed,
        leadsPerMonth,
        extraLeadsPerOwnerPerMonth: rest.leads / MONTHS / pool.length,
        wonPerMonthNow: row.winRate === null ? null : row.winRate * leadsPerMonth,
        wonPerMonthExpected: expectedRate * leadsPerMonth,
      },
    });
  }
  return out;
}

/** Cap proposals: an owner whose win rate falls clearly once it holds more than some number of open leads. */
function capCandidates(bands: OwnerBandsT[], users: Users, window: Window): Candidate[] {
  const out: Candidate[] = [];
  for (const owner of bands) {
    const user = users.find((u) => u.id === owner.ownerId);
    if (!user?.active || user.role !== 'SALESPERSON') continue;
    let best: { cap: number; below: GroupT; above: GroupT; z: number } | null = null;
    for (let b = 1; b < LOAD_BANDS.length; b++) {
      const below = sum(owner.bands.slice(0, b));
      const above = sum(owner.bands.slice(b));
      if (below.leads < THRESHOLDS.minBandLeads || above.leads < THRESHOLDS.minBandLeads) continue;
      if (below.winRate === null || above.winRate === null) continue;
      if (below.winRate - above.winRate < THRESHOLDS.minDrop) continue;
      const z = zAbove({ n: below.leads, won: below.won }, { n: above.leads, won: above.won });
      if (z < THRESHOLDS.minZ) continue;
      if (!best || z > best.z) best = { cap: LOAD_BANDS[b] as number, below, above, z };
    }
    if (!best) continue;
    if (user.open_cap !== null && user.open_cap <= best.cap) continue;
    const all = sum(owner.bands);
    const leadsPerMonth = best.above.leads / MONTHS;
    out.push({
      id: newId(),
      kind: 'cap',
      dimension: 'load',
      value: String(best.cap),
      signature: `cap|${owner.ownerId}|${best.cap}`,
      proposal: {
        summary: `Cap ${owner.ownerName} at ${best.cap} open leads`,
        rule: null,
        owners: [{ id: owner.ownerId, name: owner.ownerName }],
        cap: { userId: owner.ownerId, userName: owner.ownerName, openCap: best.cap, currentOpenCap: user.open_cap },
      },
      evidence: {
        from: window.since.toISOString(),
        to: window.now.toISOString(),
        value: null,
        rest: null,
        bands: owner.bands,
        below: best.below,
        above: best.above,
        z: best.z,
      },
      expected: {
        text:
          `Above ${best.cap} open leads ${owner.ownerName}'s win rate falls from ${pct(best.below.winRate)} to ` +
          `${pct(best.above.winRate)}. With a cap, about ${leadsPerMonth.toFixed(1)} leads a month would go to the next eligible person instead.`,
        winRateNow: all.winRate,
        winRateExpected: best.below.winRate,
        medianSpeedNowSeconds: null,
        medianSpeedExpectedSeconds: null,
        leadsPerMonth,
        extraLeadsPerOwnerPerMonth: null,
        wonPerMonthNow: null,
        wonPerMonthExpected: null,
      },
    });
  }
  return out;
}

/**
 * Recomputes a company's proposals from its history, in the caller's tenant transaction: proposals still
 * supported keep their id with fresh evidence, new ones are added, ones no longer supported are removed; a
 * proposal dismissed in the last 90 days, or accepted, is not proposed again.
 */
export async function regenerate(trx: Tx, deps: Deps, companyId: string): Promise<number> {
  const window = windowAt(deps.clock.now());
  const [{ values, bands, users }, rules, blocked] = await Promise.all([
    evidence(trx, companyId, window),
    listRulesIn(trx),
    repo.blockedSignatures(trx, new Date(window.now.getTime() - THRESHOLDS.dismissedDays * DAY)),
  ]);
  const candidates = [...ruleCandidates(values, users, rules, window), ...capCandidates(bands, users, window)].filter(
    (c) => !blocked.has(c.signature),
  );
  await repo.saveProposals(trx, companyId, candidates, window.now);
  return candidates.length;
}

export async function runRefreshJob(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await regenerate(trx, deps, job.companyId);
}
