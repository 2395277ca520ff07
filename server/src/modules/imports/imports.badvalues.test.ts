import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const csv = [
  'Name,Email,Phone,Amount,City',
  'Varsha Badvalue,varsha@example,+91 98450 22222,"12,000",Pune',
  'Wasim Badvalue,"wasim@example.in, not-an-email",,lots,Delhi',
  'Yamini Goodrow,yamini@example.in,,500,Agra',
  ',nobody@example.in,,,Nowhere',
].join('\r\n');

const mapping = (badValues?: 'reject_row' | 'skip_value') => ({
  columns: { Name: 'name', Email: 'email', Phone: 'phone', Amount: 'expectedValue', City: 'city' },
  ...(badValues ? { badValues } : {}),
});

type Lead = { name: string; emails: string[]; phones: string[]; expectedValue: number | null; city: string | null };

async function lead(name: string): Promise<Lead | undefined> {
  const found = (await t.as(admin, 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}`)).json().data as Lead[];
  return found.find((l) => l.name === name);
}

describe('a row with a bad value', () => {
  it('fails by default, as before', async () => {
    const imp = await uploaded(t, admin, 'reject.csv', csv);
    const dry = await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, { mapping: mapping() });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ create: 1, fail: 3, dropping: 0 });
  });

  it('is imported without that value when the import says skip_value, and says which it dropped', async () => {
    const imp = await uploaded(t, admin, 'skip.csv', csv.replaceAll('Badvalue', 'Skipvalue'));
    const dry = await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, { mapping: mapping('skip_value') });
    expect(dry.statusCode, dry.body).toBe(200);
    const result = dry.json();
    // The nameless row still fails: a name is never dropped.
    expect(result).toMatchObject({ create: 3, fail: 1, dropping: 2 });
    const varsha = result.rows.find((r: { row: number }) => r.row === 2);
    expect(varsha).toMatchObject({
      outcome: 'create',
      errors: [],
      dropped: [{ field: 'emails', column: 'Email', value: 'varsha@example', message: expect.any(String) }],
    });
    const wasim = result.rows.find((r: { row: number }) => r.row === 3);
    expect(wasim.dropped.map((d: { field: string; value: string }) => [d.field, d.value]).sort()).toEqual([
      ['emails', 'not-an-email'],
      ['expectedValue', 'lots'],
    ]);
    expect(result.rows.find((r: { row: number }) => r.row === 5)).toMatchObject({ outcome: 'fail' });

    const done = await runToEnd(t, admin, imp.id, { mapping: mapping('skip_value'), onDuplicate: 'create' });
    expect(done.counts).toMatchObject({ created: 3, failed: 1 });
    expect(await lead('Varsha Skipvalue')).toMatchObject({ emails: [], phones: ['+919845022222'], city: 'Pune' });
    expect(await lead('Wasim Skipvalue')).toMatchObject({
      emails: ['wasim@example.in'],
      expectedValue: null,
      city: 'Delhi',
    });
    const rows = await resultRows(t, admin, imp.id);
    const reason = (n: string) => rows.find((r) => r[0] === n)?.[3] ?? '';
    expect(rows.find((r) => r[0] === '2')?.[1]).toBe('created');
    expect(reason('2')).toMatch(/^Imported without Email "varsha@example" \(/);
    expect(reason('3')).toContain('"not-an-email"');
    expect(reason('3')).toContain('Amount "lots"');
    expect(reason('4')).toBe('');
  });

  it('refuses an unknown choice, naming it', async () => {
    const imp = await uploaded(t, admin, 'bad-choice.csv', csv);
    const body = { mapping: { ...mapping(), badValues: 'drop_everything' } };
    expectProblem(
      await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, body),
      400,
      'validation_failed',
      'mapping.badValues',
    );
  });
});
