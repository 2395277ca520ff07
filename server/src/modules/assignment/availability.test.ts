import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { ADMIN } from './assignment.fixtures.ts';

let t: TestApp;
let sales1: string;
let sales3: string;
beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, 'sales1@demo.test');
  sales3 = await userId(t, 'sales3@demo.test');
});
afterAll(() => t.close());

const week = { workingDays: [1, 2, 3, 4, 5] };

describe('availability', () => {
  it('starts unset (always available), is set by an admin or the manager above, and is audited', async () => {
    const unset = await t.as(ADMIN, 'GET', `/api/v1/users/${sales1}/availability`);
    expect(unset.statusCode, unset.body).toBe(200);
    expect(unset.json()).toEqual({
      userId: sales1,
      configured: false,
      timezone: null,
      effectiveTimezone: 'Asia/Kolkata',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workStart: null,
      workEnd: null,
      dailyCap: null,
      openCap: null,
      updatedAt: null,
    });

    const put = await t.as('manager1@demo.test', 'PUT', `/api/v1/users/${sales1}/availability`, {
      timezone: 'Asia/Dubai',
      workingDays: [6, 1, 2, 3, 4],
      workStart: '09:30',
      workEnd: '18:00',
      dailyCap: 15,
      openCap: 60,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      configured: true,
      timezone: 'Asia/Dubai',
      effectiveTimezone: 'Asia/Dubai',
      workingDays: [1, 2, 3, 4, 6],
      workStart: '09:30',
      workEnd: '18:00',
      dailyCap: 15,
      openCap: 60,
    });
    const mine = await t.as('sales1@demo.test', 'GET', '/api/v1/me/availability');
    expect(mine.json()).toEqual(put.json());

    // PUT replaces: what is left out is cleared.
    const again = await t.as(ADMIN, 'PUT', `/api/v1/users/${sales1}/availability`, week);
    expect(again.json()).toMatchObject({ timezone: null, effectiveTimezone: 'Asia/Kolkata', dailyCap: null });
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=user&entityId=${sales1}`);
    const changes = (audit.json().data as { action: string; changes: Record<string, unknown> }[]).filter(
      (a) => a.action === 'user.availability_changed',
    );
    expect(changes).toHaveLength(2);
    expect(changes[0]?.changes).toMatchObject({ dailyCap: { from: 15, to: null } });
  });

  it('refuses bad settings with the field named, and changes nothing', async () => {
    await t.as(ADMIN, 'PUT', `/api/v1/users/${sales3}/availability`, { ...week, dailyCap: 5 });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...week, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ workingDays: [] }, 'workingDays'],
      [{ workingDays: [0] }, 'workingDays.0'],
      [{ workingDays: [1, 1] }, 'workingDays'],
      [{ ...week, workStart: '25:00' }, 'workStart'],
      [{ ...week, workStart: '09:00', workEnd: '09:00' }, 'workEnd'],
      [{ ...week, dailyCap: -1 }, 'dailyCap'],
      [{ ...week, openCap: 'many' }, 'openCap'],
      [{ ...week, shift: 'night' }, 'shift'],
      [{}, 'workingDays'],
    ];
    for (const [body, path] of cases) {
      const response = await t.as(ADMIN, 'PUT', `/api/v1/users/${sales3}/availability`, body);
      expectProblem(response, 400, 'validation_failed', path);
    }
    expect((await t.as(ADMIN, 'GET', `/api/v1/users/${sales3}/availability`)).json().dailyCap).toBe(5);
  });

  it('lets anyone set its own time zone, keeping what its manager set, audited; a bad zone changes nothing', async () => {
    const warrior = 'warrior1@demo.test';
    const me = await userId(t, warrior);
    const set = await t.as(ADMIN, 'PUT', `/api/v1/users/${me}/availability`, { ...week, dailyCap: 7 });
    expect(set.statusCode, set.body).toBe(200);
    const mine = await t.as(warrior, 'PUT', '/api/v1/me/timezone', { timezone: 'America/New_York' });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ timezone: 'America/New_York', effectiveTimezone: 'America/New_York' });
    expect(mine.json()).toMatchObject({ workingDays: [1, 2, 3, 4, 5], dailyCap: 7 });
    expect((await t.as(warrior, 'GET', '/api/v1/me/availability')).json().effectiveTimezone).toBe('America/New_York');

    expectProblem(
      await t.as(warrior, 'PUT', '/api/v1/me/timezone', { timezone: 'Mars/Olympus' }),
      400,
      'validation_failed',
      'timezone',
    );
    expectProblem(
      await t.as(warrior, 'PUT', '/api/v1/me/timezone', { timezone: 5 }),
      400,
      'validation_failed',
      'timezone',
    );
    expectProblem(await t.as(warrior, 'PUT', '/api/v1/me/timezone', {}), 400, 'validation_failed', 'timezone');
    expect((await t.as(warrior, 'GET', '/api/v1/me/availability')).json().timezone).toBe('America/New_York');

    const back = await t.as(warrior, 'PUT', '/api/v1/me/timezone', { timezone: null });
    expect(back.json()).toMatchObject({ timezone: null, effectiveTimezone: 'Asia/Kolkata', dailyCap: 7 });
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=user&entityId=${me}`);
    const actions = audit.json().data.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'user.timezone_changed')).toHaveLength(2);
    expect((await t.as(null, 'PUT', '/api/v1/me/timezone', { timezone: null })).statusCode).toBe(401);
  });

  it('keeps leaves per user: listed, overlaps refused, removed', async () => {
    const path = `/api/v1/users/${sales3}/leaves`;
    const added = await t.as('manager2@demo.test', 'POST', path, {
      startsOn: '2030-03-02',
      endsOn: '2030-03-06',
      reason: ' Holiday ',
    });
    expect(added.statusCode, added.body).toBe(201);
    const leave = added.json();
    expect(leave).toMatchObject({ userId: sales3, startsOn: '2030-03-02', endsOn: '2030-03-06', reason: 'Holiday' });
    const oneDay = await t.as(ADMIN, 'POST', path, { startsOn: '2030-04-01', endsOn: '2030-04-01' });
    expect(oneDay.statusCode).toBe(201);
    const list = (await t.as(ADMIN, 'GET', path)).json().data;
    expect(list.map((l: { startsOn: string }) => l.startsOn)).toEqual(['2030-04-01', '2030-03-02']);

    expectProblem(
      await t.as(ADMIN, 'POST', path, { startsOn: '2030-03-05', endsOn: '2030-03-08' }),
      422,
      'unprocessable',
      'startsOn',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', path, { startsOn: '2030-05-05', endsOn: '2030-05-01' }),
      400,
      'validation_failed',
      'endsOn',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', path, { startsOn: 'soon', endsOn: '2030-05-01' }),
      400,
      'validation_failed',
      'startsOn',
    );
    expect((await t.as(ADMIN, 'GET', path)).json().data).toHaveLength(2);

    expect((await t.as(ADMIN, 'DELETE', `${path}/${leave.id}`)).statusCode).toBe(204);
    expectProblem(await t.as(ADMIN, 'DELETE', `${path}/${leave.id}`), 404, 'not_found');
    // A leave is removed only through its own user.
    expectProblem(await t.as(ADMIN, 'DELETE', `/api/v1/users/${sales1}/leaves/${oneDay.json().id}`), 404, 'not_found');
    expect((await t.as(ADMIN, 'GET', path)).json().data).toHaveLength(1);
  });

  it("hides other teams' and other companies' people (404), and is refused to roles without the permission", async () => {
    const leave = (
      await t.as(ADMIN, 'POST', `/api/v1/users/${sales1}/leaves`, { startsOn: '2031-01-01', endsOn: '2031-01-02' })
    ).json();
    // manager2 runs sales3 and sales4, not sales1.
    const outside = [
      ['manager2@demo.test', 'GET', `/api/v1/users/${sales1}/availability`, undefined],
      ['manager2@demo.test', 'PUT', `/api/v1/users/${sales1}/availability`, week],
      ['manager2@demo.test', 'GET', `/api/v1/users/${sales1}/leaves`, undefined],
      [
        'manager2@demo.test',
        'POST',
        `/api/v1/users/${sales1}/leaves`,
        { startsOn: '2031-02-01', endsOn: '2031-02-01' },
      ],
      ['manager2@demo.test', 'DELETE', `/api/v1/users/${sales1}/leaves/${leave.id}`, undefined],
      ['admin@other.test', 'GET', `/api/v1/users/${sales1}/availability`, undefined],
      ['admin@other.test', 'PUT', `/api/v1/users/${sales1}/availability`, week],
      ['admin@other.test', 'GET', `/api/v1/users/${sales1}/leaves`, undefined],
      ['admin@other.test', 'DELETE', `/api/v1/users/${sales1}/leaves/${leave.id}`, undefined],
    ] as const;
    for (const [who, method, url, body] of outside) {
      expectProblem(await t.as(who, method, url, body), 404, 'not_found');
    }
    for (const who of ['sales1@demo.test', 'warrior1@demo.test', 'integration@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', `/api/v1/users/${sales1}/availability`), 403, 'forbidden');
      expectProblem(await t.as(who, 'PUT', `/api/v1/users/${sales1}/availability`, week), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'POST', `/api/v1/users/${sales1}/leaves`, { startsOn: '2031-03-01', endsOn: '2031-03-01' }),
        403,
        'forbidden',
      );
    }
    expect((await t.as(ADMIN, 'GET', `/api/v1/users/${sales1}/leaves`)).json().data).toHaveLength(1);
    expect((await t.as('guest@demo.test', 'GET', '/api/v1/me/availability')).json().configured).toBe(false);
  });
});
