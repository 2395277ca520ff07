import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Users: list, pagination, create, edit, hierarchy rules, deactivation, team, tenant isolation. */

let t: TestApp;
const ids: Record<string, string> = {};
let demoCompanyId: string;
let otherAdminId: string;
const PASSWORD = 'correct-horse-battery-staple';
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const d = (key: string) => `${key}@demo.test`;
const id = (key: string) => {
  const value = ids[key];
  if (!value) throw new Error(`no id for ${key}`);
  return value;
};

interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  managerId: string | null;
  managerName: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, code });
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(body.requestId).toBe(response.headers['x-request-id']);
  if (path !== undefined) expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  return body as { code: string; detail?: string; errors?: { path: string; message: string }[] };
}

let counter = 0;
function newUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `person${counter}.${Date.now().toString(36)}@demo.test`,
    name: `Test Person ${counter}`,
    role: 'GUEST',
    password: PASSWORD,
    ...overrides,
  };
}

async function create(who: string, overrides: Record<string, unknown> = {}): Promise<User> {
  const response = await t.as(who, 'POST', '/api/v1/users', newUser(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as User;
}

async function get(userIdValue: string): Promise<User> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/users/${userIdValue}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as User;
}

/** Everything about Demo Co's users that a write could change, straight from the database. */
async function usersState(): Promise<string> {
  return withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const rows = await sql`SELECT id, email, name, role, manager_id, active, deactivated_at, password_hash, updated_at
      FROM users ORDER BY id`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ rows: rows.rows, audit: audit.rows });
  });
}

