import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The forecast against a fixture company whose whole history the test writes (the demo leads are put in the trash
 * first): a year of leads created and won or lost at known moments, and an open pipeline. Every expected figure is
 * worked out here from the fixture table by the method docs/insights.md describes (age buckets, shrinkage, run
 * rate, range), written out again in this file, never by calling the module. The clock stands at noon on 15 July
 * 2030 in the company's zone (Asia/Kolkata, UTC+05:30, no daylight saving).
 */
let t: TestApp;
const ADMIN = 'admin@demo.test';
const ids: Record<string, string> = {};

const IST = 5.5 * 3600_000;
const DAY = 86_400_000;
const ist = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min) - IST);
const NOW = ist(2030, 7, 15, 12);
/** The same wall-clock moment in Kolkata `j` calendar months earlier (days 1 and 15 only: no clamping). */
const back = (at: Date, j: number) => {
  const w = new Date(at.getTime() + IST);
  return new Date(
    Date.UTC(w.getUTCFullYear(), w.getUTCMonth() - j, w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes()) - IST,
  );
};
const monthStart = (y: number, m: number) => ist(y, m, 1);
const label = (at: Date) => new Date(at.getTime() + IST).toISOString().slice(0, 7);

type Owner = 'sales1' | 'sales2' | 'sales3';
interface Fx {
  name: string;
  owner: Owner;
  value: number;
  created: Date;
  /** The one move after creation, if it happened by now. */
  move: { stage: 'won' | 'lost' | 'proposal' | 'trial'; at: Date } | null;
}

const fixture: Fx[] = [];
const owners: Owner[] = ['sales1', 'sales2', 'sales3'];
let counter = 0;
function add(owner: Owner, value: number, created: Date, stage: Fx['move']) {
  fixture.push({ name: `Forecast fixture ${++counter}`, owner, value, created, move: stage });
}
// A year of history, July 2029 to June 2030: each month a quick win, a lead won or lost about 20 days later, one
// won or lost after six or seven weeks, every fourth month one lost after a hundred days, and every other month
// a win five days after the 20th. A move not yet due
// by now leaves the lead open in New.
for (let m = 0; m < 12; m++) {
  const y = 2029 + Math.floor((6 + m) / 12);
  const mo = ((6 + m) % 12) + 1;
  const plan: { day: number; hour: number; value: number; stage: 'won' | 'lost'; days: number }[] = [
    { day: 3, hour: 10, value: 1000 * ((m % 4) + 1), stage: 'won', days: 6 },
    { day: 18, hour: 15, value: 5000 + 500 * m, stage: m % 2 === 0 ? 'won' : 'lost', days: 20 },
    { day: 24, hour: 9, value: 8000, stage: m % 3 === 0 ? 'won' : 'lost', days: m % 3 === 0 ? 45 : 50 },
  ];
  if (m % 4 === 1) plan.push({ day: 8, hour: 11, value: 3000, stage: 'lost', days: 100 });
  if (m % 2 === 1) plan.push({ day: 20, hour: 14, value: 2000, stage: 'won', days: 5 });
  for (const [i, p] of plan.entries()) {
    const created = ist(y, mo, p.day, p.hour);
    const at = new Date(created.getTime() + p.days * DAY);
    add(owners[(m + i) % 3] as Owner, p.value, created, at <= NOW ? { stage: p.stage, at } : null);
  }
}
// This month: two quick wins so far, and the open pipeline in other stages.
add('sales1', 7000, ist(2030, 7, 2, 10), { stage: 'won', at: ist(2030, 7, 8, 10) });
add('sales2', 4000, ist(2030, 7, 3, 10), { stage: 'won', at: ist(2030, 7, 9, 16) });
add('sales1', 40000, ist(2030, 5, 2, 10), { stage: 'proposal', at: ist(2030, 7, 10, 10) });
add('sales2', 25000, ist(2030, 4, 1, 10), { stage: 'proposal', at: ist(2030, 6, 1, 10) });
add('sales3', 60000, ist(2030, 6, 20, 10), { stage: 'trial', at: ist(2030, 7, 12, 10) });
add('sales1', 12000, ist(2030, 7, 14, 10), null);

// ---- The method, written out over the fixture table ----

const OPEN = new Set(['new', 'demo', 'proposal', 'trial']);
const ADMIN_PROBABILITY: Record<string, number> = { trial: 0.5 };
const K = 10;
const BUCKETS = [0, 8, 31, 91];
const Z = 1.2815515655446004;

