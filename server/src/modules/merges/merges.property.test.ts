import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { leadRelations } from '../leads/lead-relations.ts';
import { chosenColumns } from './merge-fields.ts';
import { createLead } from './merges.fixtures.ts';

/**
 * For random leads with random relations and a random merge: no row of a lead-owned table is lost by the merge
 * (each is on the survivor, unchanged but for its lead), and undo puts the database back exactly as it was: every
 * column of every lead row (but version and updated_at, which every write moves on) and every related row.
 */
let t: TestApp;
let companyId: string;
const ADMIN = 'admin@demo.test';
const people: Record<string, string[]> = {};

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  people.sales = await Promise.all([1, 2, 3, 4].map((i) => userId(t, `sales${i}@demo.test`)));
  people.warriors = await Promise.all([1, 2, 3].map((i) => userId(t, `warrior${i}@demo.test`)));
  people.coSales = [await userId(t, 'cosales@demo.test'), people.sales[2] as string];
  for (const field of [
    { key: 'ref_code', label: 'Reference', type: 'text' },
    { key: 'seats', label: 'Seats', type: 'number' },
  ]) {
    const response = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', field);
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(() => t.close());

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const leadArb = fc.record({
  name: fc.constantFrom('Asha Verma', 'Asha V', 'Ravi Kumar', 'Meena Shah'),
  companyName: maybe(fc.constantFrom('Acme', 'Globex', 'Initech')),
  city: maybe(fc.constantFrom('Pune', 'Mumbai', 'Delhi')),
  product: maybe(fc.constantFrom('CRM', 'ERP')),
  expectedValue: maybe(fc.integer({ min: 0, max: 500_000 })),
  expectedCloseDate: maybe(fc.constantFrom('2026-03-31', '2026-06-30')),
  emails: fc.subarray(['asha@verma.example', 'asha.v@mail.example', 'ravi@kumar.example']),
  phones: fc.subarray(['+91 98200 11111', '+91 98200 22222', '98200 33333']),
  tags: fc.subarray(['hot', 'expo', 'referral']),
  owner: fc.nat(3),
  warriors: fc.subarray([0, 1, 2]),
  coSales: fc.subarray([0, 1]),
  custom: fc.record({ ref_code: maybe(fc.constantFrom('R-1', 'R-2')), seats: maybe(fc.integer({ min: 1, max: 50 })) }),
  notes: fc.integer({ min: 0, max: 2 }),
  stageMoves: fc.array(fc.constantFrom('demo', 'proposal', 'trial'), { maxLength: 2 }),
  reassignTo: maybe(fc.nat(3)),
});
const choosable = ['name', 'companyName', 'city', 'product', 'expectedValue', 'expectedCloseDate', 'stage', 'ownerId'];
const mergeArb = fc.record({
  leads: fc.array(leadArb, { minLength: 2, maxLength: 4 }),
  survivor: fc.nat(3),
  choices: fc.dictionary(fc.constantFrom(...choosable, 'customFields.ref_code', 'customFields.seats'), fc.nat(3), {
    maxKeys: 4,
  }),
});
type LeadSpec = typeof leadArb extends fc.Arbitrary<infer T> ? T : never;

/** Creates a lead as the spec says, then works it: notes, stage moves, a reassignment. */
async function makeLead(spec: LeadSpec): Promise<string> {
  const pick = (list: string[] | undefined, i: number) => (list ?? [])[i] as string;
  const { custom, notes, stageMoves, reassignTo, owner, warriors, coSales, ...fields } = spec;
  const lead = await createLead(t, {
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    customFields: Object.fromEntries(Object.entries(custom).filter(([, v]) => v !== undefined)),
    ownerId: pick(people.sales, owner),
    warriorIds: warriors.map((i) => pick(people.warriors, i)),
    coSalesIds: coSales.map((i) => pick(people.coSales, i)),
  });
  const step = async (method: string, path: string, body: object) => {
    t.clock.advance(1000);
    const response = await t.as(ADMIN, method, `/api/v1/leads/${lead.id}${path}`, body);
    expect(response.statusCode, response.body).toBeLessThan(300);
  };
  for (let i = 0; i < notes; i++) await step('POST', '/notes', { body: `Note ${i + 1}` });
  for (const stage of stageMoves) await step('POST', '/stage', { stage });
  if (reassignTo !== undefined) await step('POST', '/assign', { ownerId: pick(people.sales, reassignTo) });
  return lead.id;
}

interface Snapshot {
  leads: Map<string, Record<string, unknown>>;
  rows: Map<string, Map<string, Record<string, unknown>>>;
}

/** Every column of the leads and of every row of every lead-owned table that belongs to them. */
async function snapshot(ids: string[]): Promise<Snapshot> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const leads = await sql<{ id: string; row: Record<string, unknown> }>`
      SELECT id, to_jsonb(l) AS row FROM leads l WHERE id = ANY(${ids}::uuid[])`.execute(trx);
    const rows = new Map<string, Map<string, Record<string, unknown>>>();
    for (const { table } of leadRelations) {
      const result = await sql<{ id: string; row: Record<string, unknown> }>`
        SELECT id, to_jsonb(r) AS row FROM ${sql.table(table)} r WHERE lead_id = ANY(${ids}::uuid[])`.execute(trx);
      rows.set(table, new Map(result.rows.map((r) => [r.id, r.row])));
    }
    return { leads: new Map(leads.rows.map((r) => [r.id, r.row])), rows };
  });
}

