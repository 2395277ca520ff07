import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  audit,
  d,
  type Entry,
  expectProblem,
  ids,
  newUser,
  OTHER,
  otherCompanyId,
  PASSWORD,
  rawAudit,
  send,
  setupAuditApp,
  state,
  t,
  walk,
} from './audit.fixtures.ts';

/** The audit log: one row per write, in the write's transaction; never secrets; ADMIN only; per tenant. */

setupAuditApp();

describe('creating a user', () => {
  it("records 'user.created' with the request id, actor and fields, and never the password", async () => {
    const requestId = 'req-create-user-0001';
    const body = newUser({ name: 'Audit Subject', role: 'SALESPERSON', managerId: ids.manager1 });
    const response = await send(ADMIN, 'POST', '/api/v1/users', body, { 'x-request-id': requestId });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers['x-request-id']).toBe(requestId);
    const user = response.json() as { id: string; email: string };

    const entries = await audit(`entityType=user&entityId=${user.id}`);
    expect(entries).toHaveLength(1);
    const entry = entries[0] as Entry;
    expect(entry).toMatchObject({
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      actorUserId: ids.admin,
      actorApiKeyId: null,
      actorName: 'Priya Raman',
      requestId,
    });
    expect(entry.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(new Date(entry.at).toISOString()).toBe(entry.at);
    expect(typeof entry.ip).toBe('string');
    expect(entry.changes).toMatchObject({
      name: { from: null, to: 'Audit Subject' },
      email: { from: null, to: body.email },
      role: { from: null, to: 'SALESPERSON' },
      managerId: { from: null, to: ids.manager1 },
    });
    const text = JSON.stringify(entry);
    expect(text.toLowerCase()).not.toContain('password');
    expect(text).not.toContain('$argon2');
    expect(text).not.toContain(PASSWORD);
    // Nor anywhere in the stored rows.
    const stored = JSON.stringify(await rawAudit());
    expect(stored.toLowerCase()).not.toContain('password_hash');
    expect(stored).not.toContain('$argon2');
    expect(stored).not.toContain(PASSWORD);
  });

  it('records the generated request id when none (or an unusable one) is sent', async () => {
    const variants: Record<string, string>[] = [
      {},
      { 'x-request-id': 'has spaces in it' },
      { 'x-request-id': 'x'.repeat(129) },
    ];
    for (const headers of variants) {
      const response = await send(ADMIN, 'POST', '/api/v1/users', newUser(), headers);
      expect(response.statusCode).toBe(201);
      const generated = response.headers['x-request-id'] as string;
      expect(generated).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      if ('x-request-id' in headers) expect(generated).not.toBe(headers['x-request-id']);
      const [entry] = await audit(`entityId=${response.json().id}`);
      expect(entry?.requestId).toBe(generated);
    }
  });
});