/** The lead's stages as known at `asOf`: each with when it entered and left (null: still in it then). */
function episodes(f: Fx, asOf: Date) {
  const entries = [{ stage: 'new', at: f.created }, ...(f.move ? [f.move] : [])].filter((e) => e.at <= asOf);
  return entries.map((e, i) => ({ stage: e.stage, at: e.at, left: entries[i + 1]?.at ?? null }));
}
const wonAt = (f: Fx) => (f.move?.stage === 'won' ? f.move.at : null);

/** P(won within window k | stage, age) as of `asOf`; windows in ms after asOf. */
function calibration(asOf: Date, windows: { a: number; b: number }[]) {
  const counts = new Map<string, { n: number; w: number }>();
  const bump = (key: string, won: boolean) => {
    const c = counts.get(key) ?? { n: 0, w: 0 };
    c.n++;
    if (won) c.w++;
    counts.set(key, c);
  };
  for (const f of fixture) {
    const win = wonAt(f);
    for (const e of episodes(f, asOf)) {
      if (!OPEN.has(e.stage)) continue;
      BUCKETS.forEach((lo, bucket) => {
        const anchor = e.at.getTime() + lo * DAY;
        if (anchor >= asOf.getTime() || (e.left !== null && e.left.getTime() <= anchor)) return;
        windows.forEach((w, k) => {
          if (anchor + w.b > asOf.getTime()) return;
          const won = win !== null && win.getTime() >= anchor + w.a && win.getTime() < anchor + w.b;
          bump(`*|${k}`, won);
          bump(`${e.stage}|${k}`, won);
          bump(`${e.stage}|${bucket}|${k}`, won);
        });
      });
    }
  }
  const get = (key: string) => counts.get(key) ?? { n: 0, w: 0 };
  return (stage: string, ageMs: number, k: number) => {
    const w = windows[k] as { a: number; b: number };
    const all = get(`*|${k}`);
    const admin = ADMIN_PROBABILITY[stage];
    const span = 90 * DAY;
    const prior =
      admin !== undefined
        ? (admin * Math.max(0, Math.min(w.b, span) - Math.max(w.a, 0))) / span
        : all.n > 0
          ? all.w / all.n
          : 0;
    const s = get(`${stage}|${k}`);
    const stageRate = (s.w + K * prior) / (s.n + K);
    const days = ageMs / DAY;
    const bucket = BUCKETS.reduce((acc, lo, i) => (days >= lo ? i : acc), 0);
    const b = get(`${stage}|${bucket}|${k}`);
    return (b.w + K * stageRate) / (b.n + K);
  };
}

/** The open leads of the owners at `asOf`, in the stage they were in then. */
function openAt(asOf: Date, who: Owner[]) {
  return fixture
    .filter((f) => who.includes(f.owner) && f.created <= asOf)
    .map((f) => ({ f, last: episodes(f, asOf).at(-1) as { stage: string; at: Date } }))
    .filter((x) => OPEN.has(x.last.stage))
    .map((x) => ({
      owner: x.f.owner,
      value: x.f.value,
      stage: x.last.stage,
      age: asOf.getTime() - x.last.at.getTime(),
    }));
}

const wonIn = (from: Date, to: Date, who: Owner[]) =>
  fixture.filter((f) => {
    const w = wonAt(f);
    return who.includes(f.owner) && w !== null && w >= from && w < to;
  });

/** The forecast made at asOf for windows of instants, over the owners' leads. */
function forecastAt(asOf: Date, windows: { from: Date; to: Date }[], who: Owner[]) {
  const rel = windows.map((w) => ({ a: w.from.getTime() - asOf.getTime(), b: w.to.getTime() - asOf.getTime() }));
  const p = calibration(asOf, rel);
  const open = openAt(asOf, who);
  return windows.map((w, k) => {
    let value = 0;
    let count = 0;
    let variance = 0;
    for (const lead of open) {
      const q = p(lead.stage, lead.age, k);
      value += lead.value * q;
      count += q;
      variance += lead.value ** 2 * q * (1 - q);
    }
    const samples: { value: number; count: number }[] = [];
    for (let j = 1; j <= 12 && samples.length < 6; j++) {
      const since = back(asOf, j);
      const from = back(w.from, j);
      const to = back(w.to, j);
      if (to > asOf) continue;
      const won = wonIn(from, to, who).filter((f) => f.created >= since);
      samples.push({ value: won.reduce((s, f) => s + f.value, 0), count: won.length });
    }
    const mean = samples.reduce((s, x) => s + x.value, 0) / samples.length;
    const newCount = samples.reduce((s, x) => s + x.count, 0) / samples.length;
    const newVar = samples.reduce((s, x) => s + (x.value - mean) ** 2, 0) / (samples.length - 1);
    return { pipeline: value, pipelineCount: count, pipelineVar: variance, newValue: mean, newCount, newVar };
  });
}

