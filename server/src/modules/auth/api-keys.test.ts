import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** API keys: who may make them, what they authenticate as, how they are stored and how they end. */

let t: TestApp;
let demoCompanyId: string;
beforeAll(async () => {
  t = await createTestApp();
  demoCompanyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  key: string;
}

async function createKey(email: string, name = 'Tally sync'): Promise<CreatedKey> {
  const response = await t.as(email, 'POST', '/api/v1/api-keys', { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as CreatedKey;
}

async function listKeys(email: string) {
  const response = await t.as(email, 'GET', '/api/v1/api-keys');
  expect(response.statusCode).toBe(200);
  return response.json().data as Record<string, unknown>[];
}

/** The secret part of a key: what follows `ipk_`, the 43 characters of ids and their `_`. */
const secretOf = (key: string) => key.slice('ipk_'.length + 44);

/** The key with one character of its secret changed. */
function tamper(key: string): string {
  const at = key.length - 10;
  const replacement = key[at] === 'x' ? 'y' : 'x';
  return `${key.slice(0, at)}${replacement}${key.slice(at + 1)}`;
}

describe('creating API keys', () => {
  it('lets an INTEGRATION user create a key, returned once with its metadata', async () => {
    const response = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'Tally sync' });
    expect(response.statusCode).toBe(201);
    const body = response.json() as CreatedKey;
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Tally sync',
      prefix: expect.any(String),
      userId: await userId(t, 'integration@demo.test'),
      userName: 'Tally Sync Service',
      scopes: [],
      createdAt: expect.any(String),
      lastUsedAt: null,
      key: expect.stringMatching(/^ipk_[A-Za-z0-9_-]+$/),
    });
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    expect(body.prefix.length).toBeLessThan(body.key.length);
  });

  it('gives each key a prefix of its own, so two keys can be told apart', async () => {
    const first = await createKey('integration@demo.test', 'CRM import');
    const second = await createKey('integration@demo.test', 'CRM export');
    expect(first.key.startsWith(first.prefix)).toBe(true);
    expect(second.key.startsWith(second.prefix)).toBe(true);
    expect(first.prefix).not.toBe(second.prefix);
    // The prefix is for recognising a key, never for using it: it holds none of the secret.
    expect(first.prefix).not.toContain(secretOf(first.key).slice(0, 8));
  });

  it('lets a DEV user create a key that works', async () => {
    const created = await createKey('dev@demo.test', 'Local scripts');
    const me = await t.as(created.key, 'GET', '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('dev@demo.test');
  });

  it('refuses a SALESPERSON with 403 forbidden', async () => {
    expectProblem(await t.as('sales1@demo.test', 'POST', '/api/v1/api-keys', { name: 'mine' }), 403, 'forbidden');
    expectProblem(await t.as('sales1@demo.test', 'GET', '/api/v1/api-keys'), 403, 'forbidden');
  });

  it('needs a name, and no unknown fields (400 validation_failed)', async () => {
    const missing = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', {});
    expectProblem(missing, 400, 'validation_failed');
    expect(missing.json().errors).toContainEqual({ path: 'name', message: expect.any(String) });
    const empty = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: '' });
    expectProblem(empty, 400, 'validation_failed');
    const extra = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'x', owner: 'all' });
    expectProblem(extra, 400, 'validation_failed');
    expect(extra.json().errors).toContainEqual({ path: 'owner', message: expect.any(String) });
  });
});

