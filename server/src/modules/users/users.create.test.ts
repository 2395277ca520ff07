import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  create,
  d,
  expectProblem,
  get,
  id,
  newUser,
  OTHER,
  PASSWORD,
  setupUsersApp,
  t,
  type User,
  usersState,
} from './users.fixtures.ts';

/** Users: create, with the role, subtree, email and password rules. */

setupUsersApp();

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
    // A partner user belongs to a partner organisation: the demo's channel partner.
    const sunrise = (await t.as(ADMIN, 'GET', '/api/v1/partners')).json().data[0].id as string;
    for (const [role, managerId] of Object.entries(placements)) {
      const email = `New.${role}.Person@Demo.TEST`;
      const partnerId = role === 'PARTNER' ? sunrise : null;
      const response = await t.as(ADMIN, 'POST', '/api/v1/users', {
        email,
        name: `  New ${role}  `,
        role,
        managerId,
        partnerId,
        password: PASSWORD,
      });
      expect(response.statusCode, response.body).toBe(201);
      const user = response.json() as User;
      expect(user).toMatchObject({
        email: email.toLowerCase(),
        name: `New ${role}`,
        role,
        managerId,
        partnerId,
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
