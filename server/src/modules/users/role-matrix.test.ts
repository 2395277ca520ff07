import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * The permission matrix and record scope, role by role: which users each demo login sees through the list,
 * through GET /users/{id} (outside scope is 404, never 403) and through GET /users/{id}/team, and which
 * routes each role may call at all.
 */

let t: TestApp;
/** Demo Co email -> user id. */
const ids = new Map<string, string>();
let otherAdminId: string;

const d = (key: string) => `${key}@demo.test`;

/** Who reports to whom in the demo seed (email key -> manager key). */
const managerOf: Record<string, string | undefined> = {
  admin: undefined,
  manager1: undefined,
  manager2: undefined,
  sales1: 'manager1',
  sales2: 'manager1',
  sales3: 'manager2',
  sales4: 'manager2',
  warrior1: 'sales1',
  warrior2: 'sales1',
  warrior3: 'sales2',
  warrior4: 'sales3',
  warrior5: 'sales4',
  warrior6: 'sales4',
  cosales: 'manager1',
  success: undefined,
  partner: undefined,
  integration: undefined,
  dev: undefined,
  guest: undefined,
};
const allKeys = Object.keys(managerOf);

/** Everyone below a user, recursively (not the user itself). */
function below(key: string): string[] {
  const direct = allKeys.filter((k) => managerOf[k] === key);
  return direct.flatMap((k) => [k, ...below(k)]);
}

/** The exact set of users each login may see; null = no users:read at all (403). */
const expectedScope: Record<string, string[] | null> = {
  admin: allKeys,
  dev: allKeys,
  manager1: ['manager1', 'sales1', 'sales2', 'cosales', 'warrior1', 'warrior2', 'warrior3'],
  manager2: ['manager2', 'sales3', 'sales4', 'warrior4', 'warrior5', 'warrior6'],
  sales1: ['sales1', 'warrior1', 'warrior2'],
  sales2: ['sales2', 'warrior3'],
  sales3: ['sales3', 'warrior4'],
  sales4: ['sales4', 'warrior5', 'warrior6'],
  warrior1: ['warrior1'],
  warrior2: ['warrior2'],
  warrior3: ['warrior3'],
  warrior4: ['warrior4'],
  warrior5: ['warrior5'],
  warrior6: ['warrior6'],
  cosales: ['cosales'],
  success: ['success'],
  guest: ['guest'],
  partner: null,
  integration: null,
};

const roleOf: Record<string, string> = {
  admin: 'ADMIN',
  manager1: 'MANAGER',
  manager2: 'MANAGER',
  sales1: 'SALESPERSON',
  sales2: 'SALESPERSON',
  sales3: 'SALESPERSON',
  sales4: 'SALESPERSON',
  warrior1: 'WARRIOR',
  warrior2: 'WARRIOR',
  warrior3: 'WARRIOR',
  warrior4: 'WARRIOR',
  warrior5: 'WARRIOR',
  warrior6: 'WARRIOR',
  cosales: 'COSALES',
  success: 'CUSTOMER_SUCCESS',
  partner: 'PARTNER',
  integration: 'INTEGRATION',
  dev: 'DEV',
  guest: 'GUEST',
};

const idOf = (key: string) => {
  const id = ids.get(d(key));
  if (!id) throw new Error(`no id for ${key}`);
  return id;
};
const idsOf = (keys: string[]) => keys.map(idOf).sort();
const sorted = (list: string[]) => [...list].sort();

beforeAll(async () => {
  t = await createTestApp();
  const list = await t.as('admin@demo.test', 'GET', '/api/v1/users?limit=200');
  expect(list.statusCode).toBe(200);
  for (const user of list.json().data as { id: string; email: string }[]) ids.set(user.email, user.id);
  const other = await t.as('admin@other.test', 'GET', '/api/v1/users?limit=200');
  otherAdminId = (other.json().data as { id: string; email: string }[]).find((u) => u.email === 'admin@other.test')
    ?.id as string;
});
afterAll(() => t.close());

