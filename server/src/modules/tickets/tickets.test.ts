import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { ADMIN, leadOf, listed, OTHER_CO, SALES, SUCCESS, type TicketBody, ticketOf } from './tickets.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const count = async () => (await listed(t, ADMIN)).length;

describe('tickets', () => {
  it('creates, numbers per company, gets, lists with filters and patches a ticket', async () => {
    const lead = await leadOf(t, SALES, 'Anita Sharma');
    const success = await userId(t, SUCCESS);
    const first = await ticketOf(t, SALES, {
      leadId: lead,
      priority: 'high',
      requesterName: 'Anita Sharma',
      requesterEmail: 'Anita@Example.com',
      category: 'billing',
      tags: ['Invoice', 'invoice', ' printer '],
      assigneeId: success,
    });
    expect(first).toMatchObject({
      reference: 'T-1001',
      status: 'new',
      priority: 'high',
      leadId: lead,
      leadName: 'Anita Sharma',
      requesterEmail: 'anita@example.com',
      category: 'billing',
      tags: ['invoice', 'printer'],
      assignee: { id: success },
      version: 1,
    });
    const created = Date.parse((first as unknown as { createdAt: string }).createdAt);
    expect(Date.parse(first.sla.firstResponse.dueAt) - created).toBe(4 * 3_600_000);
    expect(Date.parse(first.sla.resolution.dueAt) - created).toBe(24 * 3_600_000);

    const second = await ticketOf(t, ADMIN, { subject: 'Training request' });
    expect(second).toMatchObject({ reference: 'T-1002', priority: 'normal', leadId: null, assignee: null });
    // Another company counts its own references.
    expect(await ticketOf(t, OTHER_CO, { subject: 'Elsewhere' })).toMatchObject({ reference: 'T-1001' });

    const got = await t.as(SALES, 'GET', `/api/v1/tickets/${first.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');

    expect(await listed(t, ADMIN)).toEqual([second.id, first.id]);
    expect(await listed(t, ADMIN, '&priority=high')).toEqual([first.id]);
    expect(await listed(t, ADMIN, '&status=new')).toEqual([second.id, first.id]);
    expect(await listed(t, ADMIN, '&assigneeId=none')).toEqual([second.id]);
    expect(await listed(t, SUCCESS, '&assigneeId=me')).toEqual([first.id]);
    expect(await listed(t, ADMIN, `&assigneeId=${success}`)).toEqual([first.id]);
    expect(await listed(t, ADMIN, `&leadId=${lead}`)).toEqual([first.id]);
    expect(await listed(t, ADMIN, '&q=training')).toEqual([second.id]);
    expect(await listed(t, ADMIN, '&q=T-1001')).toEqual([first.id]);

    const page1 = (await t.as(ADMIN, 'GET', '/api/v1/tickets?limit=1')).json();
    expect(page1.data.map((x: TicketBody) => x.id)).toEqual([second.id]);
    const page2 = (await t.as(ADMIN, 'GET', `/api/v1/tickets?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ data: [{ id: first.id }], nextCursor: null });

    const patched = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${first.id}`, {
      version: 1,
      status: 'pending',
      priority: 'urgent',
      tags: ['callback'],
      assigneeId: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      status: 'pending',
      priority: 'urgent',
      tags: ['callback'],
      assignee: null,
      version: 2,
    });
    expect(Date.parse(patched.json().sla.firstResponse.dueAt) - created).toBe(3_600_000);

    const solved = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${first.id}`, { version: 2, status: 'solved' });
    expect(solved.json()).toMatchObject({ status: 'solved', version: 3 });
    expect(solved.json().solvedAt).not.toBeNull();
    expect(solved.json().sla.resolution.stoppedAt).toBe(solved.json().solvedAt);

    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${first.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'ticket.created',
      'ticket.updated',
      'ticket.updated',
    ]);

    const timeline = (await t.as(SALES, 'GET', `/api/v1/leads/${lead}/timeline?kinds=ticket`)).json();
    expect(timeline.data).toEqual([
      expect.objectContaining({
        kind: 'ticket',
        ticket: expect.objectContaining({ ticketId: first.id, reference: 'T-1001', status: 'solved' }),
      }),
    ]);
  });

  it('answers 409 to a stale version and keeps the change made first', async () => {
    const ticket = await ticketOf(t, ADMIN, { subject: 'Two editors' });
    const ok = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, subject: 'First editor' });
    expect(ok.statusCode).toBe(200);
    const stale = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, status: 'on_hold' });
    expectProblem(stale, 409, 'version_conflict');
    expect((await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticket.id}`)).json()).toMatchObject({
      subject: 'First editor',
      status: 'new',
      version: 2,
    });
  });

  it('refuses bad input with 400 naming the field, storing nothing', async () => {
    const before = await count();
    const lead = await leadOf(t, SALES);
    const cases: [string, Record<string, unknown>, string][] = [
      [ADMIN, { description: 'x' }, 'subject'],
      [ADMIN, { subject: 'x'.repeat(201), description: 'x' }, 'subject'],
      [ADMIN, { subject: '   ', description: 'x' }, 'subject'],
      [ADMIN, { subject: 'x', description: 'x', priority: 'asap' }, 'priority'],
      [ADMIN, { subject: 'x', description: 'x', requesterEmail: 'not-an-email' }, 'requesterEmail'],
      [ADMIN, { subject: 'x', description: 'x', category: 'c'.repeat(61) }, 'category'],
      [ADMIN, { subject: 'x', description: 'x', leadId: 'nope' }, 'leadId'],
      [ADMIN, { subject: 'x', description: 'x', assigneeId: '0190a0a0-0000-7000-8000-000000000000' }, 'assigneeId'],
      [ADMIN, { subject: 'x', description: 'x', tags: ['  '] }, 'tags.0'],
      [ADMIN, { subject: 'x', description: 'x', secret: true }, 'secret'],
      [SALES, { subject: 'x', description: 'x' }, 'leadId'],
      [SALES, { subject: 'x', description: 'x', leadId: '0190a0a0-0000-7000-8000-000000000000' }, 'leadId'],
    ];
    for (const [who, body, path] of cases) {
      expectProblem(await t.as(who, 'POST', '/api/v1/tickets', body), 400, 'validation_failed', path);
    }
    const ticket = await ticketOf(t, SALES, { leadId: lead });
    const patch = (body: Record<string, unknown>) => t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, body);
    expectProblem(await patch({ status: 'open' }), 400, 'validation_failed', 'version');
    expectProblem(await patch({ version: 1, status: 'done' }), 400, 'validation_failed', 'status');
    expectProblem(await patch({ version: 1, leadId: lead }), 400, 'validation_failed', 'leadId');
    expectProblem(
      await patch({ version: 1, status: 'open', assigneeId: '0190a0a0-0000-7000-8000-000000000000' }),
      400,
      'validation_failed',
      'assigneeId',
    );
    const message = (body: Record<string, unknown>) =>
      t.as(ADMIN, 'POST', `/api/v1/tickets/${ticket.id}/messages`, body);
    expectProblem(await message({ body: 'hi' }), 400, 'validation_failed', 'internal');
    expectProblem(await message({ body: '', internal: true }), 400, 'validation_failed', 'body');
    expectProblem(await message({ body: 'x', internal: 'yes' }), 400, 'validation_failed', 'internal');
    expectProblem(
      await t.as(ADMIN, 'GET', '/api/v1/tickets?assigneeId=someone'),
      400,
      'validation_failed',
      'assigneeId',
    );
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/tickets?cursor=abc'), 400, 'validation_failed', 'cursor');

    expect(await count()).toBe(before + 1);
    expect((await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticket.id}`)).json()).toMatchObject({
      status: 'new',
      version: 1,
    });
    expect((await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticket.id}/messages`)).json().data).toEqual([]);
  });

  it('answers 404 to another company on every id route, changing nothing', async () => {
    const ticket = await ticketOf(t, ADMIN, { subject: 'Ours only' });
    const base = `/api/v1/tickets/${ticket.id}`;
    expectProblem(await t.as(OTHER_CO, 'GET', base), 404, 'not_found');
    expectProblem(await t.as(OTHER_CO, 'PATCH', base, { version: 1, status: 'closed' }), 404, 'not_found');
    expectProblem(await t.as(OTHER_CO, 'GET', `${base}/messages`), 404, 'not_found');
    expectProblem(await t.as(OTHER_CO, 'POST', `${base}/messages`, { body: 'x', internal: true }), 404, 'not_found');
    expect(await listed(t, OTHER_CO)).not.toContain(ticket.id);
    expect((await t.as(ADMIN, 'GET', base)).json()).toMatchObject({ status: 'new', version: 1 });
  });
});
