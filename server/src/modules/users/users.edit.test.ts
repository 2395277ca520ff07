import { describe, expect, it } from 'vitest';
import { withTenant } from '../../db/client.ts';
import {
  ADMIN,
  create,
  d,
  demoCompanyId,
  expectProblem,
  get,
  id,
  OTHER,
  otherAdminId,
  PASSWORD,
  setupUsersApp,
  t,
  type User,
  usersState,
} from './users.fixtures.ts';

/** Users: edit, deactivation and reactivation, no deletion, tenant isolation. */

setupUsersApp();

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
