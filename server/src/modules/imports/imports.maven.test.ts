import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { fixture, resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

/**
 * Real data: the 8,800 opportunities of the Maven "CRM + Sales Opportunities" data set, imported with a saved
 * mapping: their stages onto the pipeline, agents onto users created for them under their managers, the
 * regional office (joined from the teams file, as a person would) as territory, and their history: engage_date
 * as the created date, close_date as the date a Won or Lost deal closed. The board's counts per stage then grow
 * by exactly the file's, and the figures of the imported history (win rates, won value, sales cycle) read from
 * the database equal those computed straight from the CSV.
 */
let t: TestApp;
const admin = 'admin@demo.test';
type Row = Record<string, string>;
const pipeline = parse(fixture('maven_sales_pipeline.csv'), { columns: true }) as Row[];
const teams = parse(fixture('maven_sales_teams.csv'), { columns: true }) as Row[];
const teamOf = new Map(teams.map((r) => [r.sales_agent as string, r]));

/** The opportunities with each agent's regional office beside them. */
const opportunities = pipeline.map((r) => ({
  ...r,
  regional_office: teamOf.get(r.sales_agent as string)?.regional_office ?? '',
}));
const file = stringify(opportunities, { header: true });

const slug = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, '.');
/** A calendar day of the file, at its midnight on the company's clock (the demo company is in Asia/Kolkata). */
const midnight = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();

