import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMetaGraph } from '../../../test/fakes/meta-graph.ts';
import { expectProblem, type TestApp } from '../../../test/harness.ts';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  type ConnectionDto,
  companyIdOf,
  connectPage,
  countRows,
  events,
  leadgen,
  postWebhook,
  startWithFake,
} from './facebook.fixtures.ts';

let t: TestApp;
let fake: FakeMetaGraph;
let page: ConnectionDto;
let demoId: string;
const FORM = '172036835026334';

beforeAll(async () => {
  ({ t, fake } = await startWithFake());
  page = await connectPage(t);
  demoId = await companyIdOf(t);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('connecting a page', () => {
  it('answers the webhook URL and a verify token, and never the secrets', async () => {
    expect(page).toMatchObject({
      pageId: '138124712925158',
      pageName: 'Demo Motors',
      status: 'connected',
      webhookUrl: expect.stringMatching(/\/api\/v1\/webhooks\/facebook$/),
      accessTokenSet: true,
      appSecretSet: true,
      pendingEvents: 0,
    });
    expect(page.verifyToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const listed = await t.as('admin@demo.test', 'GET', '/api/v1/facebook/pages');
    const audit = await t.as('admin@demo.test', 'GET', '/api/v1/audit?limit=200');
    for (const text of [JSON.stringify(page), listed.body, audit.body]) {
      expect(text).not.toContain(ACCESS_TOKEN);
      expect(text).not.toContain(APP_SECRET);
    }
    expect(audit.json().data.map((a: { action: string }) => a.action)).toContain('facebook.page_connected');
    const rows = await countRows(t, demoId, 'facebook_pages');
    expect(rows).toBe(1);
  });

  it('refuses bad input with a 400 naming the field, storing nothing', async () => {
    const base = { pageId: '999000111', pageName: 'X', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, pageId: undefined }, 'pageId'],
      [{ ...base, pageId: 'my-page' }, 'pageId'],
      [{ ...base, pageId: 999000111 }, 'pageId'],
      [{ ...base, pageName: '' }, 'pageName'],
      [{ ...base, accessToken: undefined }, 'accessToken'],
      [{ ...base, appSecret: 'short' }, 'appSecret'],
      [{ ...base, extra: true }, 'extra'],
    ];
    for (const [body, path] of cases) {
      expectProblem(
        await t.as('admin@demo.test', 'POST', '/api/v1/facebook/pages', body),
        400,
        'validation_failed',
        path,
      );
    }
    expectProblem(
      await t.as('admin@demo.test', 'PATCH', `/api/v1/facebook/pages/${page.id}`, { accessToken: 'a b c d e f g h' }),
      400,
      'validation_failed',
      'accessToken',
    );
    expectProblem(
      await t.as('admin@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}/events?cursor=abc`),
      400,
      'validation_failed',
      'cursor',
    );
    expectProblem(
      await t.as('admin@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}/events?status=lost`),
      400,
      'validation_failed',
      'status',
    );
    expect(await countRows(t, demoId, 'facebook_pages')).toBe(1);
  });

  it('refuses a page connected already, here or in another company', async () => {
    const body = { pageId: page.pageId, pageName: 'Again', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET };
    expectProblem(await t.as('admin@demo.test', 'POST', '/api/v1/facebook/pages', body), 409, 'conflict', 'pageId');
    expectProblem(await t.as('admin@other.test', 'POST', '/api/v1/facebook/pages', body), 409, 'conflict', 'pageId');
  });

  it('lets only admins manage; integration users read the log; salespeople get 403', async () => {
    const body = { pageId: '444000111', pageName: 'No', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET };
    for (const who of ['sales1@demo.test', 'manager1@demo.test', 'integration@demo.test']) {
      expectProblem(await t.as(who, 'POST', '/api/v1/facebook/pages', body), 403, 'forbidden');
      expectProblem(await t.as(who, 'PATCH', `/api/v1/facebook/pages/${page.id}`, { pageName: 'x' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'DELETE', `/api/v1/facebook/pages/${page.id}`), 403, 'forbidden');
      expectProblem(await t.as(who, 'PUT', `/api/v1/facebook/forms/${FORM}/mapping`, { fields: [] }), 403, 'forbidden');
      expectProblem(await t.as(who, 'POST', `/api/v1/facebook/forms/${FORM}/backfill`, {}), 403, 'forbidden');
    }
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}/events`), 403, 'forbidden');
    expectProblem(await t.as('sales1@demo.test', 'GET', '/api/v1/facebook/pages'), 403, 'forbidden');
    expect((await events(t, page.id, 'integration@demo.test')).length).toBeGreaterThanOrEqual(0);
    const seen = (await t.as('integration@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}`)).json();
    expect(seen).toMatchObject({ id: page.id, verifyToken: null });
  });

  it('renames, and a new verify token replaces the old one at once', async () => {
    const response = await t.as('admin@demo.test', 'PATCH', `/api/v1/facebook/pages/${page.id}`, {
      pageName: 'Demo Motors Pune',
      newVerifyToken: true,
    });
    expect(response.statusCode, response.body).toBe(200);
    const changed = response.json();
    expect(changed.pageName).toBe('Demo Motors Pune');
    expect(changed.verifyToken).not.toBe(page.verifyToken);
    const challenge = (token: string) =>
      t.app.inject({
        url: `/api/v1/webhooks/facebook?hub.mode=subscribe&hub.challenge=7&hub.verify_token=${encodeURIComponent(token)}`,
      });
    expect((await challenge(page.verifyToken)).statusCode).toBe(403);
    expect((await challenge(changed.verifyToken)).body).toBe('7');
    page = changed;
  });
});

describe('form mapping', () => {
  it('suggests a mapping from the question keys of the leads received', async () => {
    fake.addLead('880000000001', {
      formId: FORM,
      fieldData: [
        { name: 'first_name', values: ['Kiran'] },
        { name: 'last_name', values: ['Rao'] },
        { name: 'email', values: ['kiran.rao@example.com'] },
        { name: 'phone_number', values: ['+919800011122'] },
        { name: 'company_name', values: ['Rao Logistics'] },
        { name: 'job_title', values: ['Fleet manager'] },
        { name: 'state', values: ['Maharashtra'] },
        { name: 'country', values: ['IN'] },
      ],
    });
    expect((await postWebhook(t, leadgen('880000000001', FORM))).statusCode).toBe(200);
    await t.runJobs();
    const response = await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${FORM}/mapping`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ formId: FORM, connectionId: page.id, suggested: true });
    expect(
      Object.fromEntries(response.json().fields.map((f: { key: string; target: string }) => [f.key, f.target])),
    ).toEqual({
      first_name: 'firstName',
      last_name: 'lastName',
      email: 'email',
      phone_number: 'phone',
      company_name: 'companyName',
      job_title: null,
      state: 'state',
      country: 'country',
    });
    const [event] = await events(t, page.id);
    const lead = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${event?.leadId}`)).json();
    expect(lead).toMatchObject({ name: 'Kiran Rao', companyName: 'Rao Logistics', state: 'Maharashtra' });
  });

  it('saves a mapping to a custom field, which the next lead of the form follows', async () => {
    const field = await t.as('admin@demo.test', 'POST', '/api/v1/custom-fields', { label: 'Job title', type: 'text' });
    expect(field.statusCode, field.body).toBe(201);
    const key = field.json().key;
    const saved = await t.as('admin@demo.test', 'PUT', `/api/v1/facebook/forms/${FORM}/mapping`, {
      fields: [
        { key: 'first_name', target: 'firstName' },
        { key: 'last_name', target: 'lastName' },
        { key: 'email', target: 'email' },
        { key: 'job_title', target: `customFields.${key}` },
        { key: 'phone_number', target: null },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().suggested).toBe(false);
    fake.addLead('880000000002', {
      formId: FORM,
      fieldData: [
        { name: 'first_name', values: ['Meera'] },
        { name: 'last_name', values: ['Joshi'] },
        { name: 'email', values: ['meera.joshi@example.com'] },
        { name: 'job_title', values: ['Owner'] },
        { name: 'phone_number', values: ['+919800033344'] },
      ],
    });
    await postWebhook(t, leadgen('880000000002', FORM));
    await t.runJobs();
    const [event] = await events(t, page.id);
    const lead = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${event?.leadId}`)).json();
    expect(lead).toMatchObject({ name: 'Meera Joshi', customFields: { [key]: 'Owner' } });
    expect(lead.phones ?? []).toEqual([]);
  });

  it('refuses a bad mapping with a 400 naming the field, changing nothing', async () => {
    const before = (await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${FORM}/mapping`)).json();
    const put = (body: unknown) => t.as('admin@demo.test', 'PUT', `/api/v1/facebook/forms/${FORM}/mapping`, body);
    expectProblem(
      await put({ fields: [{ key: 'x', target: 'customFields.nope' }] }),
      400,
      'validation_failed',
      'fields.0.target',
    );
    expectProblem(
      await put({ fields: [{ key: 'x', target: 'ownerId' }] }),
      400,
      'validation_failed',
      'fields.0.target',
    );
    expectProblem(
      await put({
        fields: [
          { key: 'a', target: 'city' },
          { key: 'b', target: 'city' },
        ],
      }),
      400,
      'validation_failed',
      'fields.1.target',
    );
    expectProblem(
      await put({
        fields: [
          { key: 'a', target: null },
          { key: 'a', target: null },
        ],
      }),
      400,
      'validation_failed',
      'fields.1.key',
    );
    expectProblem(await put({}), 400, 'validation_failed', 'fields');
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${FORM}/mapping`)).json()).toEqual(before);
  });

  it('answers 404 for a form nobody met, unless a connection of the company is named', async () => {
    expectProblem(await t.as('admin@demo.test', 'GET', '/api/v1/facebook/forms/31337/mapping'), 404, 'not_found');
    const named = await t.as('admin@demo.test', 'PUT', '/api/v1/facebook/forms/31337/mapping', {
      connectionId: page.id,
      fields: [{ key: 'full_name', target: 'name' }],
    });
    expect(named.statusCode, named.body).toBe(200);
    expectProblem(
      await t.as('admin@demo.test', 'GET', '/api/v1/facebook/forms/not-a-form/mapping'),
      400,
      'validation_failed',
      'formId',
    );
  });
});

describe('the event log', () => {
  it('pages newest first with nextCursor, and filters by status', async () => {
    const url = `/api/v1/facebook/pages/${page.id}/events`;
    const first = (await t.as('admin@demo.test', 'GET', `${url}?limit=1`)).json();
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).toBe(first.data[0].id);
    const second = (await t.as('admin@demo.test', 'GET', `${url}?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.data[0].id < first.data[0].id).toBe(true);
    const created = (await t.as('integration@demo.test', 'GET', `${url}?status=created`)).json();
    expect(created.data.length).toBeGreaterThanOrEqual(2);
    expect(created.data.every((e: { status: string }) => e.status === 'created')).toBe(true);
  });
});

