import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { fixture, resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

/**
 * Real data: the 8,800 opportunities of the Maven "CRM + Sales Opportunities" data set, imported with a saved
 * mapping (their stages onto the pipeline, agents onto users created for them under their managers); the
 * board's counts per stage then grow by exactly the file's.
 */
let t: TestApp;
const admin = 'admin@demo.test';
const pipeline = parse(fixture('maven_sales_pipeline.csv'), { columns: true }) as Record<string, string>[];
const teams = parse(fixture('maven_sales_teams.csv'), { columns: true }) as Record<string, string>[];

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const slug = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, '.');

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

describe('the Maven CRM opportunities', () => {
  it('import cleanly with a saved mapping, and the counts per stage grow by the file’s', async () => {
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
          close_date: 'expectedCloseDate',
          close_value: 'expectedValue',
        },
        values: { stage: { Prospecting: 'new', Engaging: 'demo', Won: 'won', Lost: 'lost' } },
        constants: { lostReason: 'Lost (the data set records no reason)', tags: 'maven' },
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);

    const before = await stageCounts();
    const imp = await uploaded(t, admin, 'sales_pipeline.csv', fixture('maven_sales_pipeline.csv'), {
      mappingId: saved.json().id,
    });
    expect(imp).toMatchObject({ progress: { totalRows: 8800 }, parseFailures: 0, mappingId: saved.json().id });
    expect(imp.columnValues.deal_stage).toEqual(['Engaging', 'Lost', 'Prospecting', 'Won']);

    const dry = (await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {})).json();
    expect(dry).toMatchObject({ totalRows: 8800, create: 8800, fail: 0, duplicates: 0, rows: [] });
    const done = await runToEnd(t, admin, imp.id);
    expect(done).toMatchObject({
      status: 'done',
      progress: { rowsDone: 8800, totalRows: 8800 },
      counts: { created: 8800, updated: 0, skipped: 0, failed: 0 },
    });

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
    const first = pipeline[0] as Record<string, string>;
    const lead = (await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json();
    expect(lead).toMatchObject({
      name: `${first.opportunity_id} ${first.account}`,
      companyName: first.account,
      product: first.product,
      stage: 'won',
      expectedValue: Number(first.close_value),
      expectedCloseDate: first.close_date,
      ownerName: first.sales_agent,
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
  }, 300_000);
});
