import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { upload, uploaded } from './files.fixtures.ts';

/** Company folders: managers make them, restrict them to roles and users, and what is inside follows. */
let t: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-folders-'));
  t = await createTestApp({ dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function folder(who: string, body: Record<string, unknown>) {
  const res = await t.as(who, 'POST', '/api/v1/folders', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; parentId: string | null };
}

const names = async (who: string) =>
  (await t.as(who, 'GET', '/api/v1/folders')).json().data.map((f: { name: string }) => f.name) as string[];

describe('folders', () => {
  it('are made by managers and admins; others get 403 and nothing changes', async () => {
    const open = await folder('manager1@demo.test', { name: 'Brochures' });
    const sub = await folder(ADMIN, { name: 'Print', parentId: open.id });
    expect(sub.parentId).toBe(open.id);
    expectProblem(await t.as('sales1@demo.test', 'POST', '/api/v1/folders', { name: 'Mine' }), 403, 'forbidden');
    expectProblem(
      await t.as('guest@demo.test', 'PATCH', `/api/v1/folders/${open.id}`, { name: 'X' }),
      403,
      'forbidden',
    );
    expectProblem(await t.as('sales1@demo.test', 'DELETE', `/api/v1/folders/${open.id}`), 403, 'forbidden');
    expect(await names('sales1@demo.test')).toEqual(expect.arrayContaining(['Brochures', 'Print']));
    expect(await names('sales1@demo.test')).not.toContain('Mine');
  });

  it('restrict to roles and users, and everything below them too', async () => {
    const sales3 = await userId(t, 'sales3@demo.test');
    const hr = await folder(ADMIN, { name: 'Management only', allowedRoles: ['MANAGER'], allowedUserIds: [sales3] });
    const inner = await folder(ADMIN, { name: 'Inner', parentId: hr.id });
    const file = await uploaded(t, 'manager1@demo.test', 'salaries.txt', 'secret', { folderId: inner.id });
    expect(await names('manager1@demo.test')).toEqual(expect.arrayContaining(['Management only', 'Inner']));
    expect(await names('sales3@demo.test')).toEqual(expect.arrayContaining(['Management only', 'Inner']));
    expect(await names('sales1@demo.test')).not.toContain('Management only');
    expect(await names('sales1@demo.test')).not.toContain('Inner');
    // Rohan (sales1) gets 404 on everything inside, and may not upload there.
    const outsider = 'sales1@demo.test';
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files/${file.id}/content`), 404, 'not_found');
    expectProblem(await t.as(outsider, 'GET', `/api/v1/files?folderId=${inner.id}`), 404, 'not_found', 'folderId');
    expectProblem(
      await upload(t, outsider, { name: 'x.txt', content: 'x' }, { folderId: inner.id }),
      404,
      'not_found',
      'folderId',
    );
    expect((await t.as('sales3@demo.test', 'GET', `/api/v1/files/${file.id}/content`)).body).toBe('secret');
    // Lifting the restriction opens it.
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/folders/${hr.id}`, {
      allowedRoles: null,
      allowedUserIds: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await t.as(outsider, 'GET', `/api/v1/files/${file.id}`)).statusCode).toBe(200);
  });

  it('restrict to a team: the manager and everyone below it, at any depth', async () => {
    const manager1 = await userId(t, 'manager1@demo.test');
    const team = await folder(ADMIN, { name: 'Team Vikram', allowedTeamIds: [manager1] });
    expect(team).toMatchObject({ allowedTeamIds: [manager1] });
    for (const member of ['manager1@demo.test', 'sales1@demo.test', 'warrior1@demo.test']) {
      expect(await names(member), member).toContain('Team Vikram');
    }
    for (const outsider of ['manager2@demo.test', 'sales3@demo.test', 'guest@demo.test']) {
      expect(await names(outsider), outsider).not.toContain('Team Vikram');
    }
    const sales1 = await userId(t, 'sales1@demo.test');
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/folders/${team.id}`, { allowedTeamIds: [sales1] }),
      400,
      'validation_failed',
      'allowedTeamIds.0',
    );
  });

  it('rename, move (never into themselves) and delete only when empty', async () => {
    const a = await folder(ADMIN, { name: 'A' });
    const b = await folder(ADMIN, { name: 'B', parentId: a.id });
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/folders/${a.id}`, { parentId: b.id }),
      400,
      'validation_failed',
      'parentId',
    );
    expectProblem(await t.as(ADMIN, 'POST', '/api/v1/folders', { name: 'a' }), 409, 'conflict', 'name');
    expectProblem(await t.as(ADMIN, 'POST', '/api/v1/folders', { name: 'bad/name' }), 400, 'validation_failed', 'name');
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/folders', { name: 'x', allowedRoles: ['KING'] }),
      400,
      'validation_failed',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/folders', {
        name: 'x',
        allowedUserIds: ['0193a000-0000-7000-8000-000000000001'],
      }),
      400,
      'validation_failed',
      'allowedUserIds.0',
    );
    const renamed = await t.as(ADMIN, 'PATCH', `/api/v1/folders/${b.id}`, { name: 'B2', parentId: null });
    expect(renamed.json()).toMatchObject({ name: 'B2', parentId: null });
    await uploaded(t, ADMIN, 'keep.txt', 'x', { folderId: a.id });
    expectProblem(await t.as(ADMIN, 'DELETE', `/api/v1/folders/${a.id}`), 409, 'conflict');
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/folders/${b.id}`)).statusCode).toBe(204);
    expect(await names(ADMIN)).not.toContain('B2');
  });

  it('answer 404 to another company on every id route, and change nothing', async () => {
    const ours = await folder(ADMIN, { name: 'Ours' });
    const other = 'admin@other.test';
    expectProblem(await t.as(other, 'PATCH', `/api/v1/folders/${ours.id}`, { name: 'Theirs' }), 404, 'not_found');
    expectProblem(await t.as(other, 'DELETE', `/api/v1/folders/${ours.id}`), 404, 'not_found');
    expectProblem(await t.as(other, 'GET', `/api/v1/files?folderId=${ours.id}`), 404, 'not_found');
    expectProblem(
      await t.as(other, 'POST', '/api/v1/folders', { name: 'Sub', parentId: ours.id }),
      404,
      'not_found',
      'parentId',
    );
    expectProblem(await upload(t, other, { name: 'x.txt', content: 'x' }, { folderId: ours.id }), 404, 'not_found');
    expect(await names(other)).toEqual([]);
    expect(await names(ADMIN)).toContain('Ours');
  });
});