describe('the demo data this suite relies on', () => {
  it('has the 19 Demo Co users with the documented roles and reporting lines', async () => {
    expect(sorted([...ids.keys()])).toEqual(sorted(allKeys.map(d)));
    const list = (await t.as('admin@demo.test', 'GET', '/api/v1/users?limit=200')).json().data as {
      email: string;
      role: string;
      managerId: string | null;
    }[];
    for (const user of list) {
      const key = user.email.split('@')[0] as string;
      expect(user.role, user.email).toBe(roleOf[key]);
      const manager = managerOf[key];
      expect(user.managerId, user.email).toBe(manager ? idOf(manager) : null);
    }
    expect(otherAdminId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /roles', () => {
  it('lists all ten roles with their permissions and user scope', async () => {
    const response = await t.as('admin@demo.test', 'GET', '/api/v1/roles');
    expect(response.statusCode).toBe(200);
    const data = response.json().data as { role: string; label: string; permissions: string[]; userScope: string }[];
    expect(data.map((r) => r.role)).toEqual([
      'ADMIN',
      'MANAGER',
      'SALESPERSON',
      'WARRIOR',
      'COSALES',
      'CUSTOMER_SUCCESS',
      'PARTNER',
      'INTEGRATION',
      'DEV',
      'GUEST',
    ]);
    const byRole = Object.fromEntries(data.map((r) => [r.role, r]));
    expect(byRole.ADMIN?.userScope).toBe('all');
    expect(byRole.DEV?.userScope).toBe('all');
    expect(byRole.MANAGER?.userScope).toBe('subtree');
    expect(byRole.SALESPERSON?.userScope).toBe('self_and_warriors');
    for (const role of ['WARRIOR', 'COSALES', 'CUSTOMER_SUCCESS', 'GUEST', 'PARTNER', 'INTEGRATION']) {
      expect(byRole[role]?.userScope, role).toBe('self');
    }
    for (const r of data) {
      expect(r.label.length, r.role).toBeGreaterThan(0);
      expect(r.permissions, r.role).toContain('profile:self');
      expect(r.permissions, r.role).toContain('company:read');
    }
    expect(byRole.PARTNER?.permissions).not.toContain('users:read');
    expect(byRole.INTEGRATION?.permissions).not.toContain('users:read');
    const managers = data.filter((r) => r.permissions.includes('users:manage')).map((r) => r.role);
    expect(sorted(managers)).toEqual(['ADMIN', 'MANAGER']);
    const auditors = data.filter((r) => r.permissions.includes('audit:read')).map((r) => r.role);
    expect(auditors).toEqual(['ADMIN']);
    const companyManagers = data.filter((r) => r.permissions.includes('company:manage')).map((r) => r.role);
    expect(companyManagers).toEqual(['ADMIN']);
  });

  it('agrees with the permissions /auth/me reports for every demo login', async () => {
    const roles = (await t.as('admin@demo.test', 'GET', '/api/v1/roles')).json().data as {
      role: string;
      permissions: string[];
    }[];
    for (const key of allKeys) {
      const me = await t.as(d(key), 'GET', '/api/v1/auth/me');
      expect(me.statusCode, key).toBe(200);
      expect(me.json().user.role, key).toBe(roleOf[key]);
      const expected = roles.find((r) => r.role === roleOf[key])?.permissions;
      expect(sorted(me.json().permissions), key).toEqual(sorted(expected ?? []));
    }
  });

  it('is readable only by roles holding roles:read', async () => {
    const allowed = new Set(['ADMIN', 'MANAGER', 'SALESPERSON', 'DEV']);
    for (const key of allKeys) {
      const response = await t.as(d(key), 'GET', '/api/v1/roles');
      if (allowed.has(roleOf[key] as string)) expect(response.statusCode, key).toBe(200);
      else expectProblem(response, 403, 'forbidden');
    }
  });
});

describe('record scope per role', () => {
  for (const key of allKeys) {
    const scope = expectedScope[key];
    if (scope === undefined) throw new Error(`no expected scope for ${key}`);
    if (scope === null) {
      it(`${key} (${roleOf[key]}) has no users:read: list, get and team are 403`, async () => {
        expectProblem(await t.as(d(key), 'GET', '/api/v1/users'), 403, 'forbidden');
        for (const target of allKeys) {
          expectProblem(await t.as(d(key), 'GET', `/api/v1/users/${idOf(target)}`), 403, 'forbidden');
          expectProblem(await t.as(d(key), 'GET', `/api/v1/users/${idOf(target)}/team`), 403, 'forbidden');
        }
      });
      continue;
    }

    it(`${key} (${roleOf[key]}) lists exactly ${scope.length === allKeys.length ? 'everyone' : scope.join(', ')}`, async () => {
      const response = await t.as(d(key), 'GET', '/api/v1/users?limit=200');
      expect(response.statusCode).toBe(200);
      const data = response.json().data as { id: string }[];
      expect(sorted(data.map((u) => u.id))).toEqual(idsOf(scope));
      expect(response.json().nextCursor).toBeNull();
    });

    it(`${key} gets exactly its scope by id; everyone else is 404`, async () => {
      for (const target of allKeys) {
        const response = await t.as(d(key), 'GET', `/api/v1/users/${idOf(target)}`);
        if (scope.includes(target)) {
          expect(response.statusCode, `${key} -> ${target}`).toBe(200);
          expect(response.json().id).toBe(idOf(target));
          expect(response.json().email).toBe(d(target));
        } else {
          const body = expectProblem(response, 404, 'not_found');
          expect(JSON.stringify(body)).not.toContain(d(target));
        }
      }
      expectProblem(await t.as(d(key), 'GET', `/api/v1/users/${otherAdminId}`), 404, 'not_found');
    });

    it(`${key} sees each team as the visible part of that subtree; outside scope is 404`, async () => {
      for (const target of allKeys) {
        const response = await t.as(d(key), 'GET', `/api/v1/users/${idOf(target)}/team`);
        if (!scope.includes(target)) {
          expectProblem(response, 404, 'not_found');
          continue;
        }
        expect(response.statusCode, `${key} team of ${target}`).toBe(200);
        const team = (response.json().data as { id: string }[]).map((u) => u.id);
        const expected = below(target).filter((k) => scope.includes(k));
        expect(sorted(team), `${key} team of ${target}`).toEqual(idsOf(expected));
      }
      expectProblem(await t.as(d(key), 'GET', `/api/v1/users/${otherAdminId}/team`), 404, 'not_found');
    });
  }

  it("Other Co's admin sees only Other Co: itself in the list, 404 for every Demo Co user", async () => {
    const list = await t.as('admin@other.test', 'GET', '/api/v1/users?limit=200');
    expect(list.statusCode).toBe(200);
    expect((list.json().data as { id: string }[]).map((u) => u.id)).toEqual([otherAdminId]);
    for (const target of allKeys) {
      expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/users/${idOf(target)}`), 404, 'not_found');
      expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/users/${idOf(target)}/team`), 404, 'not_found');
    }
    const q = await t.as('admin@other.test', 'GET', '/api/v1/users?q=demo.test');
    expect(q.json().data).toEqual([]);
  });
});

describe('write and admin permissions per role', () => {
  const body = (email: string) => ({
    email,
    name: 'Should Not Exist',
    role: 'GUEST',
    password: 'a-long-enough-passphrase',
  });

  it('only ADMIN and MANAGER may create users; everyone else is 403 forbidden and nothing is created', async () => {
    for (const key of allKeys) {
      if (key === 'admin' || key.startsWith('manager')) continue;
      const email = `nope-${key}@demo.test`;
      expectProblem(await t.as(d(key), 'POST', '/api/v1/users', body(email)), 403, 'forbidden');
      const found = await t.as('admin@demo.test', 'GET', `/api/v1/users?q=${encodeURIComponent(email)}`);
      expect(found.json().data, key).toEqual([]);
    }
  });

  it('only ADMIN and MANAGER may edit, deactivate or reactivate users', async () => {
    const target = idOf('warrior1');
    for (const key of allKeys) {
      if (key === 'admin' || key.startsWith('manager')) continue;
      expectProblem(await t.as(d(key), 'PATCH', `/api/v1/users/${target}`, { name: 'Hacked' }), 403, 'forbidden');
      expectProblem(await t.as(d(key), 'POST', `/api/v1/users/${target}/deactivate`), 403, 'forbidden');
      expectProblem(await t.as(d(key), 'POST', `/api/v1/users/${target}/reactivate`), 403, 'forbidden');
    }
    const after = await t.as('admin@demo.test', 'GET', `/api/v1/users/${target}`);
    expect(after.json()).toMatchObject({ name: 'Aditya Kulkarni', active: true });
  });

  it('only ADMIN may read the audit log', async () => {
    for (const key of allKeys) {
      const response = await t.as(d(key), 'GET', '/api/v1/audit');
      if (key === 'admin') expect(response.statusCode).toBe(200);
      else expectProblem(response, 403, 'forbidden');
    }
  });

  it('every role may read its company; only ADMIN may change it', async () => {
    for (const key of allKeys) {
      const read = await t.as(d(key), 'GET', '/api/v1/company');
      expect(read.statusCode, key).toBe(200);
      expect(read.json().slug, key).toBe('demo');
      if (key === 'admin') continue;
      expectProblem(await t.as(d(key), 'PATCH', '/api/v1/company', { name: `Taken by ${key}` }), 403, 'forbidden');
    }
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().name).toBe('Demo Co');
  });

  it('only INTEGRATION, DEV and ADMIN hold api-keys:manage', async () => {
    const allowed = new Set(['ADMIN', 'INTEGRATION', 'DEV']);
    for (const key of allKeys) {
      const response = await t.as(d(key), 'GET', '/api/v1/api-keys');
      if (allowed.has(roleOf[key] as string)) expect(response.statusCode, key).toBe(200);
      else expectProblem(response, 403, 'forbidden');
    }
  });

  it('without a token every users route is 401', async () => {
    const id = idOf('warrior1');
    for (const [method, url] of [
      ['GET', '/api/v1/roles'],
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users'],
      ['GET', `/api/v1/users/${id}`],
      ['PATCH', `/api/v1/users/${id}`],
      ['POST', `/api/v1/users/${id}/deactivate`],
      ['POST', `/api/v1/users/${id}/reactivate`],
      ['GET', `/api/v1/users/${id}/team`],
      ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/company'],
      ['PATCH', '/api/v1/company'],
    ] as const) {
      expectProblem(await t.as(null, method, url), 401, 'unauthenticated');
    }
  });
});
