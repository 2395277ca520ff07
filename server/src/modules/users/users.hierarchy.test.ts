import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  create,
  expectProblem,
  get,
  id,
  newUser,
  OTHER,
  otherAdminId,
  setupUsersApp,
  t,
  usersState,
} from './users.fixtures.ts';

/** Users: hierarchy rules on create and edit (who reports to whom, cycles, roles with reports). */

setupUsersApp();

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