describe('tenant isolation', () => {
  it('answers 404 to another company on every id route, and changes nothing', async () => {
    const other = 'admin@other.test';
    const otherPage = await connectPage(t, { pageId: '606060606', pageName: 'Other Co page' }, other);
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/v1/facebook/pages/${page.id}`],
      ['PATCH', `/api/v1/facebook/pages/${page.id}`, { pageName: 'Taken over' }],
      ['PATCH', `/api/v1/facebook/pages/${page.id}`, { accessToken: 'EAAJstolenToken123' }],
      ['DELETE', `/api/v1/facebook/pages/${page.id}`],
      ['GET', `/api/v1/facebook/pages/${page.id}/events`],
      ['GET', `/api/v1/facebook/forms/${FORM}/mapping`],
      ['PUT', `/api/v1/facebook/forms/${FORM}/mapping`, { fields: [] }],
      ['PUT', `/api/v1/facebook/forms/${FORM}/mapping`, { fields: [], connectionId: page.id }],
      ['POST', `/api/v1/facebook/forms/${FORM}/backfill`, {}],
      ['POST', `/api/v1/facebook/forms/${FORM}/backfill`, { connectionId: page.id }],
      ['GET', `/api/v1/facebook/forms/${FORM}/backfill`],
    ];
    for (const [method, url, body] of routes) {
      expectProblem(await t.as(other, method, url, body), 404, 'not_found');
    }
    const listed = (await t.as(other, 'GET', '/api/v1/facebook/pages')).json().data;
    expect(listed.map((p: { id: string }) => p.id)).toEqual([otherPage.id]);
    const mine = (await t.as('admin@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}`)).json();
    expect(mine).toMatchObject({ pageName: 'Demo Motors Pune', status: 'connected' });
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${FORM}/mapping`)).json().suggested).toBe(
      false,
    );
  });

  it('disconnects: deliveries for the page are ignored afterwards', async () => {
    const extra = await connectPage(t, { pageId: '505050505', pageName: 'Short-lived' });
    const deleted = await t.as('admin@demo.test', 'DELETE', `/api/v1/facebook/pages/${extra.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expectProblem(await t.as('admin@demo.test', 'GET', `/api/v1/facebook/pages/${extra.id}`), 404, 'not_found');
    const response = await postWebhook(t, leadgen('990000000001', '1234', '505050505'));
    expect(response.json()).toEqual({ received: 0, malformed: 0 });
  });
});