function expectedForecast(who: Owner[]) {
  const windows = [0, 1, 2].map((k) => ({
    from: k === 0 ? NOW : monthStart(2030, 7 + k),
    to: monthStart(2030, 8 + k),
  }));
  const ahead = forecastAt(NOW, windows, who);
  const soFar = wonIn(monthStart(2030, 7), new Date(NOW.getTime() + 1), who);
  const months = ahead.map((f, k) => {
    const won = k === 0 ? soFar.reduce((s, x) => s + x.value, 0) : 0;
    const wonCount = k === 0 ? soFar.length : 0;
    const expected = won + f.pipeline + f.newValue;
    const spread = Z * Math.sqrt(f.pipelineVar + f.newVar);
    return {
      month: label(windows[k]?.from as Date),
      expected,
      low: Math.max(won, expected - spread),
      high: expected + spread,
      fromPipeline: f.pipeline,
      fromNewLeads: f.newValue,
      expectedCount: wonCount + f.pipelineCount + f.newCount,
      wonSoFar: won,
    };
  });
  const backtest = [6, 5, 4, 3, 2, 1].map((j) => {
    const from = monthStart(2030, 7 - j);
    const to = monthStart(2030, 8 - j);
    const [f] = forecastAt(from, [{ from, to }], who);
    const said = (f?.pipeline ?? 0) + (f?.newValue ?? 0);
    const actual = wonIn(from, to, who).reduce((s, x) => s + x.value, 0);
    return {
      month: label(from),
      forecast: said,
      actual,
      errorPct: actual > 0 ? ((said - actual) / actual) * 100 : null,
    };
  });
  return { months, backtest };
}

interface ForecastBody {
  currency: string;
  months: Record<string, number | string>[];
  backtest: { month: string; forecast: number; actual: number; errorPct: number | null }[];
  mape: number | null;
}

function compare(got: ForecastBody, want: ReturnType<typeof expectedForecast>) {
  expect(got.months.map((m) => m.month)).toEqual(want.months.map((m) => m.month));
  for (const [i, w] of want.months.entries()) {
    const g = got.months[i] as Record<string, number>;
    for (const key of Object.keys(w) as (keyof typeof w)[]) {
      if (key === 'month') continue;
      expect(g[key], `${w.month} ${key}`).toBeCloseTo(w[key] as number, 1);
    }
  }
  expect(got.backtest.map((b) => b.month)).toEqual(want.backtest.map((b) => b.month));
  for (const [i, w] of want.backtest.entries()) {
    const g = got.backtest[i] as ForecastBody['backtest'][number];
    expect(g.forecast, `${w.month} forecast`).toBeCloseTo(w.forecast, 1);
    expect(g.actual, `${w.month} actual`).toBeCloseTo(w.actual, 1);
    if (w.errorPct === null) expect(g.errorPct).toBeNull();
    else expect(g.errorPct, `${w.month} error`).toBeCloseTo(w.errorPct, 1);
  }
  const errors = want.backtest.filter((b) => b.errorPct !== null).map((b) => Math.abs(b.errorPct as number));
  expect(got.mape).toBeCloseTo(errors.reduce((s, e) => s + e, 0) / errors.length, 1);
}