async function listAll(who: string, query = '', limit = 200): Promise<User[]> {
  const all: User[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = query ? '&' : '';
    const url = `/api/v1/users?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await t.as(who, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { data: User[]; nextCursor: string | null };
    expect(body.data.length).toBeLessThanOrEqual(limit);
    all.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) return all;
    expect(body.data.length).toBe(limit);
  }
  throw new Error('pagination did not end');
}

const byName = (a: User, b: User) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

beforeAll(async () => {
  t = await createTestApp();
  for (const key of [
    'admin',
    'manager1',
    'manager2',
    'sales1',
    'sales2',
    'sales3',
    'sales4',
    'warrior1',
    'warrior2',
    'warrior3',
    'warrior4',
    'warrior5',
    'warrior6',
    'cosales',
    'success',
    'dev',
    'guest',
  ]) {
    ids[key] = await userId(t, d(key));
  }
  otherAdminId = await userId(t, OTHER);
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

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

describe('POST /users', () => {
  it('lets ADMIN create every role, lowercasing the email; the new user can sign in', async () => {
    const placements: Record<string, string | null> = {
      ADMIN: null,
      MANAGER: null,
      SALESPERSON: id('manager1'),
      WARRIOR: id('sales1'),
      COSALES: id('manager1'),
      CUSTOMER_SUCCESS: null,
      PARTNER: null,
      INTEGRATION: null,
      DEV: null,
      GUEST: null,
    };
    for (const [role, managerId] of Object.entries(placements)) {
      const email = `New.${role}.Person@Demo.TEST`;
      const response = await t.as(ADMIN, 'POST', '/api/v1/users', {
        email,
        name: `  New ${role}  `,
        role,
        managerId,
        password: PASSWORD,
      });
      expect(response.statusCode, response.body).toBe(201);
      const user = response.json() as User;
      expect(user).toMatchObject({
        email: email.toLowerCase(),
        name: `New ${role}`,
        role,
        managerId,
        active: true,
        deactivatedAt: null,
      });
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(JSON.stringify(user)).not.toMatch(/password|argon2/i);
      expect(await get(user.id)).toEqual(user);
      const login = await t.login(email.toLowerCase(), PASSWORD);
      expect(login.statusCode, login.body).toBe(200);
      expect(login.json().user.id).toBe(user.id);
    }
    const salesperson = await get(
      (await t.as(ADMIN, 'GET', '/api/v1/users?q=new.salesperson')).json().data[0].id as string,
    );
    expect(salesperson.managerName).toBe('Vikram Mehta');
  });

  it('lets a MANAGER create salespeople and warriors inside its own subtree', async () => {
    const sales = await create(d('manager1'), { role: 'SALESPERSON', managerId: id('manager1') });
    expect(sales).toMatchObject({ role: 'SALESPERSON', managerId: id('manager1'), managerName: 'Vikram Mehta' });
    const warrior = await create(d('manager1'), { role: 'WARRIOR', managerId: id('sales2') });
    expect(warrior.managerId).toBe(id('sales2'));
    const underNew = await create(d('manager1'), { role: 'WARRIOR', managerId: sales.id });
    expect(underNew.managerName).toBe(sales.name);
    // It now sees them, manager2 does not.
    expect((await t.as(d('manager1'), 'GET', `/api/v1/users/${underNew.id}`)).statusCode).toBe(200);
    expectProblem(await t.as(d('manager2'), 'GET', `/api/v1/users/${underNew.id}`), 404, 'not_found');
  });

  it('refuses a MANAGER any other role with 403, and a manager outside its subtree with 422', async () => {
    const before = await usersState();
    for (const role of ['ADMIN', 'MANAGER', 'COSALES', 'CUSTOMER_SUCCESS', 'PARTNER', 'INTEGRATION', 'DEV', 'GUEST']) {
      expectProblem(
        await t.as(d('manager1'), 'POST', '/api/v1/users', newUser({ role, managerId: id('manager1') })),
        403,
        'forbidden',
      );
    }
    const outsideWarrior = await t.as(
      d('manager1'),
      'POST',
      '/api/v1/users',
      newUser({ role: 'WARRIOR', managerId: id('sales3') }),
    );
    expectProblem(outsideWarrior, 422, 'hierarchy_violation', 'managerId');
    const outsideSales = await t.as(
      d('manager1'),
      'POST',
      '/api/v1/users',
      newUser({ role: 'SALESPERSON', managerId: id('manager2') }),
    );
    expectProblem(outsideSales, 422, 'hierarchy_violation', 'managerId');
    expect(await usersState()).toBe(before);
  });

  it('refuses a taken email with 409 email_taken, also one used by another company', async () => {
    const before = await usersState();
    for (const email of ['sales1@demo.test', 'SALES1@demo.TEST', 'admin@other.test', 'Admin@Other.Test']) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ email }));
      expectProblem(response, 409, 'email_taken', 'email');
    }
    expect(await usersState()).toBe(before);
    // A user created a moment ago is taken too.
    const fresh = await create(ADMIN);
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ email: fresh.email })),
      409,
      'email_taken',
      'email',
    );
    // And Other Co cannot take a Demo Co address either.
    expectProblem(
      await t.as(OTHER, 'POST', '/api/v1/users', newUser({ email: 'warrior1@demo.test' })),
      409,
      'email_taken',
      'email',
    );
  });

  it('refuses a short, long or common password with 422 weak_password', async () => {
    const before = await usersState();
    for (const password of ['short', 'elevenchars', 'x'.repeat(129), '123qweasdzxc', 'QWERTY123456']) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ password }));
      expectProblem(response, 422, 'weak_password', 'password');
    }
    expect(await usersState()).toBe(before);
    // Exactly twelve characters is enough.
    await create(ADMIN, { password: 'twelve-chars' });
  });
});

describe('hierarchy rules', () => {
  async function violation(response: LightMyRequestResponse, path: string, rule: RegExp) {
    const body = expectProblem(response, 422, 'hierarchy_violation', path);
    expect(body.errors?.[0]?.path).toBe(path);
    expect(body.errors?.[0]?.message).toMatch(rule);
  }

  it('a warrior must report to a salesperson', async () => {
    const before = await usersState();
    for (const managerId of [undefined, null, id('manager1'), id('warrior1'), id('admin'), id('cosales')]) {
      await violation(
        await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ role: 'WARRIOR', managerId })),
        'managerId',
        /warrior must report to a salesperson/i,
      );
    }
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior1')}`, { managerId: id('manager1') }),
      'managerId',
      /warrior must report to a salesperson/i,
    );
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior1')}`, { managerId: null }),
      'managerId',
      /warrior must report to a salesperson/i,
    );
    // A role change that leaves the old manager in place is checked against the new role.
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('cosales')}`, { role: 'WARRIOR' }),
      'managerId',
      /warrior must report to a salesperson/i,
    );
    expect(await usersState()).toBe(before);
  });

  it('a salesperson must report to a manager', async () => {
    const before = await usersState();
    for (const managerId of [undefined, null, id('sales1'), id('admin'), id('warrior2')]) {
      await violation(
        await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ role: 'SALESPERSON', managerId })),
        'managerId',
        /salesperson must report to a manager/i,
      );
    }
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('sales2')}`, { managerId: id('sales1') }),
      'managerId',
      /salesperson must report to a manager/i,
    );
    // A warrior promoted to salesperson while still under its salesperson breaks the rule.
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior2')}`, { role: 'SALESPERSON' }),
      'managerId',
      /salesperson must report to a manager/i,
    );
    expect(await usersState()).toBe(before);
  });

  it('refuses cycles: nobody reports to itself or to someone below it', async () => {
    // Three levels of managers: a <- b <- c.
    const a = await create(ADMIN, { role: 'MANAGER' });
    const b = await create(ADMIN, { role: 'MANAGER', managerId: a.id });
    const c = await create(ADMIN, { role: 'MANAGER', managerId: b.id });
    const before = await usersState();
    for (const below of ['sales1', 'cosales', 'warrior1']) {
      await violation(
        await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('manager1')}`, { managerId: id(below) }),
        'managerId',
        /cannot report to itself or to someone who reports to it/i,
      );
    }
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('manager1')}`, { managerId: id('manager1') }),
      'managerId',
      /itself/i,
    );
    // Indirect: a under c would close the loop a <- b <- c <- a.
    for (const target of [b.id, c.id]) {
      await violation(
        await t.as(ADMIN, 'PATCH', `/api/v1/users/${a.id}`, { managerId: target }),
        'managerId',
        /someone who reports to it/i,
      );
    }
    expect(await usersState()).toBe(before);
    expect((await get(a.id)).managerId).toBeNull();
    // The other direction is fine: c may move up to report to a directly.
    const ok = await t.as(ADMIN, 'PATCH', `/api/v1/users/${c.id}`, { managerId: a.id });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a manager from another company or one that does not exist', async () => {
    const before = await usersState();
    for (const managerId of [otherAdminId, '0190c3a4-5b6c-7d8e-9f00-112233445566']) {
      await violation(
        await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ role: 'GUEST', managerId })),
        'managerId',
        /no such user in this company/i,
      );
      await violation(
        await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('guest')}`, { managerId }),
        'managerId',
        /no such user in this company/i,
      );
    }
    // Other Co's admin cannot point at Demo Co's people either.
    await violation(
      await t.as(
        OTHER,
        'POST',
        '/api/v1/users',
        newUser({ email: 'x-other@other.test', role: 'SALESPERSON', managerId: id('manager1') }),
      ),
      'managerId',
      /no such user in this company/i,
    );
    expect(await usersState()).toBe(before);
  });

  it('refuses reporting to a deactivated user', async () => {
    const boss = await create(ADMIN, { role: 'MANAGER' });
    const report = await create(ADMIN, { role: 'SALESPERSON', managerId: id('manager2') });
    expect((await t.as(ADMIN, 'POST', `/api/v1/users/${boss.id}/deactivate`)).statusCode).toBe(200);
    const before = await usersState();
    await violation(
      await t.as(ADMIN, 'POST', '/api/v1/users', newUser({ role: 'SALESPERSON', managerId: boss.id })),
      'managerId',
      /deactivated/i,
    );
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${report.id}`, { managerId: boss.id }),
      'managerId',
      /deactivated/i,
    );
    expect(await usersState()).toBe(before);
    expect((await t.as(ADMIN, 'POST', `/api/v1/users/${boss.id}/reactivate`)).statusCode).toBe(200);
    const moved = await t.as(ADMIN, 'PATCH', `/api/v1/users/${report.id}`, { managerId: boss.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().managerName).toBe(boss.name);
  });

  it('refuses to make a salesperson with warriors a manager (path role)', async () => {
    const before = await usersState();
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('sales1')}`, { role: 'MANAGER', managerId: null }),
      'role',
      /warriors reporting to it/i,
    );
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('sales4')}`, { role: 'COSALES' }),
      'role',
      /warriors reporting to it/i,
    );
    // A manager with salespeople cannot stop being a manager either.
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('manager2')}`, { role: 'GUEST' }),
      'role',
      /salespersons reporting to it/i,
    );
    expect(await usersState()).toBe(before);
  });

  it('counts a deactivated warrior too: reactivating it must not leave it under a manager', async () => {
    const sales = await create(ADMIN, { role: 'SALESPERSON', managerId: id('manager2') });
    const warrior = await create(ADMIN, { role: 'WARRIOR', managerId: sales.id });
    expect((await t.as(ADMIN, 'POST', `/api/v1/users/${warrior.id}/deactivate`)).statusCode).toBe(200);
    await violation(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${sales.id}`, { role: 'MANAGER', managerId: null }),
      'role',
      /warriors reporting to it/i,
    );
    expect((await get(sales.id)).role).toBe('SALESPERSON');
  });

  it('allows a valid change of role and manager together, and moving after the warriors left', async () => {
    const promoted = await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior6')}`, {
      role: 'SALESPERSON',
      managerId: id('manager2'),
    });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({
      role: 'SALESPERSON',
      managerId: id('manager2'),
      managerName: 'Ananya Iyer',
    });

    // sales4 keeps warrior5; move it to sales3 and sales4 can become a manager.
    const move = await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior5')}`, { managerId: id('sales3') });
    expect(move.statusCode, move.body).toBe(200);
    const up = await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('sales4')}`, { role: 'MANAGER', managerId: null });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ role: 'MANAGER', managerId: null, managerName: null });
    // Now a salesperson may report to it.
    const under = await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('warrior6')}`, { managerId: id('sales4') });
    expect(under.statusCode, under.body).toBe(200);
  });
});

