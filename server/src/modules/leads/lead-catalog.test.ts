import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { targetFields } from '../imports/imports.schemas.ts';
import { suggestMapping } from '../imports/imports.suggest.ts';
import {
  besideFields,
  besideTables,
  internalLeadColumns,
  type LeadFieldDef,
  leadFields,
  ownFields,
} from './lead-catalog.ts';
import { leadColumns } from './leads.repository.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ADMIN = 'admin@demo.test';
const flagged = (test: (f: LeadFieldDef) => unknown) => leadFields.filter((f) => test(f));

/** A value of each field that the API takes, for the checks that write one. */
const samples: Record<string, unknown> = {
  name: 'Catalog Probe',
  companyName: 'Probe Industries',
  emails: ['probe@catalog.test'],
  phones: ['+919812300001'],
  source: 'referral',
  campaign: 'Diwali',
  product: 'ERP',
  city: 'Pune',
  state: 'Maharashtra',
  country: 'India',
  territory: 'West',
  expectedValue: 4200,
  currency: 'INR',
  expectedCloseDate: '2031-03-04',
  tags: ['probe'],
  notes: 'a note',
  lostReason: 'price',
};

describe('the lead field catalog', () => {
  it('declares every column of leads, as a field or as internal, with the column nullability', async () => {
    const { rows } = await sql<{ column_name: string; is_nullable: string }>`
      SELECT column_name, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'leads'`.execute(t.dbs.owner);
    const declared = new Map(ownFields.map((f) => [f.column, f]));
    const internal = new Set<string>(internalLeadColumns);
    const undeclared = rows.filter((r) => !declared.has(r.column_name) && !internal.has(r.column_name));
    expect(
      undeclared.map((r) => r.column_name),
      'columns of leads missing from the catalog',
    ).toEqual([]);
    const columns = new Set(rows.map((r) => r.column_name));
    expect(
      [...declared.keys(), ...internal].filter((c) => !columns.has(c)),
      'catalog columns not in leads',
    ).toEqual([]);
    for (const r of rows) {
      const f = declared.get(r.column_name);
      if (f) expect(f.required === true, `${f.key} required`).toBe(r.is_nullable === 'NO');
    }
  });

  it('reads each field kept beside the lead from a column of its table, one row per lead, never written by a person', async () => {
    expect(besideFields.length).toBeGreaterThan(0);
    for (const f of besideFields) {
      const from = f.from as NonNullable<LeadFieldDef['from']>;
      const { rows } = await sql<{ column_name: string }>`
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ${from.table}`.execute(t.dbs.owner);
      const columns = rows.map((r) => r.column_name);
      expect(columns, f.key).toContain(from.column);
      // One row per lead at most: the lead's key is the table's primary key.
      const { rows: key } = await sql<{ columns: string[] }>`
        SELECT array_agg(a.attname::text ORDER BY a.attnum) AS columns FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = ${from.table}::regclass AND i.indisprimary`.execute(t.dbs.owner);
      expect(key[0]?.columns, f.key).toEqual(['company_id', 'lead_id']);
      expect(f.access, f.key).toBe('system');
      expect([f.import, f.fill, f.merge, f.condition, f.timeline, f.report, f.required], f.key).toEqual(
        Array(7).fill(undefined),
      );
    }
  });

  it('reads every field in the lead queries', () => {
    const selected = new Set(leadColumns.filter((c) => c.startsWith('l.')).map((c) => c.slice(2)));
    expect(ownFields.map((f) => f.column).filter((c) => !selected.has(c))).toEqual([]);
    for (const f of besideFields) {
      const from = f.from as NonNullable<LeadFieldDef['from']>;
      expect(leadColumns as readonly string[], f.key).toContain(
        `${besideTables[from.table]}.${from.column} as ${f.column}`,
      );
    }
  });

  it('filters the list by every field flagged filter, and sorts by every field flagged sort', async () => {
    const owner = await userId(t, 'sales1@demo.test');
    const valueFor = (f: LeadFieldDef) => {
      if (f.type === 'uuid' || f.type === 'uuid[]') return owner;
      if (f.display === 'stage') return 'new';
      if (f.display === 'source') return 'manual';
      if (f.display === 'currency') return 'INR';
      if (f.options) return f.options[0];
      return 'x';
    };
    for (const f of flagged((f) => f.filter)) {
      const params =
        f.filter?.kind === 'range'
          ? [`${f.key}.min=${f.type === 'numeric' || f.type === 'integer' ? 1 : '2020-01-01'}`]
          : [`${f.filter?.param ?? f.key}=${valueFor(f)}`];
      for (const p of params) {
        const response = await t.as(ADMIN, 'GET', `/api/v1/leads?limit=1&${p}`);
        expect(response.statusCode, `${p}: ${response.body}`).toBe(200);
      }
    }
    for (const f of flagged((f) => f.sort)) {
      for (const dir of ['', '-']) {
        const response = await t.as(ADMIN, 'GET', `/api/v1/leads?limit=2&sort=${dir}${f.sort?.by ?? f.key}`);
        expect(response.statusCode, `sort ${f.key}: ${response.body}`).toBe(200);
      }
    }
    const unknown = await t.as(ADMIN, 'GET', '/api/v1/leads?sort=version');
    expect(unknown.statusCode).toBe(400);
  });

  it('finds a lead by every field flagged search', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Zebulon Quartermaine',
      companyName: 'Xylophonic Works',
      emails: ['zq@xylophonic.test'],
      phones: ['+919800011122'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const probes: Record<string, string> = {
      name: 'Quartermaine',
      companyName: 'Xylophonic',
      emails: 'zq@xylophonic',
      phones: '98000 11122',
    };
    for (const f of flagged((f) => f.search)) {
      const q = probes[f.key];
      expect(q, `a probe for ${f.key}`).toBeDefined();
      const found = await t.as(ADMIN, 'GET', `/api/v1/leads?q=${encodeURIComponent(q as string)}`);
      expect(
        found.json().data.map((l: { id: string }) => l.id),
        f.key,
      ).toContain(created.json().id);
    }
  });

  it('lets an assignment rule test every field flagged condition', async () => {
    for (const f of flagged((f) => f.condition)) {
      const condition =
        f.condition === 'number' || f.condition === 'date'
          ? { field: f.key, op: 'range', min: f.condition === 'number' ? 1 : '2020-01-01' }
          : { field: f.key, op: 'is_empty' };
      const response = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules/test', {
        rule: {
          name: 'probe',
          strategy: 'round_robin',
          userIds: [await userId(t, 'sales1@demo.test')],
          conditions: [condition],
        },
        lead: { name: 'x' },
      });
      expect(response.statusCode, `${f.key}: ${response.body}`).toBe(200);
    }
    const refused = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules/test', {
      rule: { name: 'probe', strategy: 'round_robin', userIds: [], conditions: [{ field: 'version', op: 'is_empty' }] },
      lead: { name: 'x' },
    });
    expect(refused.statusCode).toBe(400);
  });

  it('maps an import column to every field flagged import, suggested from its header', () => {
    for (const f of flagged((f) => f.import && f.type !== 'jsonb')) {
      const target = f.import?.target ?? f.key;
      expect(targetFields, f.key).toContain(target);
      const header = f.import?.aliases[0] as string;
      const mapping = suggestMapping([header], { [header]: [] }, { customFields: [], stages: [], users: [] });
      expect(mapping.columns[header], `${f.key} from "${header}"`).toBe(target);
    }
  });

  it('exports every field flagged export, under its label', async () => {
    const keys = flagged((f) => f.export && f.type !== 'jsonb').map((f) => f.key);
    const response = await t.as(ADMIN, 'GET', `/api/v1/leads/export?format=csv&stage=won&columns=${keys.join(',')}`);
    expect(response.statusCode, response.body).toBe(200);
    const header = response.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    for (const f of flagged((f) => f.export && f.type !== 'jsonb')) expect(header, f.key).toContain(f.label);
  });

  it('lists every controlled field in the field permissions, with its label', async () => {
    const response = await t.as(ADMIN, 'GET', '/api/v1/field-permissions');
    expect(response.statusCode).toBe(200);
    const listed = new Set(response.json().data.map((e: { field: string }) => e.field));
    for (const f of flagged((f) => f.access === 'controlled' || f.access === 'assignment')) {
      expect(listed.has(f.key), f.key).toBe(true);
    }
  });

  it('fills every field flagged fill from an incoming duplicate, and merges every field flagged merge', async () => {
    const first = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', {
      name: 'Filled Later',
      emails: ['filled@catalog.test'],
    });
    expect(first.statusCode, first.body).toBe(201);
    const fills = flagged((f) => f.fill && f.type !== 'jsonb');
    const incoming = Object.fromEntries(fills.map((f) => [f.key, samples[f.key]]));
    const merged = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=merge', {
      name: 'Filled Later',
      emails: ['filled@catalog.test'],
      ...incoming,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const after = (await t.as(ADMIN, 'GET', `/api/v1/leads/${first.json().id}`)).json();
    for (const f of fills) expect(after[f.key], f.key).toEqual(samples[f.key]);

    const other = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Merge Partner' });
    for (const f of flagged((f) => f.merge)) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/leads/merge', {
        survivorId: first.json().id,
        mergedIds: [other.json().id],
        fieldChoices: { [f.key]: first.json().id, nonsense: first.json().id },
      });
      // The unknown field refuses the merge; the catalog field is refused only when it is combined, not chosen.
      expect(response.statusCode, f.key).toBe(400);
      const paths = response.json().errors.map((e: { path: string }) => e.path);
      expect(paths).toContain('fieldChoices.nonsense');
      expect(paths.includes(`fieldChoices.${f.key}`), f.key).toBe(f.merge === 'union');
    }
  });

  it('shows a change of every field flagged timeline on the lead timeline', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Timeline Probe' });
    const id = created.json().id;
    const editable = flagged((f) => f.timeline && f.access !== 'assignment' && samples[f.key] !== undefined);
    const body = Object.fromEntries(editable.map((f) => [f.key, samples[f.key]]));
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/leads/${id}`, {
      ...body,
      name: 'Timeline Probe 2',
      customFields: {},
      version: created.json().version,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const timeline = await t.as(ADMIN, 'GET', `/api/v1/leads/${id}/timeline?kinds=change`);
    const changed = new Set(
      timeline.json().data.flatMap((e: { change: { changes: object } }) => Object.keys(e.change.changes)),
    );
    for (const f of editable) expect(changed.has(f.key), f.key).toBe(true);
  });

  it('serves the catalog with the caller access: a partner does not see the deal value', async () => {
    const admin = await t.as(ADMIN, 'GET', '/api/v1/leads/catalog');
    expect(admin.statusCode).toBe(200);
    const keys = admin.json().builtIn.map((f: { key: string }) => f.key);
    expect(keys).toEqual(leadFields.map((f) => f.key));
    expect(admin.json().builtIn.find((f: { key: string }) => f.key === 'expectedValue')).toMatchObject({
      label: 'Expected value',
      access: 'write',
      filter: { kind: 'range' },
      report: 'measure',
    });
    const partner = await t.as('partner@demo.test', 'GET', '/api/v1/leads/catalog');
    expect(partner.statusCode).toBe(200);
    const seen = partner.json().builtIn.map((f: { key: string }) => f.key);
    expect(seen).not.toContain('expectedValue');
    expect(seen).toContain('name');
    const guest = await t.as('guest@demo.test', 'GET', '/api/v1/leads/catalog');
    expect(guest.json().builtIn.find((f: { key: string }) => f.key === 'name').access).toBe('read');
    expect((await t.as(null, 'GET', '/api/v1/leads/catalog')).statusCode).toBe(401);
  });
});