const get = async (who: string, url: string) => {
  const res = await t.as(who, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  for (const key of ['manager1', 'manager2', 'sales1', 'sales2', 'sales3', 'sales4']) {
    ids[key] = await userId(t, `${key}@demo.test`);
  }
  const companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id as string;
  // The demo leads are not part of this company's known history: into the trash with them.
  await withTenant(t.dbs.app, companyId, (trx) =>
    sql`UPDATE leads SET deleted_at = now() WHERE deleted_at IS NULL`.execute(trx),
  );
  t.clock.set(NOW);
  const trial = await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/trial', { probability: 0.5 });
  expect(trial.statusCode, trial.body).toBe(200);
  for (const f of fixture) {
    const body: Record<string, unknown> = {
      name: f.name,
      ownerId: ids[f.owner],
      expectedValue: f.value,
      createdAt: f.created.toISOString(),
    };
    if (f.move) {
      body.stage = f.move.stage;
      body.stageChangedAt = f.move.at.toISOString();
      if (f.move.stage === 'lost') body.lostReason = 'Went elsewhere';
    }
    const res = await t.as(ADMIN, 'POST', '/api/v1/leads', body);
    expect(res.statusCode, res.body).toBe(201);
  }
}, 120_000);
afterAll(() => t.close());

describe('GET /insights/forecast', () => {
  it('gives an admin the next three months and the six-month backtest, as worked out from the fixture', async () => {
    const body = (await get(ADMIN, '/api/v1/insights/forecast')) as ForecastBody;
    expect(body.currency).toBe('INR');
    const want = expectedForecast(['sales1', 'sales2', 'sales3']);
    compare(body, want);
    // The fixture is not trivial: the pipeline, the new leads, this month's wins and the backtest all carry weight.
    expect(want.months[0]?.wonSoFar).toBe(11000);
    expect(want.months.every((m) => m.fromPipeline > 0 && m.fromNewLeads > 0 && m.low < m.high)).toBe(true);
    expect(want.backtest.filter((b) => b.actual > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('takes months=1..6', async () => {
    expect(((await get(ADMIN, '/api/v1/insights/forecast?months=1')) as ForecastBody).months).toHaveLength(1);
    const six = (await get(ADMIN, '/api/v1/insights/forecast?months=6')) as ForecastBody;
    expect(six.months.map((m) => m.month)).toEqual(['2030-07', '2030-08', '2030-09', '2030-10', '2030-11', '2030-12']);
  });

  it('covers only the leads a salesperson sees, and a manager its subtree’s', async () => {
    compare(await get('sales1@demo.test', '/api/v1/insights/forecast'), expectedForecast(['sales1']));
    compare(await get('manager1@demo.test', '/api/v1/insights/forecast'), expectedForecast(['sales1', 'sales2']));
  });

  it('refuses roles without insights:read', async () => {
    for (const who of ['warrior1@demo.test', 'partner@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/forecast'), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/forecast/people'), 403, 'forbidden');
    }
  });

  it('names a bad parameter', async () => {
    for (const q of ['months=0', 'months=7', 'months=two']) {
      expectProblem(await t.as(ADMIN, 'GET', `/api/v1/insights/forecast?${q}`), 400, 'validation_failed', 'months');
    }
  });
});

describe('GET /insights/forecast/people', () => {
  beforeAll(async () => {
    const put = await t.as(ADMIN, 'PUT', '/api/v1/targets', {
      items: [
        { scope: { kind: 'user', key: ids.sales1 }, period: '2030-07', wonValue: 50000, wonCount: 5 },
        { scope: { kind: 'user', key: ids.sales2 }, period: '2030-07', wonValue: 20000, wonCount: 2 },
        { scope: { kind: 'team', key: ids.manager1 }, period: '2030-07', wonValue: 90000, wonCount: 8 },
        { scope: { kind: 'user', key: ids.sales1 }, period: '2030-Q2', wonValue: 30000, wonCount: 3 },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
  });

  /** Won so far in July plus each open lead's chance of a win before 1 August, per owner. */
  function expectedJuly(owner: Owner) {
    const end = monthStart(2030, 8);
    const p = calibration(NOW, [{ a: 0, b: end.getTime() - NOW.getTime() }]);
    const won = wonIn(monthStart(2030, 7), new Date(NOW.getTime() + 1), [owner]);
    const open = openAt(NOW, [owner]);
    return {
      wonValue: won.reduce((s, f) => s + f.value, 0),
      wonCount: won.length,
      expectedValue:
        won.reduce((s, f) => s + f.value, 0) + open.reduce((s, l) => s + l.value * p(l.stage, l.age, 0), 0),
      expectedCount: won.length + open.reduce((s, l) => s + p(l.stage, l.age, 0), 0),
    };
  }

  interface Row {
    userId: string;
    name: string;
    wonValue: number;
    wonCount: number;
    expectedValue: number;
    expectedCount: number;
    targetValue: number | null;
    targetCount: number | null;
    gapValue: number | null;
    gapCount: number | null;
  }
  const row = (rows: Row[], key: string) => rows.find((r) => r.userId === ids[key]) as Row;
  const close = (got: Row | Omit<Row, 'userId' | 'name'>, want: Record<string, number | null>) => {
    for (const [k, v] of Object.entries(want)) {
      if (v === null) expect((got as unknown as Record<string, unknown>)[k], k).toBeNull();
      else expect((got as unknown as Record<string, number>)[k], k).toBeCloseTo(v, 1);
    }
  };

  it('gives a manager each person of its subtree and the team against its targets', async () => {
    const body = await get('manager1@demo.test', '/api/v1/insights/forecast/people?period=month&date=2030-07-20');
    expect(body.period).toEqual({ kind: 'month', from: '2030-07-01', to: '2030-07-31' });
    expect(body.currency).toBe('INR');
    const rows = body.people as Row[];
    expect(rows.map((r) => r.userId).sort()).toEqual([ids.manager1, ids.sales1, ids.sales2].sort());
    const s1 = expectedJuly('sales1');
    const s2 = expectedJuly('sales2');
    close(row(rows, 'sales1'), {
      ...s1,
      targetValue: 50000,
      targetCount: 5,
      gapValue: s1.expectedValue - 50000,
      gapCount: s1.expectedCount - 5,
    });
    close(row(rows, 'sales2'), { ...s2, targetValue: 20000, gapValue: s2.expectedValue - 20000 });
    close(row(rows, 'manager1'), { wonValue: 0, expectedValue: 0, targetValue: null, gapValue: null });
    close(body.team, {
      wonValue: s1.wonValue + s2.wonValue,
      expectedValue: s1.expectedValue + s2.expectedValue,
      expectedCount: s1.expectedCount + s2.expectedCount,
      targetValue: 90000,
      targetCount: 8,
      gapValue: s1.expectedValue + s2.expectedValue - 90000,
    });
    // The fixture gives sales1 both wins so far and open leads with a chance this month.
    expect(s1.wonValue).toBe(7000);
    expect(s1.expectedValue).toBeGreaterThan(s1.wonValue);
  });

  it('gives a salesperson itself only, and an admin everyone who sells', async () => {
    const mine = await get('sales1@demo.test', '/api/v1/insights/forecast/people?period=month&date=2030-07-01');
    expect((mine.people as Row[]).map((r) => r.userId)).toEqual([ids.sales1]);
    close((mine.people as Row[])[0] as Row, { ...expectedJuly('sales1'), targetValue: 50000 });
    const all = await get(ADMIN, '/api/v1/insights/forecast/people');
    const people = all.people as Row[];
    for (const key of ['manager1', 'manager2', 'sales1', 'sales2', 'sales3', 'sales4']) {
      expect(people.map((r) => r.userId)).toContain(ids[key]);
    }
    close(row(people, 'sales3'), { ...expectedJuly('sales3'), targetValue: null });
    // No team target for the whole company: the people's targets add up.
    close(all.team, { targetValue: 70000, targetCount: 7 });
  });

  it('counts a quarter already over as what was won', async () => {
    const body = await get('sales1@demo.test', '/api/v1/insights/forecast/people?period=quarter&date=2030-05-10');
    expect(body.period).toEqual({ kind: 'quarter', from: '2030-04-01', to: '2030-06-30' });
    const won = wonIn(monthStart(2030, 4), monthStart(2030, 7), ['sales1']);
    const value = won.reduce((s, f) => s + f.value, 0);
    expect(won.length).toBeGreaterThan(0);
    close((body.people as Row[])[0] as Row, {
      wonValue: value,
      wonCount: won.length,
      expectedValue: value,
      expectedCount: won.length,
      targetValue: 30000,
      gapValue: value - 30000,
    });
  });

  it('names a bad parameter', async () => {
    const base = '/api/v1/insights/forecast/people';
    expectProblem(await t.as(ADMIN, 'GET', `${base}?period=year`), 400, 'validation_failed', 'period');
    for (const d of ['2030-02-30', 'tomorrow', '2030-7-1']) {
      expectProblem(await t.as(ADMIN, 'GET', `${base}?date=${d}`), 400, 'validation_failed', 'date');
    }
  });
});