async function createUser(name: string, role: string, managerId: string | null): Promise<string> {
  const response = await t.as(admin, 'POST', '/api/v1/users', {
    name,
    email: `${slug(name)}@maven.example`,
    role,
    managerId,
    password: 'maven-import-password-2026',
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

const stageCounts = async () => {
  const data = (await t.as(admin, 'GET', '/api/v1/leads/counts')).json().data as {
    stage: string;
    count: number;
    value: number;
  }[];
  return Object.fromEntries(data.map((d) => [d.stage, d]));
};

/** The figures the reports over this history must show. */
interface Figures {
  winRate: { agent: Record<string, number>; manager: Record<string, number>; office: Record<string, number> };
  wonValueByProduct: Record<string, number>;
  /** Average days from created (engaged) to won, over won deals. */
  salesCycleDays: number;
  won: number;
  lost: number;
}

/** The figures straight from the CSV files. */
function figuresFromCsv(): Figures {
  const closed = pipeline.filter((r) => r.deal_stage === 'Won' || r.deal_stage === 'Lost');
  const winRate = (key: (r: Row) => string) => {
    const tally = new Map<string, { won: number; closed: number }>();
    for (const r of closed) {
      const t = tally.get(key(r)) ?? { won: 0, closed: 0 };
      t.closed++;
      if (r.deal_stage === 'Won') t.won++;
      tally.set(key(r), t);
    }
    return Object.fromEntries([...tally].map(([k, v]) => [k, v.won / v.closed]));
  };
  const team = (r: Row) => teamOf.get(r.sales_agent as string) as Row;
  const won = pipeline.filter((r) => r.deal_stage === 'Won');
  const wonValueByProduct: Record<string, number> = {};
  for (const r of won) {
    wonValueByProduct[r.product as string] = (wonValueByProduct[r.product as string] ?? 0) + Number(r.close_value);
  }
  const days = won.map((r) => (Date.parse(r.close_date as string) - Date.parse(r.engage_date as string)) / 86_400_000);
  return {
    winRate: {
      agent: winRate((r) => r.sales_agent as string),
      manager: winRate((r) => team(r).manager as string),
      office: winRate((r) => team(r).regional_office as string),
    },
    wonValueByProduct,
    salesCycleDays: days.reduce((a, b) => a + b, 0) / days.length,
    won: won.length,
    lost: closed.length - won.length,
  };
}

/**
 * The same figures from the database, in plain SQL over leads and their stage history (the imported leads are
 * the ones tagged maven). When the reports API serves these measures, this is the one function to swap for it.
 */
/**
 * The same figures as the reports show them (POST /reports/run over the imported leads, tagged `maven`): win
 * rate per owner, per team (each manager's people) and per territory (the regional office), won value per
 * product, and the average sales cycle (created to won) over every won deal.
 */
async function figuresFromReports(): Promise<Figures> {
  const run = async (report: unknown) => {
    const res = await t.as(admin, 'POST', '/api/v1/reports/run', {
      report,
      from: '2000-01-01',
      to: '2100-12-31',
      filters: { tags: 'maven' },
      limit: 5000,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      rows: { values: Record<string, number | string | null>; labels: Record<string, string> }[];
      totals: Record<string, number | null>;
    };
  };
  const byName = async (dimension: string, measure: string) => {
    const result = await run({ subject: 'leads', measures: [measure], groupBy: [dimension] });
    return Object.fromEntries(
      result.rows
        .filter((r) => r.values[measure] !== null)
        .map((r) => [r.labels[dimension] as string, Number(r.values[measure])]),
    );
  };
  const totals = (await run({ subject: 'leads', measures: ['salesCycle', 'wonLeads', 'lostLeads'] })).totals;
  return {
    winRate: {
      agent: await byName('ownerId', 'winRate'),
      manager: await byName('team', 'winRate'),
      office: await byName('territory', 'winRate'),
    },
    wonValueByProduct: await byName('product', 'wonValue'),
    salesCycleDays: Number(totals.salesCycle) / 86_400,
    won: Number(totals.wonLeads),
    lost: Number(totals.lostLeads),
  };
}

/** Each figure equal to its expected one (ratios to 12 decimals: the same division, done twice). */
function expectFigures(actual: Figures, expected: Figures) {
  for (const key of ['agent', 'manager', 'office'] as const) {
    expect(Object.keys(actual.winRate[key]).sort(), key).toEqual(Object.keys(expected.winRate[key]).sort());
    for (const [name, rate] of Object.entries(expected.winRate[key])) {
      expect(actual.winRate[key][name], `${key} ${name}`).toBeCloseTo(rate, 12);
    }
  }
  expect(actual.wonValueByProduct).toEqual(expected.wonValueByProduct);
  expect(actual.salesCycleDays).toBeCloseTo(expected.salesCycleDays, 9);
  expect({ won: actual.won, lost: actual.lost }).toEqual({ won: expected.won, lost: expected.lost });
}

let before: Awaited<ReturnType<typeof stageCounts>>;
let imp: { id: string; columnValues: Record<string, string[]> };
let importedAt: string;

beforeAll(async () => {
  t = await createTestApp();
  const managers = new Map<string, string>();
  for (const manager of new Set(teams.map((r) => r.manager as string))) {
    managers.set(manager, await createUser(manager, 'MANAGER', null));
  }
  for (const agent of teams) {
    await createUser(agent.sales_agent as string, 'SALESPERSON', managers.get(agent.manager as string) ?? null);
  }
  const saved = await t.as(admin, 'POST', '/api/v1/imports/mappings', {
    name: 'Maven sales pipeline',
    mapping: {
      columns: {
        opportunity_id: 'name',
        account: ['companyName', 'name'],
        sales_agent: 'owner',
        product: 'product',
        deal_stage: 'stage',
        engage_date: 'createdAt',
        close_date: ['closedAt', 'expectedCloseDate'],
        close_value: 'expectedValue',
        regional_office: 'territory',
      },
      values: { stage: { Prospecting: 'new', Engaging: 'demo', Won: 'won', Lost: 'lost' } },
      constants: { lostReason: 'Lost (the data set records no reason)', tags: 'maven' },
    },
  });
  expect(saved.statusCode, saved.body).toBe(201);
  before = await stageCounts();
  imp = await uploaded(t, admin, 'sales_pipeline.csv', file, { mappingId: saved.json().id });
  expect(imp).toMatchObject({ progress: { totalRows: 8800 }, parseFailures: 0, mappingId: saved.json().id });
  const dry = (await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {})).json();
  expect(dry).toMatchObject({ totalRows: 8800, create: 8800, fail: 0, duplicates: 0, rows: [] });
  importedAt = t.clock.now().toISOString();
  const done = await runToEnd(t, admin, imp.id);
  expect(done).toMatchObject({
    status: 'done',
    progress: { rowsDone: 8800, totalRows: 8800 },
    counts: { created: 8800, updated: 0, skipped: 0, failed: 0 },
  });
}, 300_000);
afterAll(() => t.close());

describe('the Maven CRM opportunities', () => {
  it('import cleanly with a saved mapping, and the counts per stage grow by the file’s', async () => {
    expect(imp.columnValues.deal_stage).toEqual(['Engaging', 'Lost', 'Prospecting', 'Won']);
    const after = await stageCounts();
    const grew = (stage: string) => (after[stage]?.count ?? 0) - (before[stage]?.count ?? 0);
    expect({ new: grew('new'), demo: grew('demo'), won: grew('won'), lost: grew('lost') }).toEqual({
      new: 500,
      demo: 1589,
      won: 4238,
      lost: 2473,
    });
    const wonValue = pipeline.filter((r) => r.deal_stage === 'Won').reduce((sum, r) => sum + Number(r.close_value), 0);
    expect((after.won?.value ?? 0) - (before.won?.value ?? 0)).toBe(wonValue);

    const rows = await resultRows(t, admin, imp.id);
    const first = pipeline[0] as Row;
    const lead = (await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json();
    expect(lead).toMatchObject({
      name: `${first.opportunity_id} ${first.account}`,
      companyName: first.account,
      product: first.product,
      stage: 'won',
      expectedValue: Number(first.close_value),
      expectedCloseDate: first.close_date,
      ownerName: first.sales_agent,
      territory: teamOf.get(first.sales_agent as string)?.regional_office,
      tags: ['maven'],
      lostReason: null,
    });
    const leadOf = async (i: number) => (await t.as(admin, 'GET', `/api/v1/leads/${rows[i + 1]?.[2]}`)).json();
    const noAccount = pipeline.findIndex((r) => !r.account);
    expect(await leadOf(noAccount)).toMatchObject({
      name: pipeline[noAccount]?.opportunity_id,
      companyName: null,
      stage: { Prospecting: 'new', Engaging: 'demo' }[pipeline[noAccount]?.deal_stage ?? ''],
      expectedValue: null,
      lostReason: null,
    });
    const lostRow = pipeline.findIndex((r) => r.deal_stage === 'Lost');
    expect(await leadOf(lostRow)).toMatchObject({
      stage: 'lost',
      expectedValue: 0,
      lostReason: 'Lost (the data set records no reason)',
    });
  });

  it('carry their history: created when engaged, won or lost when closed, in the stage history', async () => {
    const rows = await resultRows(t, admin, imp.id);
    const leadId = (i: number) => rows[i + 1]?.[2] as string;
    const history = async (i: number) =>
      (await t.as(admin, 'GET', `/api/v1/leads/${leadId(i)}/stage-history`)).json().data;

    const won = pipeline[0] as Row;
    const engaged = midnight(won.engage_date as string);
    const closed = midnight(won.close_date as string);
    expect((await t.as(admin, 'GET', `/api/v1/leads/${leadId(0)}`)).json()).toMatchObject({
      createdAt: engaged,
      stageChangedAt: closed,
      lastTouchedAt: closed,
    });
    expect(await history(0)).toMatchObject([
      { fromStage: null, toStage: 'new', at: engaged, secondsInPrevious: null },
      {
        fromStage: 'new',
        toStage: 'won',
        at: closed,
        secondsInPrevious: (Date.parse(closed) - Date.parse(engaged)) / 1000,
      },
    ]);

    // Engaging: created when engaged, in its stage since then (the file says no more).
    const engaging = pipeline.findIndex((r) => r.deal_stage === 'Engaging');
    const at = midnight(pipeline[engaging]?.engage_date as string);
    expect((await t.as(admin, 'GET', `/api/v1/leads/${leadId(engaging)}`)).json()).toMatchObject({
      stage: 'demo',
      createdAt: at,
      stageChangedAt: at,
      expectedCloseDate: null,
    });
    expect(await history(engaging)).toMatchObject([{ fromStage: null, toStage: 'demo', at }]);

    // Prospecting rows have no dates: created by the import, now, as any import's.
    const prospecting = pipeline.findIndex((r) => r.deal_stage === 'Prospecting');
    expect((await t.as(admin, 'GET', `/api/v1/leads/${leadId(prospecting)}`)).json()).toMatchObject({
      stage: 'new',
      createdAt: importedAt,
      stageChangedAt: importedAt,
    });
    expect(await history(prospecting)).toMatchObject([{ fromStage: null, toStage: 'new', at: importedAt }]);
  });

  it('give win rates per agent, manager and office, won value per product and the sales cycle of the CSV', async () => {
    const expected = figuresFromCsv();
    expect(Object.keys(expected.winRate.manager)).toHaveLength(6);
    expect(Object.keys(expected.winRate.office).sort()).toEqual(['Central', 'East', 'West']);
    expect(expected.salesCycleDays).toBeGreaterThan(1);
    expectFigures(await figuresFromReports(), expected);
  });
});