describe('editing a user', () => {
  it("records 'user.updated' with {field: {from, to}} for the changed fields only", async () => {
    const user = (await send(ADMIN, 'POST', '/api/v1/users', newUser({ name: 'Before Name' }))).json() as {
      id: string;
    };
    const partnerId = (await send(ADMIN, 'GET', '/api/v1/partners')).json().data[0].id as string;
    const roleChange = await send(
      ADMIN,
      'PATCH',
      `/api/v1/users/${user.id}`,
      { role: 'PARTNER', partnerId },
      {
        'x-request-id': 'req-patch-role',
      },
    );
    expect(roleChange.statusCode, roleChange.body).toBe(200);
    expect(roleChange.headers['x-request-id']).toBe('req-patch-role');
    const [latest] = await audit(`entityId=${user.id}`);
    expect(latest).toMatchObject({ action: 'user.updated', requestId: 'req-patch-role', actorUserId: ids.admin });
    expect(latest?.changes).toEqual({
      role: { from: 'GUEST', to: 'PARTNER' },
      partnerId: { from: null, to: partnerId },
    });

    const rename = await send(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { name: 'After Name', role: 'PARTNER' });
    expect(rename.statusCode).toBe(200);
    const [renamed] = await audit(`entityId=${user.id}`);
    expect(renamed?.changes).toEqual({ name: { from: 'Before Name', to: 'After Name' } });

    const move = await send(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { managerId: ids.sales1 });
    expect(move.statusCode).toBe(200);
    const [moved] = await audit(`entityId=${user.id}`);
    expect(moved?.changes).toEqual({ managerId: { from: null, to: ids.sales1 } });

    const both = await send(ADMIN, 'PATCH', `/api/v1/users/${user.id}`, { role: 'WARRIOR', name: 'Warrior Now' });
    expect(both.statusCode, both.body).toBe(200);
    const [last] = await audit(`entityId=${user.id}`);
    expect(last?.changes).toEqual({
      role: { from: 'PARTNER', to: 'WARRIOR' },
      name: { from: 'After Name', to: 'Warrior Now' },
      partnerId: { from: partnerId, to: null },
    });

    const all = await audit(`entityId=${user.id}`);
    expect(all.map((e) => e.action)).toEqual([
      'user.updated',
      'user.updated',
      'user.updated',
      'user.updated',
      'user.created',
    ]);
  });

  it('a change that changes nothing names no fields', async () => {
    const before = await audit(`entityId=${ids.warrior1}`);
    const same = await send(ADMIN, 'PATCH', `/api/v1/users/${ids.warrior1}`, { name: 'Aditya Kulkarni' });
    expect(same.statusCode).toBe(200);
    const after = await audit(`entityId=${ids.warrior1}`);
    for (const entry of after.slice(0, after.length - before.length)) expect(entry.changes).toBeNull();
  });

  it("records 'user.deactivated' and 'user.reactivated'", async () => {
    const user = (await send(ADMIN, 'POST', '/api/v1/users', newUser())).json() as { id: string };
    expect(
      (await send(ADMIN, 'POST', `/api/v1/users/${user.id}/deactivate`, undefined, { 'x-request-id': 'req-off' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await send(ADMIN, 'POST', `/api/v1/users/${user.id}/reactivate`, undefined, { 'x-request-id': 'req-on' }))
        .statusCode,
    ).toBe(200);
    const entries = await audit(`entityId=${user.id}`);
    expect(entries.map((e) => [e.action, e.requestId])).toEqual([
      ['user.reactivated', 'req-on'],
      ['user.deactivated', 'req-off'],
      ['user.created', expect.any(String)],
    ]);
    expect(entries[0]?.changes).toEqual({ active: { from: false, to: true } });
    expect(entries[1]?.changes).toEqual({ active: { from: true, to: false } });
  });

  it('records writes by a manager under the manager', async () => {
    const response = await send(
      d('manager1'),
      'POST',
      '/api/v1/users',
      newUser({ role: 'WARRIOR', managerId: ids.sales1 }),
    );
    expect(response.statusCode, response.body).toBe(201);
    const [entry] = await audit(`entityId=${response.json().id}`);
    expect(entry).toMatchObject({ action: 'user.created', actorUserId: ids.manager1, actorName: 'Vikram Mehta' });
  });

  it('records password changes without the password', async () => {
    const body = newUser();
    const user = (await send(ADMIN, 'POST', '/api/v1/users', body)).json() as { id: string };
    const token = (await t.login(body.email, PASSWORD)).json().accessToken as string;
    const newPassword = 'another-long-passphrase-42';
    const change = await send(token, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword });
    expect(change.statusCode, change.body).toBe(204);
    const [entry] = await audit(`entityId=${user.id}`);
    expect(entry).toMatchObject({ action: 'user.password_changed', actorUserId: user.id });
    const text = JSON.stringify(entry);
    expect(text).not.toContain(newPassword);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('$argon2');
    expect(JSON.stringify(await rawAudit())).not.toContain('$argon2');
  });

  it('records writes made with an API key, with the key as actor, never the key itself', async () => {
    const first = await send('dev@demo.test', 'POST', '/api/v1/api-keys', { name: 'first key' });
    expect(first.statusCode, first.body).toBe(201);
    const { id: firstId, key } = first.json() as { id: string; key: string };
    const second = await send(
      key,
      'POST',
      '/api/v1/api-keys',
      { name: 'made by key' },
      { 'x-request-id': 'req-by-key' },
    );
    expect(second.statusCode, second.body).toBe(201);
    const secondKey = second.json().key as string;
    const [bySession] = await audit(`entityId=${firstId}`);
    expect(bySession).toMatchObject({
      action: 'api_key.created',
      entityType: 'api_key',
      actorUserId: ids.dev,
      actorApiKeyId: null,
      actorName: 'Farhan Qureshi',
    });
    const [byKey] = await audit(`entityId=${second.json().id}`);
    expect(byKey).toMatchObject({
      action: 'api_key.created',
      actorUserId: ids.dev,
      actorApiKeyId: firstId,
      requestId: 'req-by-key',
    });
    const everything = JSON.stringify(await audit()) + JSON.stringify(await rawAudit());
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(secondKey);
  });
});

describe('failed writes', () => {
  it('leave no audit row and change nothing', async () => {
    const before = await state();
    const attempts: [string, string, string, unknown, number][] = [
      [ADMIN, 'POST', '/api/v1/users', { ...newUser(), extra: true }, 400],
      [ADMIN, 'POST', '/api/v1/users', { ...newUser(), name: '   ' }, 400],
      [ADMIN, 'POST', '/api/v1/users', newUser({ password: 'short' }), 422],
      [ADMIN, 'POST', '/api/v1/users', newUser({ role: 'WARRIOR', managerId: ids.manager1 }), 422],
      [ADMIN, 'POST', '/api/v1/users', newUser({ email: 'sales1@demo.test' }), 409],
      [ADMIN, 'POST', '/api/v1/users', newUser({ email: OTHER }), 409],
      [d('manager1'), 'POST', '/api/v1/users', newUser({ role: 'ADMIN' }), 403],
      [d('sales1'), 'POST', '/api/v1/users', newUser(), 403],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.warrior1}`, {}, 400],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.warrior1}`, { managerId: ids.manager1 }, 422],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.manager1}`, { managerId: ids.warrior1 }, 422],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.admin}`, { role: 'GUEST' }, 422],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.sales1}`, { role: 'MANAGER', managerId: null }, 422],
      [ADMIN, 'PATCH', `/api/v1/users/${ids.other}`, { name: 'x' }, 404],
      [ADMIN, 'POST', `/api/v1/users/${ids.admin}/deactivate`, undefined, 422],
      [OTHER, 'POST', `/api/v1/users/${ids.warrior1}/deactivate`, undefined, 404],
      [d('manager1'), 'PATCH', '/api/v1/company', { name: 'Nope' }, 403],
      [ADMIN, 'PATCH', '/api/v1/company', { timezone: 'Mars/Olympus' }, 400],
      [ADMIN, 'PATCH', '/api/v1/company', { name: 'Fine', currency: 'XXXX' }, 400],
      [ADMIN, 'PATCH', '/api/v1/company', { name: 'Fine', phoneCountry: 'ZZ' }, 400],
      ['dev@demo.test', 'POST', '/api/v1/api-keys', { name: '' }, 400],
    ];
    for (const [who, method, url, body, status] of attempts) {
      const response = await send(who, method, url, body);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`).toBe(status);
    }
    expect(await state()).toBe(before);
  });
});