describe('PATCH /users/{id}', () => {
  it('changes the name (trimmed) and answers the user; updatedAt moves', async () => {
    const user = await create(ADMIN);
    t.clock.advance(1000);
    const response = await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { name: '  Renamed Person ' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: user.id, name: 'Renamed Person', email: user.email, role: user.role });
    expect(response.json().createdAt).toBe(user.createdAt);
    expect(response.json().updatedAt).not.toBe(user.updatedAt);
    expect((await get(user.id)).name).toBe('Renamed Person');
  });

  it('refuses an empty body, a blank name and fields that cannot be patched', async () => {
    const user = await create(ADMIN);
    const before = await usersState();
    expectProblem(await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, {}), 400, 'validation_failed');
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { name: '   ' }),
      400,
      'validation_failed',
      'name',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { name: '' }),
      400,
      'validation_failed',
      'name',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { email: 'changed@demo.test' }),
      400,
      'validation_failed',
      'email',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { active: false }),
      400,
      'validation_failed',
      'active',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { password: PASSWORD }),
      400,
      'validation_failed',
      'password',
    );
    expect(await usersState()).toBe(before);
  });

  it('refuses changing your own role with 422', async () => {
    const before = await usersState();
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('admin')}`, { role: 'GUEST' }),
      422,
      'unprocessable',
      'role',
    );
    expect(await usersState()).toBe(before);
    // The same role is no change, and the name is one's own to change.
    const same = await t.as(ADMIN, 'PATCH', `/api/v1/users/${id('admin')}`, { role: 'ADMIN', name: 'Priya Raman' });
    expect(same.statusCode, same.body).toBe(200);
  });

  it('lets a MANAGER edit its salespeople and warriors, nobody else', async () => {
    const m = d('manager1');
    const moved = await t.as(m, 'PATCH', `/api/v1/users/${id('warrior1')}`, { managerId: id('sales2') });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().managerName).toBe('Sneha Patil');
    const back = await t.as(m, 'PATCH', `/api/v1/users/${id('warrior1')}`, { managerId: id('sales1') });
    expect(back.statusCode).toBe(200);
    const renamed = await t.as(m, 'PATCH', `/api/v1/users/${id('sales2')}`, { name: 'Sneha Patil' });
    expect(renamed.statusCode).toBe(200);

    const before = await usersState();
    // Outside its subtree: 404, whatever the body.
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('warrior4')}`, { name: 'X' }), 404, 'not_found');
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('manager2')}`, { name: 'X' }), 404, 'not_found');
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('admin')}`, { name: 'X' }), 404, 'not_found');
    // Inside it, but not a field role, or itself: 403.
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('cosales')}`, { name: 'X' }), 403, 'forbidden');
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('manager1')}`, { name: 'X' }), 403, 'forbidden');
    // Giving a role it may not give: 403.
    expectProblem(
      await t.as(m, 'PATCH', `/api/v1/users/${id('warrior2')}`, { role: 'MANAGER', managerId: null }),
      403,
      'forbidden',
    );
    expectProblem(await t.as(m, 'PATCH', `/api/v1/users/${id('warrior2')}`, { role: 'ADMIN' }), 403, 'forbidden');
    // Moving someone out of its subtree: 422.
    expectProblem(
      await t.as(m, 'PATCH', `/api/v1/users/${id('sales2')}`, { managerId: id('manager2') }),
      422,
      'hierarchy_violation',
      'managerId',
    );
    expectProblem(
      await t.as(m, 'PATCH', `/api/v1/users/${id('warrior3')}`, { managerId: id('sales3') }),
      422,
      'hierarchy_violation',
      'managerId',
    );
    expect(await usersState()).toBe(before);
  });
});

