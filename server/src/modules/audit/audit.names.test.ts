import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
const ADMIN = 'admin@demo.test';

type Entry = { action: string; entityType: string; entityId: string | null; entityName: string | null };

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function entries(who: string, query: string): Promise<Entry[]> {
  const response = await t.as(who, 'GET', `/api/v1/audit?limit=100&${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

describe('the audit log in words', () => {
  it('names the entity of each entry: the lead and user as they are called now', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Audra Namewell' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const renamed = await t.as(ADMIN, 'PATCH', `/api/v1/leads/${id}`, { name: 'Audra Namewell-Roy', version: 1 });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const lead = await entries(ADMIN, `entityType=lead&entityId=${id}`);
    expect(lead.map((e) => e.action).sort()).toEqual(['lead.created', 'lead.updated']);
    expect(lead.every((e) => e.entityName === 'Audra Namewell-Roy')).toBe(true);

    const user = await t.as(ADMIN, 'POST', '/api/v1/users', {
      email: 'audit-names@demo.test',
      name: 'Ravi Namesake',
      role: 'GUEST',
      password: 'correct-horse-battery-staple',
    });
    expect(user.statusCode, user.body).toBe(201);
    const [entry] = await entries(ADMIN, `entityType=user&entityId=${user.json().id}`);
    expect(entry).toMatchObject({ action: 'user.created', entityName: 'Ravi Namesake' });

    // A whole page is named, whatever its mix of kinds.
    const page = await entries(ADMIN, '');
    expect(page.find((e) => e.entityId === id)?.entityName).toBe('Audra Namewell-Roy');
  });

  it('lists the kinds of record the log holds, with labels, and filters by one', async () => {
    const response = await t.as(ADMIN, 'GET', '/api/v1/audit/entity-types');
    expect(response.statusCode, response.body).toBe(200);
    const types = response.json().data as { type: string; label: string }[];
    expect(types).toEqual(
      expect.arrayContaining([
        { type: 'lead', label: 'Lead' },
        { type: 'user', label: 'User' },
      ]),
    );
    expect(new Set(types.map((x) => x.type)).size).toBe(types.length);
    const leads = await entries(ADMIN, 'entityType=lead');
    expect(leads.length).toBeGreaterThan(0);
    expect(leads.every((e) => e.entityType === 'lead')).toBe(true);
  });

  it("is the admin's alone, and each company's own", async () => {
    expectProblem(await t.as('manager1@demo.test', 'GET', '/api/v1/audit/entity-types'), 403, 'forbidden');
    const other = await t.as('admin@other.test', 'GET', '/api/v1/audit?limit=200');
    expect(other.statusCode, other.body).toBe(200);
    const names = (other.json().data as Entry[]).map((e) => e.entityName);
    expect(names).not.toContain('Audra Namewell-Roy');
  });
});