describe('GET /audit', () => {
  it('answers newest first, and cursor pagination walks every row once', async () => {
    const all = await walk('', 200);
    expect(all.length).toBeGreaterThan(10);
    for (let i = 1; i < all.length; i++) {
      const prev = all[i - 1] as Entry;
      const cur = all[i] as Entry;
      expect(prev.id > cur.id, `${prev.id} before ${cur.id}`).toBe(true);
      expect(prev.at >= cur.at).toBe(true);
    }
    for (const limit of [1, 2, 7]) {
      const paged = await walk('', limit);
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    }
    const rows = await rawAudit();
    expect(all).toHaveLength(rows.length);
  });

  it('filters by entityType, entityId and actorId', async () => {
    const all = await walk('', 200);
    const users = await audit('entityType=user');
    expect(users.length).toBeGreaterThan(0);
    expect(users.map((e) => e.id)).toEqual(all.filter((e) => e.entityType === 'user').map((e) => e.id));
    const keys = await audit('entityType=api_key');
    expect(keys.map((e) => e.id)).toEqual(all.filter((e) => e.entityType === 'api_key').map((e) => e.id));
    expect(await audit('entityType=nothing-like-this')).toEqual([]);

    const byManager = await audit(`actorId=${ids.manager1}`);
    expect(byManager.length).toBeGreaterThan(0);
    expect(byManager.map((e) => e.id)).toEqual(all.filter((e) => e.actorUserId === ids.manager1).map((e) => e.id));
    const byAdmin = await audit(`actorId=${ids.admin}&entityType=user`);
    expect(byAdmin.map((e) => e.id)).toEqual(
      all.filter((e) => e.actorUserId === ids.admin && e.entityType === 'user').map((e) => e.id),
    );

    const entity = all.find((e) => e.entityType === 'user' && e.action === 'user.updated') as Entry;
    const forEntity = await audit(`entityId=${entity.entityId}`);
    expect(forEntity.map((e) => e.id)).toEqual(all.filter((e) => e.entityId === entity.entityId).map((e) => e.id));
    expect(await audit('entityId=0190c3a4-5b6c-7d8e-9f00-112233445566')).toEqual([]);

    const pagedFilter = await walk(`entityType=user`, 2);
    expect(pagedFilter.map((e) => e.id)).toEqual(users.map((e) => e.id));
  });

  it('filters by time: from is inclusive, to is exclusive', async () => {
    const all = await walk('', 200);
    const pivot = all[Math.floor(all.length / 2)] as Entry;
    const from = await walk(`from=${encodeURIComponent(pivot.at)}`, 200);
    const to = await walk(`to=${encodeURIComponent(pivot.at)}`, 200);
    expect(from.map((e) => e.id)).toEqual(all.filter((e) => e.at >= pivot.at).map((e) => e.id));
    expect(to.map((e) => e.id)).toEqual(all.filter((e) => e.at < pivot.at).map((e) => e.id));
    expect(from.map((e) => e.id)).toContain(pivot.id);
    expect([...to, ...from].map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort());

    const oldest = all.at(-1) as Entry;
    const newest = all[0] as Entry;
    const window = await walk(`from=${encodeURIComponent(oldest.at)}&to=${encodeURIComponent(newest.at)}`, 200);
    expect(window.map((e) => e.id)).toEqual(all.filter((e) => e.at < newest.at).map((e) => e.id));
    expect(await audit('from=2100-01-01T00:00:00.000Z')).toEqual([]);
    expect(await audit('to=2000-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('rejects bad parameters with 400 naming them', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cases: [string, string][] = [
      ['limit=201', 'limit'],
      ['limit=0', 'limit'],
      ['entityId=nope', 'entityId'],
      ['actorId=nope', 'actorId'],
      ['from=yesterday', 'from'],
      ['to=2024-13-45', 'to'],
      ['action=user.created', 'action'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${encode(['not-a-uuid'])}`, 'cursor'],
      [`cursor=${encode([42])}`, 'cursor'],
      [`cursor=${encode(['a', 'b'])}`, 'cursor'],
    ];
    for (const [query, path] of cases) {
      expectProblem(await t.as(ADMIN, 'GET', `/api/v1/audit?${query}`), 400, 'validation_failed', path);
    }
  });

  it('is for ADMIN only', async () => {
    for (const who of ['manager1', 'sales1', 'warrior1', 'dev', 'guest', 'integration']) {
      expectProblem(await t.as(d(who), 'GET', '/api/v1/audit'), 403, 'forbidden');
    }
    expectProblem(await t.as(null, 'GET', '/api/v1/audit'), 401, 'unauthenticated');
  });
});

describe('tenant isolation', () => {
  it("Other Co's admin sees none of Demo Co's rows, and Demo Co none of Other Co's", async () => {
    const demo = await walk('', 200);
    expect(demo.length).toBeGreaterThan(0);
    const otherBefore = await audit('', OTHER);
    expect(otherBefore).toEqual([]);

    const renamed = await send(
      OTHER,
      'PATCH',
      '/api/v1/company',
      { name: 'Other Co Renamed' },
      { 'x-request-id': 'req-other' },
    );
    expect(renamed.statusCode, renamed.body).toBe(200);
    const created = await send(OTHER, 'POST', '/api/v1/users', newUser({ email: `someone.${Date.now()}@other.test` }));
    expect(created.statusCode).toBe(201);

    const other = await audit('', OTHER);
    expect(other.map((e) => e.action).sort()).toEqual(['company.updated', 'user.created']);
    expect(other.every((e) => e.actorUserId === ids.other)).toBe(true);
    const demoIds = new Set(demo.map((e) => e.id));
    expect(other.some((e) => demoIds.has(e.id))).toBe(false);
    for (const filter of [`entityId=${ids.warrior1}`, `actorId=${ids.admin}`, 'entityType=user']) {
      const rows = await audit(filter, OTHER);
      expect(
        rows.some((e) => demoIds.has(e.id)),
        filter,
      ).toBe(false);
    }

    const demoAfter = await walk('', 200);
    expect(demoAfter.map((e) => e.id)).toEqual(demo.map((e) => e.id));
    expect(await audit(`actorId=${ids.other}`)).toEqual([]);
    expect((await rawAudit(otherCompanyId)).length).toBe(2);
  });
});
