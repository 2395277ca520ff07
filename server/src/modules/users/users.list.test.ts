import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  byName,
  create,
  d,
  expectProblem,
  get,
  id,
  listAll,
  setupUsersApp,
  t,
  type User,
} from './users.fixtures.ts';

/** Users: list, filters, pagination, one user, team. */

setupUsersApp();

describe('GET /users', () => {
  it('answers every visible user with the full shape, sorted by name', async () => {
    const response = await t.as(ADMIN, 'GET', '/api/v1/users');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: User[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.data).toHaveLength(19);
    expect(body.data.map((u) => u.id)).toEqual([...body.data].sort(byName).map((u) => u.id));
    const rohan = body.data.find((u) => u.email === 'sales1@demo.test');
    expect(rohan).toEqual({
      id: id('sales1'),
      email: 'sales1@demo.test',
      name: 'Rohan Gupta',
      role: 'SALESPERSON',
      managerId: id('manager1'),
      managerName: 'Vikram Mehta',
      partnerId: null,
      partnerName: null,
      active: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      deactivatedAt: null,
    });
    const priya = body.data.find((u) => u.email === ADMIN);
    expect(priya).toMatchObject({ name: 'Priya Raman', role: 'ADMIN', managerId: null, managerName: null });
    for (const user of body.data) {
      expect(Object.keys(user).sort()).toEqual(
        [
          'active',
          'createdAt',
          'deactivatedAt',
          'email',
          'id',
          'managerId',
          'managerName',
          'name',
          'partnerId',
          'partnerName',
          'role',
          'updatedAt',
        ].sort(),
      );
      expect(JSON.stringify(user)).not.toMatch(/password|argon2/i);
    }
  });

  it('filters by role, managerId, active and q', async () => {
    const warriors = (await t.as(ADMIN, 'GET', '/api/v1/users?role=WARRIOR')).json().data as User[];
    expect(warriors.map((u) => u.email).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `warrior${n}@demo.test`));

    const underSales4 = (await t.as(ADMIN, 'GET', `/api/v1/users?managerId=${id('sales4')}`)).json().data as User[];
    expect(underSales4.map((u) => u.name)).toEqual(['Pooja Desai', 'Siddharth Rao']);

    const salesOfManager1 = (
      await t.as(ADMIN, 'GET', `/api/v1/users?managerId=${id('manager1')}&role=SALESPERSON`)
    ).json().data as User[];
    expect(salesOfManager1.map((u) => u.email)).toEqual(['sales1@demo.test', 'sales2@demo.test']);

    const inactive = (await t.as(ADMIN, 'GET', '/api/v1/users?active=false')).json().data as User[];
    expect(inactive).toEqual([]);
    const active = (await t.as(ADMIN, 'GET', '/api/v1/users?active=true')).json().data as User[];
    expect(active).toHaveLength(19);

    const byQName = (await t.as(ADMIN, 'GET', '/api/v1/users?q=kapoor')).json().data as User[];
    expect(byQName.map((u) => u.email)).toEqual(['guest@demo.test']);
    const byQEmail = (await t.as(ADMIN, 'GET', '/api/v1/users?q=SALES3@')).json().data as User[];
    expect(byQEmail.map((u) => u.email)).toEqual(['sales3@demo.test']);
    const wildcard = (await t.as(ADMIN, 'GET', '/api/v1/users?q=%25')).json().data as User[];
    expect(wildcard).toEqual([]);
    const underscore = (await t.as(ADMIN, 'GET', '/api/v1/users?q=_')).json().data as User[];
    expect(underscore).toEqual([]);

    // Filters never widen the scope.
    const asSales1 = (await t.as(d('sales1'), 'GET', '/api/v1/users?role=WARRIOR')).json().data as User[];
    expect(asSales1.map((u) => u.email).sort()).toEqual(['warrior1@demo.test', 'warrior2@demo.test']);
    const asManager1 = (await t.as(d('manager1'), 'GET', `/api/v1/users?managerId=${id('sales3')}`)).json()
      .data as User[];
    expect(asManager1).toEqual([]);
  });

  it('rejects bad query parameters with 400 naming the parameter', async () => {
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?limit=201'), 400, 'validation_failed', 'limit');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?limit=0'), 400, 'validation_failed', 'limit');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?limit=abc'), 400, 'validation_failed', 'limit');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?role=KING'), 400, 'validation_failed', 'role');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?managerId=nope'), 400, 'validation_failed', 'managerId');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?active=maybe'), 400, 'validation_failed', 'active');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users?sort=name'), 400, 'validation_failed', 'sort');
    expect((await t.as(ADMIN, 'GET', '/api/v1/users?limit=200')).statusCode).toBe(200);
  });

  it('walks every visible user with limit=3, without duplicates or gaps, in name order', async () => {
    const full = (await t.as(ADMIN, 'GET', '/api/v1/users?limit=200')).json().data as User[];
    const paged = await listAll(ADMIN, '', 3);
    expect(paged.map((u) => u.id)).toEqual(full.map((u) => u.id));
    expect(new Set(paged.map((u) => u.id)).size).toBe(19);

    for (const who of [d('manager1'), d('manager2'), d('sales4'), d('dev')]) {
      const whole = (await t.as(who, 'GET', '/api/v1/users?limit=200')).json().data as User[];
      for (const limit of [1, 2, 3]) {
        const walked = await listAll(who, '', limit);
        expect(
          walked.map((u) => u.id),
          `${who} limit ${limit}`,
        ).toEqual(whole.map((u) => u.id));
      }
    }
    const filtered = await listAll(ADMIN, 'role=WARRIOR', 3);
    expect(filtered).toHaveLength(6);
  });

  it('pages stably when names tie and differ only in case', async () => {
    const twins = [];
    for (const name of ['Same Name', 'same name', 'SAME NAME', 'Same Name', 'same Name']) {
      twins.push(await create(ADMIN, { name }));
    }
    const whole = (await t.as(ADMIN, 'GET', '/api/v1/users?q=same%20name&limit=200')).json().data as User[];
    expect(whole.map((u) => u.id).sort()).toEqual(twins.map((u) => u.id).sort());
    for (const limit of [1, 2, 3]) {
      const walked = await listAll(ADMIN, 'q=same%20name', limit);
      expect(walked.map((u) => u.id)).toEqual(whole.map((u) => u.id));
    }
    const everyone = await listAll(ADMIN, '', 3);
    expect(new Set(everyone.map((u) => u.id)).size).toBe(everyone.length);
    expect(everyone.map((u) => u.id)).toEqual([...everyone].sort(byName).map((u) => u.id));
  });

  it('rejects an invalid cursor with 400 naming cursor', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not-a-cursor',
      '!!!',
      encode({ name: 'x' }),
      encode(['only-one']),
      encode(['a', 'b', 'c']),
      encode([null, null]),
      encode(['rohan gupta', 'not-a-uuid']),
      encode([1, 2]),
      'x'.repeat(501),
    ];
    for (const cursor of bad) {
      const response = await t.as(ADMIN, 'GET', `/api/v1/users?limit=3&cursor=${encodeURIComponent(cursor)}`);
      expectProblem(response, 400, 'validation_failed', 'cursor');
    }
  });
});

