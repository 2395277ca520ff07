import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { addNote, createLead, getLead, merge, merged } from './merges.fixtures.ts';

let t: TestApp;
const users: Record<string, string> = {};
const ADMIN = 'admin@demo.test';
const SALES1 = 'sales1@demo.test';

beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['sales1', 'sales2', 'warrior1']) users[name] = await userId(t, `${name}@demo.test`);
});
afterAll(() => t.close());

let seq = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${seq++}`;
const counts = async (as = ADMIN) => {
  const response = await t.as(as, 'GET', '/api/v1/leads/counts');
  expect(response.statusCode, response.body).toBe(200);
  return Object.fromEntries(
    (response.json().data as { stage: string; count: number }[]).map((r) => [r.stage, r.count]),
  );
};
const undo = (as: string, mergeId: string) => t.as(as, 'POST', `/api/v1/leads/merges/${mergeId}/undo`);

describe('merging leads', () => {
  it('keeps the chosen fields, combines lists, moves notes, and leaves a tombstone that redirects', async () => {
    const a = await createLead(
      t,
      { name: unique('Asha Verma'), emails: ['asha@verma.example'], tags: ['hot'], ownerId: users.sales1 },
      SALES1,
    );
    const b = await createLead(
      t,
      {
        name: unique('Asha V.'),
        city: 'Pune',
        emails: ['asha.v@gmail.example', 'asha@verma.example'],
        phones: ['+91 98200 11111'],
        tags: ['expo'],
        ownerId: users.sales1,
      },
      SALES1,
    );
    await addNote(t, b.id, 'Met at the expo', SALES1);
    await addNote(t, b.id, 'Wants a demo', SALES1);
    await addNote(t, a.id, 'Called once', SALES1);

    const mergeId = await merged(t, SALES1, a.id, [b.id], { name: b.id });
    const survivor = await getLead(t, a.id, SALES1);
    expect(survivor).toMatchObject({
      name: b.name,
      city: 'Pune',
      emails: ['asha@verma.example', 'asha.v@gmail.example'],
      phones: ['+919820011111'],
      tags: ['hot', 'expo'],
      version: a.version + 1,
    });
    const notes = (await t.as(SALES1, 'GET', `/api/v1/leads/${a.id}/notes`)).json().data as { body: string }[];
    expect(notes.map((n) => n.body).sort()).toEqual(['Called once', 'Met at the expo', 'Wants a demo']);

    const gone = await t.as(SALES1, 'GET', `/api/v1/leads/${b.id}`);
    expect(gone.statusCode).toBe(301);
    expect(gone.headers.location).toBe(`/api/v1/leads/${a.id}`);
    expect(gone.headers['cache-control']).toBe('no-store');
    // Every other route treats the tombstone as gone.
    expectProblem(await t.as(SALES1, 'PATCH', `/api/v1/leads/${b.id}`, { version: 2, city: 'X' }), 404, 'not_found');
    expectProblem(await t.as(SALES1, 'GET', `/api/v1/leads/${b.id}/notes`), 404, 'not_found');
    const list = (await t.as(SALES1, 'GET', `/api/v1/leads?q=${encodeURIComponent('Asha')}`)).json().data;
    expect(list.map((l: { id: string }) => l.id)).not.toContain(b.id);

    const timeline = (await t.as(SALES1, 'GET', `/api/v1/leads/${a.id}/timeline?kinds=merge`)).json().data;
    expect(timeline).toEqual([
      expect.objectContaining({
        id: mergeId,
        kind: 'merge',
        actor: { id: users.sales1, name: 'Rohan Gupta' },
        merge: {
          mergeId,
          role: 'survivor',
          survivor: { id: a.id, name: b.name },
          merged: [{ id: b.id, name: b.name }],
          undone: false,
        },
      }),
    ]);
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${b.id}`)).json().data;
    expect(audit.map((e: { action: string }) => e.action)).toContain('lead.merged');
    const survivorAudit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${a.id}`)).json().data;
    expect(survivorAudit[0]).toMatchObject({ action: 'lead.merged', changes: { city: { from: null, to: 'Pune' } } });
  });

  it('follows chains of merges to the last survivor, and hides a survivor the caller may not see', async () => {
    const [x, y, z] = [
      await createLead(t, { name: unique('Chain X'), ownerId: users.sales2 }),
      await createLead(t, { name: unique('Chain Y'), ownerId: users.sales2 }),
      await createLead(t, { name: unique('Chain Z'), ownerId: users.sales2 }),
    ];
    await merged(t, ADMIN, y.id, [x.id]);
    await merged(t, ADMIN, z.id, [y.id]);
    for (const id of [x.id, y.id]) {
      const response = await t.as(ADMIN, 'GET', `/api/v1/leads/${id}`);
      expect(response.statusCode).toBe(301);
      expect(response.headers.location).toBe(`/api/v1/leads/${z.id}`);
    }
    // sales1 does not see sales2's leads: the merged id is simply not found.
    expectProblem(await t.as(SALES1, 'GET', `/api/v1/leads/${x.id}`), 404, 'not_found');
    expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/leads/${x.id}`), 404, 'not_found');
  });

  it('answers 400 naming the field for bad input, and changes nothing', async () => {
    const a = await createLead(t, { name: unique('Bad Input A'), ownerId: users.sales1 });
    const b = await createLead(t, { name: unique('Bad Input B'), ownerId: users.sales1 });
    const other = await createLead(t, { name: unique('Bad Input C'), ownerId: users.sales1 });
    expectProblem(await merge(t, SALES1, a.id, [b.id, a.id]), 400, 'validation_failed', 'mergedIds.1');
    expectProblem(await merge(t, SALES1, a.id, [b.id, b.id]), 400, 'validation_failed', 'mergedIds.1');
    expectProblem(await merge(t, SALES1, a.id, []), 400, 'validation_failed', 'mergedIds');
    const eleven = Array.from({ length: 11 }, () => b.id);
    expectProblem(await merge(t, SALES1, a.id, eleven), 400, 'validation_failed', 'mergedIds');
    expectProblem(await merge(t, SALES1, 'not-a-uuid', [b.id]), 400, 'validation_failed', 'survivorId');
    expectProblem(
      await merge(t, SALES1, a.id, [b.id], { colour: b.id }),
      400,
      'validation_failed',
      'fieldChoices.colour',
    );
    expectProblem(
      await merge(t, SALES1, a.id, [b.id], { emails: b.id }),
      400,
      'validation_failed',
      'fieldChoices.emails',
    );
    expectProblem(
      await merge(t, SALES1, a.id, [b.id], { city: other.id }),
      400,
      'validation_failed',
      'fieldChoices.city',
    );
    expectProblem(
      await t.as(SALES1, 'POST', '/api/v1/leads/merge', { survivorId: a.id, mergedIds: [b.id], extra: 1 }),
      400,
      'validation_failed',
      'extra',
    );
    expect((await getLead(t, a.id)).version).toBe(a.version);
    expect((await getLead(t, b.id)).version).toBe(b.version);
  });

  it('answers 404 for a lead the caller may not see or that is already merged, 403 without the permission', async () => {
    const mine = await createLead(t, { name: unique('Mine'), ownerId: users.sales1 });
    const theirs = await createLead(t, { name: unique('Theirs'), ownerId: users.sales2 });
    expectProblem(await merge(t, SALES1, mine.id, [theirs.id]), 404, 'not_found', 'mergedIds.0');
    expectProblem(await merge(t, SALES1, theirs.id, [mine.id]), 404, 'not_found', 'survivorId');
    expectProblem(await merge(t, 'admin@other.test', mine.id, [theirs.id]), 404, 'not_found');
    for (const who of ['guest@demo.test', 'warrior1@demo.test', 'partner@demo.test']) {
      expectProblem(await merge(t, who, mine.id, [theirs.id]), 403, 'forbidden');
    }
    const gone = await createLead(t, { name: unique('Gone'), ownerId: users.sales1 });
    await merged(t, SALES1, mine.id, [gone.id]);
    expectProblem(await merge(t, SALES1, gone.id, [theirs.id]), 404, 'not_found', 'survivorId');
    expect((await getLead(t, theirs.id)).version).toBe(theirs.version);
  });

  it("refuses a chosen value of a field the caller's role may not change", async () => {
    const a = await createLead(t, { name: unique('Field A'), city: 'Delhi', ownerId: users.sales1 });
    const b = await createLead(t, { name: unique('Field B'), city: 'Pune', ownerId: users.sales1 });
    const set = (access: string | null) =>
      t.as(ADMIN, 'PUT', '/api/v1/field-permissions', { role: 'SALESPERSON', field: 'city', access });
    expect((await set('read')).statusCode).toBe(200);
    try {
      expectProblem(await merge(t, SALES1, a.id, [b.id], { city: b.id }), 403, 'field_forbidden', 'fieldChoices.city');
      expect((await getLead(t, b.id)).version).toBe(b.version);
      // Left to the defaults, the survivor keeps its own value of a field the caller may not change.
      await merged(t, SALES1, a.id, [b.id], { city: a.id });
      expect((await getLead(t, a.id)).city).toBe('Delhi');
    } finally {
      await set(null);
    }
    // An owner chosen from another lead is an assignment, within the caller's reach.
    const c = await createLead(t, { name: unique('Field C'), ownerId: users.sales1, coSalesIds: [] });
    const d = await createLead(t, { name: unique('Field D'), ownerId: users.sales2, coSalesIds: [users.sales1] });
    expectProblem(await merge(t, SALES1, c.id, [d.id], { ownerId: d.id }), 403, 'forbidden', 'fieldChoices.ownerId');
  });

  it('keeps the stage counts right through a merge and its undo', async () => {
    const before = await counts();
    const a = await createLead(t, { name: unique('Count A'), stage: 'demo', ownerId: users.sales1 });
    const b = await createLead(t, { name: unique('Count B'), stage: 'proposal', ownerId: users.sales2 });
    const c = await createLead(t, { name: unique('Count C'), stage: 'new', ownerId: users.sales2 });
    const created = await counts();
    expect(created.demo).toBe((before.demo ?? 0) + 1);
    const mergeId = await merged(t, ADMIN, a.id, [b.id, c.id], { stage: b.id });
    const afterMerge = await counts();
    expect(afterMerge.demo).toBe(before.demo ?? 0);
    expect(afterMerge.proposal).toBe((before.proposal ?? 0) + 1);
    expect(afterMerge.new).toBe(before.new ?? 0);
    const history = (await t.as(ADMIN, 'GET', `/api/v1/leads/${a.id}/stage-history`)).json().data;
    expect(history.at(-1)).toMatchObject({ fromStage: 'demo', toStage: 'proposal' });

    const undone = await undo(ADMIN, mergeId);
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ mergeId, survivorId: a.id, restoredIds: [b.id, c.id], keptLaterEdits: [] });
    expect(await counts()).toEqual(created);
    expect((await getLead(t, a.id)).stage).toBe('demo');
    expect((await getLead(t, b.id)).stage).toBe('proposal');
    const restored = (await t.as(ADMIN, 'GET', `/api/v1/leads/${a.id}/stage-history`)).json().data;
    expect(restored).toHaveLength(1);
  });
});

