import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
let leadId: string;
let manager1: string;
const mention = (name: string, id: string) => `@[${name}](${id})`;

beforeAll(async () => {
  t = await createTestApp();
  manager1 = await userId(t, 'manager1@demo.test');
  const lead = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Noted Lead' });
  leadId = lead.json().id;
});
afterAll(() => t.close());

async function mentionsOf(email: string) {
  const list = (await t.as(email, 'GET', '/api/v1/notifications')).json().data as {
    kind: string;
    title: string;
    body: string;
    leadId: string;
  }[];
  return list.filter((n) => n.kind === 'lead.mentioned');
}

async function notesOf(email: string, id = leadId) {
  return (await t.as(email, 'GET', `/api/v1/leads/${id}/notes`)).json().data as { id: string; body: string }[];
}

describe('notes on a lead', () => {
  it('adds a note, notifies the people it mentions and counts as touching the lead', async () => {
    t.clock.advance(3_600_000);
    const body = `Asked for a demo next week. ${mention('Vikram Mehta', manager1)} can you join?`;
    const created = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, { body: ` ${body} ` });
    expect(created.statusCode, created.body).toBe(201);
    const note = created.json();
    expect(note).toMatchObject({
      leadId,
      body,
      author: { id: await userId(t, 'sales1@demo.test'), name: 'Rohan Gupta' },
      mentions: [{ id: manager1, name: 'Vikram Mehta' }],
      editable: true,
      createdAt: t.clock.now().toISOString(),
    });

    const [notification] = await mentionsOf('manager1@demo.test');
    expect(notification).toMatchObject({
      title: 'Rohan Gupta mentioned you on Noted Lead',
      body: 'Asked for a demo next week. @Vikram Mehta can you join?',
      leadId,
    });
    const lead = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}`)).json();
    expect(lead.lastTouchedAt).toBe(t.clock.now().toISOString());

    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${note.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['note.created']);
  });

  it('lists notes newest first, a page at a time', async () => {
    for (const text of ['first', 'second', 'third']) {
      t.clock.advance(1000);
      await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, { body: `page ${text}` });
    }
    const page1 = (await t.as('manager1@demo.test', 'GET', `/api/v1/leads/${leadId}/notes?limit=2`)).json();
    expect(page1.data.map((n: { body: string }) => n.body)).toEqual(['page third', 'page second']);
    expect(page1.data[0].editable).toBe(false);
    const page2 = (
      await t.as('manager1@demo.test', 'GET', `/api/v1/leads/${leadId}/notes?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2.data[0].body).toBe('page first');
  });

  it('refuses mentions of people who are unknown or cannot see the lead, and changes nothing', async () => {
    const before = await notesOf('sales1@demo.test');
    const sales3 = await userId(t, 'sales3@demo.test');
    const outsider = await userId(t, 'admin@other.test');
    for (const id of [sales3, outsider, '01900000-0000-7000-8000-000000000000']) {
      const response = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, {
        body: `see ${mention('Someone', id)}`,
      });
      expectProblem(response, 422, 'unprocessable', 'body');
    }
    expect(await notesOf('sales1@demo.test')).toEqual(before);
    expect(await mentionsOf('sales3@demo.test')).toHaveLength(0);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const before = await notesOf('sales1@demo.test');
    for (const [body, path] of [
      [{ body: '' }, 'body'],
      [{ body: '   ' }, 'body'],
      [{ body: 'x'.repeat(10_001) }, 'body'],
      [{}, 'body'],
      [{ body: 'ok', pinned: true }, 'pinned'],
    ] as const) {
      const response = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, body);
      expectProblem(response, 400, 'validation_failed', path);
    }
    expect(await notesOf('sales1@demo.test')).toEqual(before);
  });

  it('lets only the author or an admin change or delete a note, notifying only new mentions', async () => {
    const note = (
      await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, {
        body: `Quote sent ${mention('Vikram Mehta', manager1)}`,
      })
    ).json();
    const mentionsBefore = (await mentionsOf('manager1@demo.test')).length;
    const warrior1 = await userId(t, 'warrior1@demo.test');
    // warrior1 cannot see this lead until it works it.
    await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/assign`, { warriorIds: [warrior1] });
    const edited = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${leadId}/notes/${note.id}`, {
      body: `Quote sent ${mention('Vikram Mehta', manager1)} ${mention('Aditya Kulkarni', warrior1)}`,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().mentions.map((m: { id: string }) => m.id)).toEqual([manager1, warrior1]);
    expect(await mentionsOf('manager1@demo.test')).toHaveLength(mentionsBefore);
    expect(await mentionsOf('warrior1@demo.test')).toHaveLength(1);

    const url = `/api/v1/leads/${leadId}/notes/${note.id}`;
    expectProblem(await t.as('manager1@demo.test', 'PATCH', url, { body: 'mine now' }), 403, 'forbidden');
    expectProblem(await t.as('manager1@demo.test', 'DELETE', url), 403, 'forbidden');
    expectProblem(await t.as('sales1@demo.test', 'PATCH', url, { body: ' ' }), 400, 'validation_failed', 'body');
    const byAdmin = await t.as('admin@demo.test', 'PATCH', url, { body: 'Quote sent (edited by admin)' });
    expect(byAdmin.json()).toMatchObject({ body: 'Quote sent (edited by admin)', mentions: [], editable: true });

    expect((await t.as('sales1@demo.test', 'DELETE', url)).statusCode).toBe(204);
    expect((await notesOf('sales1@demo.test')).map((n) => n.id)).not.toContain(note.id);
    expectProblem(await t.as('sales1@demo.test', 'DELETE', url), 404, 'not_found');
    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${note.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'note.deleted',
      'note.updated',
      'note.updated',
      'note.created',
    ]);
  });

  it('answers 404 for a lead of another company or outside the caller’s reach', async () => {
    const note = (await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, { body: 'private' })).json();
    const url = `/api/v1/leads/${leadId}/notes`;
    for (const who of ['admin@other.test', 'sales3@demo.test']) {
      expectProblem(await t.as(who, 'GET', url), 404, 'not_found');
      expectProblem(await t.as(who, 'POST', url, { body: 'hello' }), 404, 'not_found');
      expectProblem(await t.as(who, 'PATCH', `${url}/${note.id}`, { body: 'hi' }), 404, 'not_found');
      expectProblem(await t.as(who, 'DELETE', `${url}/${note.id}`), 404, 'not_found');
    }
    // A note id under another lead is not found either.
    const other = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Other Noted' })).json();
    const wrong = `/api/v1/leads/${other.id}/notes/${note.id}`;
    expectProblem(await t.as('sales1@demo.test', 'PATCH', wrong, { body: 'x' }), 404, 'not_found');
    expect((await notesOf('sales1@demo.test')).find((n) => n.id === note.id)?.body).toBe('private');
  });

  it('needs leads:write to add a note', async () => {
    const url = `/api/v1/leads/${leadId}/notes`;
    expectProblem(await t.as('guest@demo.test', 'POST', url, { body: 'hello' }), 403, 'forbidden');
    expect((await t.as('guest@demo.test', 'GET', url)).statusCode).toBe(200);
  });
});