describe('GET /users/{id}', () => {
  it('answers one user, 404 for an unknown id, 400 for a malformed one', async () => {
    expect((await get(id('warrior3'))).managerName).toBe('Sneha Patil');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users/0190c3a4-5b6c-7d8e-9f00-112233445566'), 404, 'not_found');
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/users/not-a-uuid'), 400, 'validation_failed', 'id');
  });
});

describe('GET /users/{id}/team', () => {
  it("answers the whole subtree below a user: manager1's team", async () => {
    const response = await t.as(ADMIN, 'GET', `/api/v1/users/${id('manager1')}/team`);
    expect(response.statusCode).toBe(200);
    const team = response.json().data as User[];
    expect(team.map((u) => u.id).sort()).toEqual(
      ['sales1', 'sales2', 'cosales', 'warrior1', 'warrior2', 'warrior3'].map(id).sort(),
    );
    expect(team.some((u) => u.id === id('manager1'))).toBe(false);
  });

  it('answers direct and indirect reports, and nothing for a leaf', async () => {
    const team = async (key: string) =>
      ((await t.as(ADMIN, 'GET', `/api/v1/users/${id(key)}/team`)).json().data as User[]).map((u) => u.id).sort();
    expect(await team('manager2')).toEqual(['sales3', 'sales4', 'warrior4', 'warrior5', 'warrior6'].map(id).sort());
    expect(await team('sales4')).toEqual(['warrior5', 'warrior6'].map(id).sort());
    expect(await team('warrior1')).toEqual([]);
    expect(await team('admin')).toEqual([]);
  });
});