describe('undoing a merge', () => {
  it('refuses while a later merge depends on it, naming that merge; works once that one is undone', async () => {
    const [a, b, c] = [
      await createLead(t, { name: unique('Dep A'), ownerId: users.sales1 }),
      await createLead(t, { name: unique('Dep B'), ownerId: users.sales1 }),
      await createLead(t, { name: unique('Dep C'), ownerId: users.sales1 }),
    ];
    const first = await merged(t, SALES1, a.id, [b.id]);
    const second = await merged(t, SALES1, c.id, [a.id]);
    const refused = expectProblem(await undo(SALES1, first), 409, 'merge_dependency');
    expect((refused as unknown as { blockingMergeId: string }).blockingMergeId).toBe(second);
    expect(refused.detail).toContain(second);
    const detail = (await t.as(SALES1, 'GET', `/api/v1/leads/merges/${first}`)).json();
    expect(detail.undo).toMatchObject({ possible: false, code: 'merge_dependency', blockingMergeId: second });

    expect((await undo(SALES1, second)).statusCode).toBe(200);
    expect((await undo(SALES1, first)).statusCode).toBe(200);
    expect((await getLead(t, a.id, SALES1)).version).toBe(a.version + 4);
    for (const lead of [b, c]) expect((await getLead(t, lead.id, SALES1)).version).toBe(lead.version + 2);
    expectProblem(await undo(SALES1, first), 409, 'merge_already_undone');
    const timeline = (await t.as(SALES1, 'GET', `/api/v1/leads/${b.id}/timeline?kinds=merge,merge_undone`)).json();
    expect(timeline.data.map((e: { kind: string }) => e.kind)).toEqual(['merge_undone', 'merge']);
    expect(timeline.data[1].merge).toMatchObject({ role: 'merged', survivor: { id: a.id }, undone: true });
  });

  it('keeps edits made after the merge, and reports the fields both changed', async () => {
    const a = await createLead(t, { name: unique('Later A'), tags: ['a'], ownerId: users.sales1 });
    const b = await createLead(t, { name: unique('Later B'), city: 'Pune', tags: ['b'], ownerId: users.sales1 });
    const mergeId = await merged(t, SALES1, a.id, [b.id]);
    const current = await getLead(t, a.id, SALES1);
    const patch = await t.as(SALES1, 'PATCH', `/api/v1/leads/${a.id}`, {
      version: current.version,
      city: 'Mumbai',
      tags: ['a', 'b', 'vip'],
      product: 'CRM',
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const preview = (await t.as(SALES1, 'GET', `/api/v1/leads/merges/${mergeId}`)).json();
    expect(preview.undo).toMatchObject({ possible: true, restores: [{ id: b.id }], keptLaterEdits: ['city', 'tags'] });
    expect(preview.undo.survivorChanges).toEqual([
      { field: 'tags', current: ['a', 'b', 'vip'], restored: ['a', 'vip'] },
    ]);
    expect(preview.undo.moveBack).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'stage moves' })]));

    const response = await undo(SALES1, mergeId);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().keptLaterEdits).toEqual(['city', 'tags']);
    expect(await getLead(t, a.id, SALES1)).toMatchObject({ city: 'Mumbai', product: 'CRM', tags: ['a', 'vip'] });
    expect(await getLead(t, b.id, SALES1)).toMatchObject({ city: 'Pune', tags: ['b'] });
  });

  it('refuses after 30 days, and while the survivor is in the trash', async () => {
    const a = await createLead(t, { name: unique('Old A'), ownerId: users.sales1 });
    const b = await createLead(t, { name: unique('Old B'), ownerId: users.sales1 });
    const mergeId = await merged(t, SALES1, a.id, [b.id]);
    const start = t.clock.now();
    t.clock.advance(30 * 24 * 3600 * 1000 + 60_000);
    try {
      expectProblem(await undo(SALES1, mergeId), 410, 'merge_undo_expired');
      const detail = (await t.as(SALES1, 'GET', `/api/v1/leads/merges/${mergeId}`)).json();
      expect(detail.undo).toMatchObject({ possible: false, code: 'merge_undo_expired', restores: [] });
    } finally {
      t.clock.set(start);
    }

    const c = await createLead(t, { name: unique('Trash A'), ownerId: users.sales1 });
    const d = await createLead(t, { name: unique('Trash B'), ownerId: users.sales1 });
    const trashed = await merged(t, SALES1, c.id, [d.id]);
    const companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id as string;
    const setTrash = (at: Date | null) =>
      withTenant(t.dbs.app, companyId, (trx) =>
        trx.updateTable('leads').set({ deleted_at: at }).where('id', '=', c.id).execute(),
      );
    await setTrash(new Date());
    expectProblem(await undo(SALES1, trashed), 409, 'merge_survivor_trashed');
    await setTrash(null);
    expect((await undo(SALES1, trashed)).statusCode).toBe(200);
  });

  it('is for people who see the survivor: 404 to others and to another company, 403 without the permission', async () => {
    const a = await createLead(t, { name: unique('Priv A'), ownerId: users.sales2 });
    const b = await createLead(t, { name: unique('Priv B'), ownerId: users.sales2 });
    const mergeId = await merged(t, ADMIN, a.id, [b.id]);
    for (const who of [SALES1, 'admin@other.test']) {
      expectProblem(await undo(who, mergeId), 404, 'not_found');
      expectProblem(await t.as(who, 'GET', `/api/v1/leads/merges/${mergeId}`), 404, 'not_found');
      const history = (await t.as(who, 'GET', `/api/v1/leads/merges?leadId=${a.id}`)).json();
      expect(history.data).toEqual([]);
    }
    expectProblem(await undo('guest@demo.test', mergeId), 403, 'forbidden');
    expectProblem(await undo('warrior1@demo.test', mergeId), 403, 'forbidden');
    const seen = (await t.as('sales2@demo.test', 'GET', `/api/v1/leads/merges?leadId=${b.id}`)).json();
    expect(seen.data).toEqual([
      expect.objectContaining({
        id: mergeId,
        survivor: { id: a.id, name: a.name },
        merged: [{ id: b.id, name: b.name }],
      }),
    ]);
    expect((await getLead(t, a.id)).version).toBe(a.version + 1);
  });

  it('lists merge history page by page', async () => {
    const survivor = await createLead(t, { name: unique('Pages'), ownerId: users.sales1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const other = await createLead(t, { name: unique(`Page ${i}`), ownerId: users.sales1 });
      ids.push(await merged(t, SALES1, survivor.id, [other.id]));
    }
    const first = (await t.as(SALES1, 'GET', `/api/v1/leads/merges?leadId=${survivor.id}&limit=2`)).json();
    expect(first.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const next = `/api/v1/leads/merges?leadId=${survivor.id}&limit=2&cursor=${first.nextCursor}`;
    const second = (await t.as(SALES1, 'GET', next)).json();
    expect(second).toMatchObject({ data: [{ id: ids[0] }], nextCursor: null });
    expectProblem(await t.as(SALES1, 'GET', '/api/v1/leads/merges?leadId=nope'), 400, 'validation_failed', 'leadId');
  });
});
