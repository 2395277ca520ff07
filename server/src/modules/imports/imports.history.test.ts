import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

/**
 * Imports carrying history: a created date, and the date a Won or Lost row closed. Without them a lead is
 * created now, as always; a bad date is its row's error, naming the field and the column.
 */
let t: TestApp;
const admin = 'admin@demo.test';
const sales = 'sales1@demo.test';

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-20T06:30:00.000Z'));
});
afterAll(() => t.close());

/** A day of the file at its midnight on the company's clock (Asia/Kolkata). */
const midnight = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();

const leadOf = async (id: string) => (await t.as(admin, 'GET', `/api/v1/leads/${id}`)).json();
const historyOf = async (id: string) => (await t.as(admin, 'GET', `/api/v1/leads/${id}/stage-history`)).json().data;

/** Runs an import and returns the lead of each row, by its line in the file (the header is line 1). */
async function imported(who: string, id: string): Promise<Map<number, string>> {
  const done = await runToEnd(t, who, id);
  expect(done.status).toBe('done');
  // The result file: Row, Outcome, Lead ID, Reason, then the row's cells.
  const rows = await resultRows(t, who, id);
  return new Map(rows.slice(1).flatMap((r) => (r[2] ? [[Number(r[0]), r[2]] as [number, string]] : [])));
}

describe('imports with historical dates', () => {
  it('without dates, creates each lead now, with one history entry, exactly as before', async () => {
    const now = t.clock.now().toISOString();
    const imp = await uploaded(
      t,
      admin,
      'plain.csv',
      'Name,Status,Amount,Close Date\nPlain Won,Won,5000,2027-01-31\nPlain New,New,,\n',
    );
    // "Close Date" stays the expected close date: only closed-only names suggest the date a deal closed.
    expect(imp.suggestedMapping.columns).toEqual({
      Name: 'name',
      Status: 'stage',
      Amount: 'expectedValue',
      'Close Date': 'expectedCloseDate',
    });
    const leads = await imported(admin, imp.id);
    for (const row of [2, 3]) {
      const id = leads.get(row) as string;
      expect(await leadOf(id)).toMatchObject({ createdAt: now, stageChangedAt: now, lastTouchedAt: now });
      expect(await historyOf(id)).toEqual([
        expect.objectContaining({ fromStage: null, at: now, secondsInPrevious: null }),
      ]);
    }
    expect(await leadOf(leads.get(2) as string)).toMatchObject({ stage: 'won', expectedCloseDate: '2027-01-31' });
  });

  it('reports a bad date as its row’s error, naming the field and the column, and imports the rest', async () => {
    const csv = [
      'Name,Status,Amount,Created,Date Closed',
      'Future Created,Won,100,2099-01-01,',
      'Before Epoch,Won,100,1969-12-31,',
      'Closed Before Created,Won,100,2024-05-01,2024-04-01',
      'Not A Date,Won,100,someday,',
      'Closed Later,Lost,,2024-05-01,31/12/2099',
      'Good Won,Won,100,15/01/2024 14:30,01/03/2024',
      'Good Open,New,,2024-01-15,2099-12-31',
    ].join('\n');
    const imp = await uploaded(t, sales, 'history.csv', csv);
    expect(imp.suggestedMapping.columns).toMatchObject({ Created: 'createdAt', 'Date Closed': 'closedAt' });
    const mapping = { ...imp.suggestedMapping, constants: { lostReason: 'No budget' } };
    const dry = await t.as(sales, 'POST', `/api/v1/imports/${imp.id}/dry-run`, { mapping });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ create: 2, fail: 5 });
    const errors = Object.fromEntries(
      dry.json().rows.map((r: { row: number; errors: unknown[] }) => [r.row, r.errors]),
    );
    expect(errors).toEqual({
      2: [{ field: 'createdAt', column: 'Created', message: 'must not be in the future' }],
      3: [{ field: 'createdAt', column: 'Created', message: 'must not be before 1970' }],
      4: [
        {
          field: 'stageChangedAt',
          column: 'Date Closed',
          message: 'must not be before the created date (createdAt)',
        },
      ],
      5: [{ field: 'createdAt', column: 'Created', message: expect.stringContaining('"someday" is not a date') }],
      6: [{ field: 'stageChangedAt', column: 'Date Closed', message: 'must not be in the future' }],
    });

    const leads = await imported(sales, imp.id);
    expect([...leads.keys()]).toEqual([7, 8]);
    const rows = await resultRows(t, sales, imp.id);
    expect(rows.find((r) => r[0] === '2')?.[3]).toBe('createdAt (column "Created"): must not be in the future');

    // A salesperson imports history (leads:import): created at the file's time, won on its day.
    const won = leads.get(7) as string;
    const created = new Date('2024-01-15T14:30:00+05:30').toISOString();
    const closed = midnight('2024-03-01');
    expect(await leadOf(won)).toMatchObject({ stage: 'won', createdAt: created, stageChangedAt: closed });
    expect(await historyOf(won)).toMatchObject([
      { fromStage: null, toStage: 'new', at: created, secondsInPrevious: null },
      {
        fromStage: 'new',
        toStage: 'won',
        at: closed,
        secondsInPrevious: (Date.parse(closed) - Date.parse(created)) / 1000,
      },
    ]);
    // An open row's close date is only expected: it is not read as the date it closed.
    const open = leads.get(8) as string;
    expect(await leadOf(open)).toMatchObject({
      stage: 'new',
      createdAt: midnight('2024-01-15'),
      stageChangedAt: midnight('2024-01-15'),
    });
    expect(await historyOf(open)).toMatchObject([{ fromStage: null, toStage: 'new', at: midnight('2024-01-15') }]);
  });

  it('imports a row without its bad date when the mapping skips bad values', async () => {
    const imp = await uploaded(t, admin, 'skip.csv', 'Name,Created\nSkipped Date,2099-01-01\n');
    const mapping = { columns: { Name: 'name', Created: 'createdAt' }, badValues: 'skip_value' };
    const leads = await imported(
      admin,
      (await t.as(admin, 'PUT', `/api/v1/imports/${imp.id}/mapping`, { mapping })).json().id,
    );
    const now = t.clock.now().toISOString();
    expect(await leadOf(leads.get(2) as string)).toMatchObject({ createdAt: now });
    const rows = await resultRows(t, admin, imp.id);
    expect(rows[1]?.[3]).toBe('Imported without Created "2099-01-01" (must not be in the future)');
  });
});