const withoutWriteMarks = (row: Record<string, unknown> | undefined) => {
  const { version: _version, updated_at: _updated, ...rest } = row ?? {};
  return rest;
};

describe('merge and undo, for random leads', () => {
  it('moves every related row to the survivor, and undo restores every row exactly', async () => {
    await fc.assert(
      fc.asyncProperty(mergeArb, async ({ leads, survivor, choices }) => {
        const ids: string[] = [];
        for (const spec of leads) ids.push(await makeLead(spec));
        const survivorId = ids[survivor % ids.length] as string;
        const mergedIds = ids.filter((id) => id !== survivorId);
        const fieldChoices = Object.fromEntries(
          Object.entries(choices).map(([field, i]) => [field, ids[i % ids.length] as string]),
        );
        const before = await snapshot(ids);

        t.clock.advance(60_000);
        const response = await t.as(ADMIN, 'POST', '/api/v1/leads/merge', { survivorId, mergedIds, fieldChoices });
        expect(response.statusCode, response.body).toBe(201);
        const merged = await snapshot(ids);
        for (const [table, rows] of before.rows) {
          const now = merged.rows.get(table) ?? new Map();
          for (const [id, row] of rows) {
            expect(now.get(id), `${table} ${id}`).toEqual({ ...row, lead_id: survivorId });
          }
          // Only the survivor's own record of the merge is new: a stage move or an assignment.
          expect(now.size - rows.size).toBeLessThanOrEqual(1);
        }
        for (const id of mergedIds) expect(merged.leads.get(id)?.merged_into).toBe(survivorId);
        const union = (column: string) => [...new Set(ids.flatMap((id) => before.leads.get(id)?.[column] as string[]))];
        for (const column of ['emails', 'phones', 'tags', 'warrior_ids', 'co_sales_ids']) {
          expect(new Set(merged.leads.get(survivorId)?.[column] as string[])).toEqual(new Set(union(column)));
        }
        const survivorRow = merged.leads.get(survivorId) ?? {};
        for (const [field, leadId] of Object.entries(fieldChoices)) {
          const source = before.leads.get(leadId) ?? {};
          const key = field.startsWith('customFields.') ? field.slice('customFields.'.length) : null;
          if (key) {
            const valueIn = (row: Record<string, unknown>) => (row.custom_fields as Record<string, unknown>)[key];
            expect(valueIn(survivorRow), field).toEqual(valueIn(source));
          } else {
            const column = chosenColumns[field] as string;
            expect(survivorRow[column], field).toEqual(source[column]);
          }
        }

        t.clock.advance(60_000);
        const undone = await t.as(ADMIN, 'POST', `/api/v1/leads/merges/${response.json().mergeId}/undo`);
        expect(undone.statusCode, undone.body).toBe(200);
        const after = await snapshot(ids);
        for (const id of ids) {
          expect(withoutWriteMarks(after.leads.get(id)), id).toEqual(withoutWriteMarks(before.leads.get(id)));
          expect(after.leads.get(id)?.version).toBe((before.leads.get(id)?.version as number) + 2);
        }
        for (const [table, rows] of before.rows) expect(after.rows.get(table), table).toEqual(rows);
      }),
      { numRuns: 20 },
    );
  });
});
