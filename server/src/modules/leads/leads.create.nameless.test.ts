import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { jobContext } from '../../jobs/system-context.ts';
import type { CreateLeadInput } from './index.ts';
import { createLeads } from './leads.create.ts';

/**
 * A channel that builds lead bodies itself (a mapping, an ERP connector) may leave the name out. In a batch, such
 * an item is refused on its own, naming the field, and the others are still created.
 */
let t: TestApp;
let companyId: string;
beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

describe('createLeads with a nameless item in a batch', () => {
  it('refuses that item naming `name` and creates the rest', async () => {
    const ctx = jobContext({ id: 'nameless-test', kind: 'test', companyId });
    const { results } = await withTenant(t.dbs.app, companyId, (trx) =>
      createLeads(
        trx,
        t.app.deps,
        ctx,
        [
          { body: { name: 'Named One', emails: ['named.one@example.in'] } },
          { body: { emails: ['nobody@example.in'] } as unknown as CreateLeadInput, basePath: 'rows.1' },
          { body: { name: 'Named Two' } },
        ],
        { channel: 'integration', onDuplicate: 'skip' },
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['created', 'failed', 'created']);
    const failed = results[1] as { status: 'failed'; error: { errors?: { path: string }[] } };
    expect(failed.error.errors?.map((e) => e.path)).toEqual(['rows.1.name']);
  });
});
