import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { ADMIN, created, freshEmail, freshPhone } from './duplicates.fixtures.ts';
import { findDuplicatesMany, loadDuplicateSettings } from './duplicates.match.ts';

let t: TestApp;
let companyId: string;
let otherCompanyId: string;
const ids: Record<string, string> = {};
const email = freshEmail();
const phone = freshPhone();

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/company')).json().id;
  otherCompanyId = (await t.as('admin@other.test', 'GET', '/api/v1/company')).json().id;
  const sales1 = await userId(t, 'sales1@demo.test');
  const make = (body: Record<string, unknown>) =>
    created(t, ADMIN, { ownerId: sales1, ...body }, '?onDuplicate=create');
  ids.byEmail = await make({ name: 'Ingrid Vasquez-Holm', emails: [email] });
  ids.byPhone = await make({ name: 'Tobias Wren', phones: [phone] });
  ids.byName = await make({ name: 'Octavia Brackwater', companyName: 'Lindqvist Marine Pvt Ltd' });
  ids.numbered = await make({ name: 'Rookwood Depot 7' });
  ids.trashed = await make({ name: 'Gallowglass Quarry', emails: ['quarry@dedup-match.example'] });
  expect((await t.as(ADMIN, 'DELETE', `/api/v1/leads/${ids.trashed}`)).statusCode).toBeLessThan(300);
});
afterAll(() => t.close());

async function batch(probes: Parameters<typeof findDuplicatesMany>[2], options = {}) {
  return withTenant(t.dbs.app, companyId, async (trx) =>
    findDuplicatesMany(trx, await loadDuplicateSettings(trx), probes, options),
  );
}

describe('findDuplicatesMany (the import form)', () => {
  it('answers each probe of a batch in order, on e-mail, phone and the words of the name', async () => {
    const found = await batch([
      { emails: [` ${email.toUpperCase()}`], phones: [] },
      { emails: [], phones: [phone] },
      { emails: [], phones: [], name: 'BRACKWATER, Octavia', companyName: 'Lindqvist Marine Private Limited' },
      { emails: [], phones: [], name: 'Octavia Brackwater', companyName: 'Saffronia Foods' },
      { emails: [], phones: [], name: 'Rookwood Depot 8' },
      { emails: [], phones: [], name: 'depot rookwood 7' },
      { emails: ['quarry@dedup-match.example'], phones: [], name: 'Gallowglass Quarry' },
      { emails: [freshEmail()], phones: [freshPhone()], name: 'Nobody Atall' },
    ]);
    const pick = (i: number) => found[i]?.map((m) => [m.id, m.matchedOn.join('+'), m.score]);
    expect(pick(0)).toEqual([[ids.byEmail, 'email', 1]]);
    expect(pick(1)).toEqual([[ids.byPhone, 'phone', 1]]);
    expect(pick(2)).toEqual([[ids.byName, 'name', 1]]);
    expect(pick(3)).toEqual([]);
    expect(pick(4)).toEqual([]);
    expect(pick(5)).toEqual([[ids.numbered, 'name', 1]]);
    expect(pick(6)).toEqual([]);
    expect(pick(7)).toEqual([]);
  });

  it('leaves typos to the fuzzy form, and excludes the ids it is told to', async () => {
    const probe = { emails: [email], phones: [], name: 'Octavia Brakwater' };
    expect((await batch([probe]))[0]?.map((m) => m.id)).toEqual([ids.byEmail]);
    const fuzzy = await batch([probe], { fuzzyNames: true });
    expect(fuzzy[0]?.map((m) => m.id)).toEqual([ids.byEmail, ids.byName]);
    expect((await batch([probe], { fuzzyNames: true, excludeIds: [ids.byEmail] }))[0]?.map((m) => m.id)).toEqual([
      ids.byName,
    ]);
  });

  it("sees only its own company's leads", async () => {
    const found = await withTenant(t.dbs.app, otherCompanyId, async (trx) =>
      findDuplicatesMany(trx, await loadDuplicateSettings(trx), [{ emails: [email], phones: [phone] }]),
    );
    expect(found).toEqual([[]]);
  });
});