describe('deactivate and reactivate', () => {
  it('ends sessions and API keys, blocks sign-in; reactivation lets the user sign in again', async () => {
    const email = `deactivate.me.${Date.now().toString(36)}@demo.test`;
    const user = await create(ADMIN, { email, role: 'DEV' });
    const login = await t.login(email, PASSWORD);
    expect(login.statusCode).toBe(200);
    const { accessToken, refreshToken } = login.json() as { accessToken: string; refreshToken: string };
    const second = (await t.login(email, PASSWORD)).json().accessToken as string;
    const keyResponse = await t.as(accessToken, 'POST', '/api/v1/api-keys', { name: 'ci' });
    expect(keyResponse.statusCode, keyResponse.body).toBe(201);
    const apiKey = keyResponse.json().key as string;
    expect((await t.as(accessToken, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await t.as(apiKey, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);

    const response = await t.as(ADMIN, 'POST', `/api/v1/users/${user.id}/deactivate`);
    expect(response.statusCode, response.body).toBe(200);
    const deactivated = response.json() as User;
    expect(deactivated).toMatchObject({ id: user.id, active: false });
    expect(deactivated.deactivatedAt).toMatch(/Z$/);

    for (const token of [accessToken, second, apiKey]) {
      expectProblem(await t.as(token, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
      expectProblem(await t.as(token, 'GET', '/api/v1/users'), 401, 'invalid_token');
    }
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expectProblem(refreshed, 401, 'invalid_token');
    expectProblem(await t.login(email, PASSWORD), 401, 'invalid_credentials');

    const stored = await withTenant(t.dbs.app, demoCompanyId, async (trx) => ({
      sessions: await trx
        .selectFrom('auth_sessions')
        .select(['revoked_at', 'revoked_reason'])
        .where('user_id', '=', user.id)
        .execute(),
      keys: await trx.selectFrom('api_keys').select(['revoked_at']).where('user_id', '=', user.id).execute(),
    }));
    expect(stored.sessions.length).toBeGreaterThanOrEqual(2);
    for (const s of stored.sessions) expect(s.revoked_at).not.toBeNull();
    expect(stored.sessions.some((s) => s.revoked_reason === 'user_deactivated')).toBe(true);
    expect(stored.keys).toHaveLength(1);
    expect(stored.keys[0]?.revoked_at).not.toBeNull();

    // Listed as inactive; still there (users are never deleted).
    const inactive = (await t.as(ADMIN, 'GET', '/api/v1/users?active=false')).json().data as User[];
    expect(inactive.map((u) => u.id)).toContain(user.id);
    expect((await get(user.id)).active).toBe(false);

    // Deactivating again is harmless.
    const again = await t.as(ADMIN, 'POST', `/api/v1/users/${user.id}/deactivate`);
    expect(again.statusCode).toBe(200);
    expect(again.json().deactivatedAt).toBe(deactivated.deactivatedAt);

    const back = await t.as(ADMIN, 'POST', `/api/v1/users/${user.id}/reactivate`);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ id: user.id, active: true, deactivatedAt: null });
    const relogin = await t.login(email, PASSWORD);
    expect(relogin.statusCode, relogin.body).toBe(200);
    expect((await t.as(relogin.json().accessToken, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    // What was ended stays ended.
    expectProblem(await t.as(accessToken, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expectProblem(await t.as(apiKey, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
  });

  it('refuses to deactivate or reactivate yourself with 422', async () => {
    const before = await usersState();
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/users/${id('admin')}/deactivate`), 422, 'unprocessable');
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/users/${id('admin')}/reactivate`), 422, 'unprocessable');
    expect(await usersState()).toBe(before);
    expect((await t.as(ADMIN, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('lets a MANAGER deactivate its warriors but not people outside its subtree', async () => {
    const warrior = await create(ADMIN, { role: 'WARRIOR', managerId: id('sales2') });
    const off = await t.as(d('manager1'), 'POST', `/api/v1/users/${warrior.id}/deactivate`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().active).toBe(false);
    expectProblem(await t.as(d('manager2'), 'POST', `/api/v1/users/${warrior.id}/reactivate`), 404, 'not_found');
    expectProblem(await t.as(d('manager1'), 'POST', `/api/v1/users/${id('cosales')}/deactivate`), 403, 'forbidden');
    expect((await t.as(d('manager1'), 'POST', `/api/v1/users/${warrior.id}/reactivate`)).json().active).toBe(true);
  });

  it('answers 404 for an unknown user', async () => {
    for (const action of ['deactivate', 'reactivate']) {
      expectProblem(
        await t.as(ADMIN, 'POST', `/api/v1/users/0190c3a4-5b6c-7d8e-9f00-112233445566/${action}`),
        404,
        'not_found',
      );
    }
  });
});

describe('users are never deleted', () => {
  it('has no DELETE route: 404 route_not_found, and the user is still there', async () => {
    const response = await t.as(ADMIN, 'DELETE', `/api/v1/users/${id('warrior4')}`);
    expectProblem(response, 404, 'route_not_found');
    expect((await get(id('warrior4'))).active).toBe(true);
  });
});

describe('tenant isolation', () => {
  it("Other Co's admin gets 404 for every users route with a Demo Co id, and changes nothing", async () => {
    const before = await usersState();
    for (const key of ['admin', 'manager1', 'sales1', 'warrior1', 'dev']) {
      const target = id(key);
      expectProblem(await t.as(OTHER, 'GET', `/api/v1/users/${target}`), 404, 'not_found');
      expectProblem(await t.as(OTHER, 'GET', `/api/v1/users/${target}/team`), 404, 'not_found');
      expectProblem(await t.as(OTHER, 'PATCH', `/api/v1/users/${target}`, { name: 'Owned' }), 404, 'not_found');
      expectProblem(
        await t.as(OTHER, 'PATCH', `/api/v1/users/${target}`, { role: 'GUEST', managerId: null }),
        404,
        'not_found',
      );
      expectProblem(await t.as(OTHER, 'POST', `/api/v1/users/${target}/deactivate`), 404, 'not_found');
      expectProblem(await t.as(OTHER, 'POST', `/api/v1/users/${target}/reactivate`), 404, 'not_found');
      const filtered = await t.as(OTHER, 'GET', `/api/v1/users?managerId=${target}`);
      expect(filtered.json().data).toEqual([]);
    }
    expect(await usersState()).toBe(before);
    expect((await t.as(d('warrior1'), 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it("Demo Co's admin gets 404 for Other Co's admin", async () => {
    expectProblem(await t.as(ADMIN, 'GET', `/api/v1/users/${otherAdminId}`), 404, 'not_found');
    expectProblem(await t.as(ADMIN, 'PATCH', `/api/v1/users/${otherAdminId}`, { name: 'Owned' }), 404, 'not_found');
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/users/${otherAdminId}/deactivate`), 404, 'not_found');
    expect((await t.as(OTHER, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });
});