describe('using API keys', () => {
  let created: CreatedKey;
  beforeAll(async () => {
    created = await createKey('integration@demo.test', 'Nightly export');
  });

  it('authenticates as its user: /auth/me says api_key', async () => {
    const response = await t.as(created.key, 'GET', '/api/v1/auth/me');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.authenticatedWith).toBe('api_key');
    expect(body.user).toMatchObject({ id: created.userId, email: 'integration@demo.test', role: 'INTEGRATION' });
    expect(body.company.id).toBe(demoCompanyId);
  });

  it('lists my keys without the key itself, and records when one was last used', async () => {
    await t.as(created.key, 'GET', '/api/v1/auth/me');
    const response = await t.as('integration@demo.test', 'GET', '/api/v1/api-keys');
    expect(response.statusCode).toBe(200);
    const listed = (response.json().data as Record<string, unknown>[]).find((k) => k.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'Nightly export',
      prefix: created.prefix,
      userId: created.userId,
      userName: 'Tally Sync Service',
      scopes: [],
      createdAt: created.createdAt,
      lastUsedAt: expect.any(String),
    });
    expect(listed).not.toHaveProperty('key');
    expect(response.body).not.toContain(secretOf(created.key));
  });

  it('stores only a hash: the key appears nowhere in its row', async () => {
    const row = await withTenant(t.dbs.app, demoCompanyId, (trx) =>
      trx.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirst(),
    );
    expect(row).toBeDefined();
    expect(row?.key_hash).toBeTruthy();
    expect(row?.key_hash).not.toBe(created.key);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(secretOf(created.key));
  });

  it('refuses a tampered key with 401 while the real key keeps working', async () => {
    expectProblem(await t.as(tamper(created.key), 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expectProblem(await t.as(created.key.slice(0, -5), 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expectProblem(await t.as(`${created.key}x`, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expect((await t.as(created.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('does not count a refused attempt as a use of the real key', async () => {
    const fresh = await createKey('integration@demo.test', 'Never used');
    expectProblem(await t.as(tamper(fresh.key), 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    const listed = (await listKeys('integration@demo.test')).find((k) => k.id === fresh.id);
    expect(listed?.lastUsedAt).toBeNull();
  });

  it('refuses to create a key for an ADMIN (keys belong to integration and dev users), and refuses no other key', async () => {
    expectProblem(
      await t.as('admin@demo.test', 'POST', '/api/v1/api-keys', { name: 'Admin automation' }),
      403,
      'forbidden',
    );
    expect((await listKeys('admin@demo.test')).map((k) => k.name)).not.toContain('Admin automation');
  });
});

describe('revoking API keys', () => {
  it('DELETE ends the key: 204, then 401, gone from the list, and a second DELETE is 404', async () => {
    const created = await createKey('integration@demo.test', 'To revoke');
    expect((await t.as(created.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const response = await t.as('integration@demo.test', 'DELETE', `/api/v1/api-keys/${created.id}`);
    expect(response.statusCode).toBe(204);
    expectProblem(await t.as(created.key, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expect((await listKeys('integration@demo.test')).map((k) => k.id)).not.toContain(created.id);
    expectProblem(await t.as('integration@demo.test', 'DELETE', `/api/v1/api-keys/${created.id}`), 404, 'not_found');
  });

  it("answers 404 when Other Co's admin deletes a Demo Co key, and the key keeps working", async () => {
    const created = await createKey('integration@demo.test', 'Cross-tenant target');
    const response = await t.as('admin@other.test', 'DELETE', `/api/v1/api-keys/${created.id}`);
    expectProblem(response, 404, 'not_found');
    expect((await t.as(created.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('lets an ADMIN see every key of its company, with whose it is, and revoke any of them', async () => {
    const integrationKey = await createKey('integration@demo.test', 'Seen by the admin');
    const devKey = await createKey('dev@demo.test', 'Also seen by the admin');
    const listed = await listKeys('admin@demo.test');
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: integrationKey.id, userName: 'Tally Sync Service' }),
        expect.objectContaining({ id: devKey.id, userName: 'Farhan Qureshi' }),
      ]),
    );
    expect(JSON.stringify(listed)).not.toContain(integrationKey.key);
    // A dev sees only its own keys.
    expect((await listKeys('dev@demo.test')).map((k) => k.id)).not.toContain(integrationKey.id);
    expect((await t.as('admin@demo.test', 'DELETE', `/api/v1/api-keys/${integrationKey.id}`)).statusCode).toBe(204);
    expectProblem(await t.as(integrationKey.key, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expect((await t.as(devKey.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('answers 404 when another user of the same company deletes my key, and the key keeps working', async () => {
    const created = await createKey('integration@demo.test', 'Same-tenant target');
    expectProblem(await t.as('dev@demo.test', 'DELETE', `/api/v1/api-keys/${created.id}`), 404, 'not_found');
    expect((await t.as(created.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('stops a key once its user is deactivated', async () => {
    const created = await createKey('dev@demo.test', 'Dies with its user');
    expect((await t.as(created.key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const devId = await userId(t, 'dev@demo.test');
    const deactivated = await t.as('admin@demo.test', 'POST', `/api/v1/users/${devId}/deactivate`);
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expectProblem(await t.as(created.key, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
  });
});

describe('the leads:read-all scope', () => {
  async function leadCreatedBy(email: string, name: string) {
    const response = await t.as(email, 'POST', '/api/v1/leads', { name });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; version: number };
  }

  it('is refused (403) when an INTEGRATION user grants it to its own key, at creation or later', async () => {
    const created = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', {
      name: 'Self-granted',
      scopes: ['leads:read-all'],
    });
    expectProblem(created, 403, 'forbidden', 'scopes');
    const plain = await createKey('integration@demo.test', 'Plain');
    expectProblem(
      await t.as('integration@demo.test', 'PATCH', `/api/v1/api-keys/${plain.id}`, { scopes: ['leads:read-all'] }),
      403,
      'forbidden',
    );
    expectProblem(
      await t.as(plain.key, 'PATCH', `/api/v1/api-keys/${plain.id}`, { scopes: ['leads:read-all'] }),
      403,
      'forbidden',
    );
    expect((await listKeys('admin@demo.test')).find((k) => k.id === plain.id)?.scopes).toEqual([]);
  });

  it('is granted by an ADMIN (audited), lets the key read every lead, and never change more of them', async () => {
    const key = await createKey('integration@demo.test', 'Reporting');
    const granted = await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${key.id}`, {
      scopes: ['leads:read-all'],
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ id: key.id, scopes: ['leads:read-all'] });
    const audit = await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityType=api_key&entityId=${key.id}`);
    expect(audit.json().data.map((e: { action: string }) => e.action)).toContain('api_key.scopes_changed');

    const theirs = await leadCreatedBy('admin@demo.test', 'Quillon Marine Exports');
    const own = await leadCreatedBy('integration@demo.test', 'Vantara Textile Mills');
    // Reads every lead ...
    expect((await t.as(key.key, 'GET', `/api/v1/leads/${theirs.id}`)).statusCode).toBe(200);
    // ... but changes only what its user may change: the same answer as with its session.
    const bySession = await t.as('integration@demo.test', 'PATCH', `/api/v1/leads/${theirs.id}`, {
      version: theirs.version,
      city: 'Pune',
    });
    expectProblem(bySession, 404, 'not_found');
    const byKey = await t.as(key.key, 'PATCH', `/api/v1/leads/${theirs.id}`, { version: theirs.version, city: 'Pune' });
    expectProblem(byKey, 404, 'not_found');
    const assign = await t.as(key.key, 'POST', `/api/v1/leads/${theirs.id}/assign`, { ownerId: null });
    expect(assign.statusCode).toBe(404);
    const note = await t.as(key.key, 'POST', `/api/v1/leads/${theirs.id}/notes`, { body: 'From the key' });
    expect(note.statusCode).toBe(404);
    const after = await t.as('admin@demo.test', 'GET', `/api/v1/leads/${theirs.id}`);
    expect(after.json()).toMatchObject({ version: theirs.version, city: null });

    const mine = await t.as(key.key, 'PATCH', `/api/v1/leads/${own.id}`, { version: own.version, city: 'Pune' });
    expect(mine.statusCode, mine.body).toBe(200);
  });

  it('is withdrawn by an ADMIN, and another company’s admin gets 404', async () => {
    const key = await createKey('integration@demo.test', 'Withdrawn');
    expect(
      (await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${key.id}`, { scopes: ['leads:read-all'] })).statusCode,
    ).toBe(200);
    expectProblem(
      await t.as('admin@other.test', 'PATCH', `/api/v1/api-keys/${key.id}`, { scopes: [] }),
      404,
      'not_found',
    );
    const withdrawn = await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${key.id}`, { scopes: [] });
    expect(withdrawn.json().scopes).toEqual([]);
    expectProblem(
      await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${key.id}`, { scopes: ['root'] }),
      400,
      'validation_failed',
      'scopes.0',
    );
  });
});
