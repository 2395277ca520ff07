import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
let sales1: string;
beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, 'sales1@demo.test');
  expect((await t.login('sales1@demo.test', 'not the password')).statusCode).toBe(401);
  t.clock.advance(60_000);
  expect((await t.login('sales1@demo.test')).statusCode).toBe(200);
});
afterAll(() => t.close());

interface LoginEvent {
  event: string;
  outcome: string;
  reason: string | null;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

const logins = (who: string, id: string, query = '') => t.as(who, 'GET', `/api/v1/users/${id}/logins${query}`);

describe('login history', () => {
  it('shows a user its own sign-ins and failures, newest first', async () => {
    const response = await logins('sales1@demo.test', sales1);
    expect(response.statusCode, response.body).toBe(200);
    const data = response.json().data as LoginEvent[];
    expect(data[0]).toMatchObject({ event: 'login', outcome: 'success', reason: null, ip: '127.0.0.1' });
    expect(data).toContainEqual(
      expect.objectContaining({ event: 'login', outcome: 'failure', reason: 'wrong_password' }),
    );
    const times = data.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    const failures = (await logins('sales1@demo.test', sales1, '?outcome=failure')).json().data as LoginEvent[];
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await logins('sales1@demo.test', sales1, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      seen.push(...(page.json().data as { id: string }[]).map((e) => e.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    const all = (await logins('sales1@demo.test', sales1)).json().data as { id: string }[];
    expect(seen).toEqual(all.map((e) => e.id));
    expectProblem(await logins('sales1@demo.test', sales1, '?cursor=bad'), 400, 'validation_failed', 'cursor');
    expectProblem(await logins('sales1@demo.test', sales1, '?outcome=maybe'), 400, 'validation_failed', 'outcome');
    expectProblem(await logins('sales1@demo.test', 'me'), 400, 'validation_failed', 'id');
  });

  it('shows it to the managers up the tree and the admin, to nobody else', async () => {
    for (const who of ['manager1@demo.test', 'admin@demo.test']) {
      expect((await logins(who, sales1)).statusCode, who).toBe(200);
    }
    for (const who of ['manager2@demo.test', 'sales2@demo.test', 'admin@other.test']) {
      expectProblem(await logins(who, sales1), 404, 'not_found');
    }
    for (const who of ['warrior1@demo.test', 'guest@demo.test', 'dev@demo.test']) {
      expectProblem(await logins(who, sales1), 403, 'forbidden');
    }
    const warrior1 = await userId(t, 'warrior1@demo.test');
    expect((await logins('sales1@demo.test', warrior1)).statusCode).toBe(200);
    expect((await logins('warrior1@demo.test', warrior1)).statusCode).toBe(200);
  });
});

describe('who is active', () => {
  interface Active {
    id: string;
    name: string;
    activeNow: boolean;
    activeSessions: number;
    lastSeenAt: string | null;
    lastLoginAt: string | null;
  }
  const active = async (who: string) => {
    const response = await t.as(who, 'GET', '/api/v1/users/active');
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { activeNow: number; data: Active[] };
  };

  it('lists a manager’s subtree with who is signed in now', async () => {
    const view = await active('manager1@demo.test');
    const names = view.data.map((u) => u.name).sort();
    expect(names).toEqual(
      [
        'Vikram Mehta',
        'Rohan Gupta',
        'Sneha Patil',
        'Nikhil Verma',
        'Aditya Kulkarni',
        'Meera Joshi',
        'Karan Malhotra',
      ].sort(),
    );
    const rohan = view.data.find((u) => u.id === sales1);
    expect(rohan).toMatchObject({ activeNow: true, lastLoginAt: t.clock.now().toISOString() });
    expect(rohan?.activeSessions).toBeGreaterThanOrEqual(1);
    expect(view.data[0]?.activeNow).toBe(true);
    expect(view.activeNow).toBe(view.data.filter((u) => u.activeNow).length);
  });

  it('says who stopped being active once the session went quiet, and who never signed in', async () => {
    t.clock.advance(2 * 3_600_000);
    const view = await active('admin@demo.test');
    expect(view.data.find((u) => u.id === sales1)).toMatchObject({ activeNow: false });
    expect(view.data.find((u) => u.name === 'Divya Menon')).toMatchObject({ lastSeenAt: null, activeSessions: 0 });
    expect(view.data.length).toBeGreaterThan(15);
  });

  it('shows a salesperson itself and its warriors, and nobody without the permission', async () => {
    expect((await active('sales1@demo.test')).data.map((u) => u.name).sort()).toEqual(
      ['Aditya Kulkarni', 'Meera Joshi', 'Rohan Gupta'].sort(),
    );
    for (const who of ['warrior1@demo.test', 'guest@demo.test', 'cosales@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/users/active'), 403, 'forbidden');
    }
    const other = await active('admin@other.test');
    expect(other.data.map((u) => u.name)).toEqual(['Emily Carter']);
  });
});
