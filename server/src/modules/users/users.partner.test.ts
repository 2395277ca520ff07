import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  create,
  d,
  expectProblem,
  get,
  id,
  newUser,
  OTHER,
  setupUsersApp,
  t,
  usersState,
} from './users.fixtures.ts';

/** Partner users: each belongs to one active partner organisation; no other role belongs to one. */

setupUsersApp();

let sunrise: string;
let dormant: string;
let otherPartner: string;

beforeAll(async () => {
  sunrise = (await t.as(ADMIN, 'GET', '/api/v1/partners?q=sunrise')).json().data[0].id;
  const created = await t.as(ADMIN, 'POST', '/api/v1/partners', { name: 'Dormant Distributors', active: false });
  expect(created.statusCode, created.body).toBe(201);
  dormant = created.json().id;
  const other = await t.as(OTHER, 'POST', '/api/v1/partners', { name: 'Other Co Resellers' });
  expect(other.statusCode, other.body).toBe(201);
  otherPartner = other.json().id;
});

describe('partner users', () => {
  it('the demo partner user belongs to Sunrise Channel Partners, and sees it on /auth/me', async () => {
    expect(await get(id('partner'))).toMatchObject({ partnerId: sunrise, partnerName: 'Sunrise Channel Partners' });
    const me = (await t.as(d('partner'), 'GET', '/api/v1/auth/me')).json();
    expect(me.user).toMatchObject({ partnerId: sunrise, partnerName: 'Sunrise Channel Partners' });
    expect((await get(id('sales1'))).partnerId).toBeNull();
  });

  it('creates a partner user with its partner', async () => {
    const user = await create(ADMIN, { role: 'PARTNER', partnerId: sunrise });
    expect(user).toMatchObject({ role: 'PARTNER', partnerId: sunrise, partnerName: 'Sunrise Channel Partners' });
  });

  it('refuses a partner user without an active partner of this company, and a partner on any other role', async () => {
    const before = await usersState();
    const cases: [Record<string, unknown>, string][] = [
      [{ role: 'PARTNER' }, 'without a partner'],
      [{ role: 'PARTNER', partnerId: null }, 'with a null partner'],
      [{ role: 'PARTNER', partnerId: dormant }, 'with an inactive partner'],
      [{ role: 'PARTNER', partnerId: otherPartner }, "with another company's partner"],
      [{ role: 'PARTNER', partnerId: '01900000-0000-7000-8000-000000000000' }, 'with an unknown partner'],
      [{ role: 'GUEST', partnerId: sunrise }, 'a guest with a partner'],
    ];
    for (const [body, label] of cases) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/users', newUser(body));
      expect(response.statusCode, label).toBe(422);
      expectProblem(response, 422, 'unprocessable', 'partnerId');
    }
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ role: 'PARTNER', partnerId: 'abc' })),
      400,
      'validation_failed',
      'partnerId',
    );
    expect(await usersState()).toBe(before);
  });

  it('moves a partner user to another partner; leaving the role leaves the partner', async () => {
    const user = await create(ADMIN, { role: 'PARTNER', partnerId: sunrise });
    const second = (await t.as(ADMIN, 'POST', '/api/v1/partners', { name: 'Konkan Coast Traders' })).json().id;
    const moved = await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { partnerId: second });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ partnerId: second, partnerName: 'Konkan Coast Traders' });

    const before = await usersState();
    for (const body of [{ partnerId: null }, { partnerId: dormant }, { role: 'GUEST', partnerId: second }]) {
      expectProblem(await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, body), 422, 'unprocessable', 'partnerId');
    }
    expect(await usersState()).toBe(before);

    const guest = await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { role: 'GUEST' });
    expect(guest.statusCode, guest.body).toBe(200);
    expect(guest.json()).toMatchObject({ role: 'GUEST', partnerId: null, partnerName: null });
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${user.id}`)).json().data;
    expect(audit[0].changes).toEqual({ role: { from: 'PARTNER', to: 'GUEST' }, partnerId: { from: second, to: null } });

    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { role: 'PARTNER' }),
      422,
      'unprocessable',
      'partnerId',
    );
    const back = await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { role: 'PARTNER', partnerId: sunrise });
    expect(back.json()).toMatchObject({ role: 'PARTNER', partnerId: sunrise });
  });

  it('keeps a partner user in its organisation when the organisation is deactivated', async () => {
    const org = (await t.as(ADMIN, 'POST', '/api/v1/partners', { name: 'Short Lived Partners' })).json().id;
    const user = await create(ADMIN, { role: 'PARTNER', partnerId: org });
    const off = await t.as(ADMIN, 'PATCH', `/api/v1/partners/${org}`, { active: false });
    expect(off.statusCode, off.body).toBe(200);
    // Its name can still change: the membership is not re-checked when it does not change.
    const renamed = await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { name: 'Renamed Partner Person' });
    expect(renamed.json()).toMatchObject({ name: 'Renamed Partner Person', partnerId: org });
  });
});
