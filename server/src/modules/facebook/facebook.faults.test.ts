import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMetaGraph } from '../../../test/fakes/meta-graph.ts';
import { expectProblem, type TestApp } from '../../../test/harness.ts';
import {
  ACCESS_TOKEN,
  type ConnectionDto,
  connectPage,
  drainJobs,
  events,
  leadgen,
  leadsFromFacebook,
  postWebhook,
  startWithFake,
} from './facebook.fixtures.ts';

let t: TestApp;
let fake: FakeMetaGraph;
let page: ConnectionDto;
const FORM = '172036835026334';
const BACKFILL_FORM = '444555666777';
const NEW_TOKEN = 'EAAJrenewedPageToken9876543210';

beforeAll(async () => {
  ({ t, fake } = await startWithFake());
  page = await connectPage(t);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

async function brokenNotices(email = 'admin@demo.test') {
  const data = (await t.as(email, 'GET', '/api/v1/notifications')).json().data as { kind: string; title: string }[];
  return data.filter((n) => n.kind === 'facebook_connection_broken');
}

const person = (i: number) => [
  { name: 'full_name', values: [`Backfill Person ${i}`] },
  { name: 'email', values: [`backfill.${i}@example.com`] },
];

describe('an expired token', () => {
  it('marks the connection broken, tells the admins once, and keeps the events pending', async () => {
    fake.addLead('700000000001', { formId: FORM, fieldData: person(101) });
    fake.addLead('700000000002', { formId: FORM, fieldData: person(102) });
    fake.acceptedToken = NEW_TOKEN; // the stored token is now refused with Graph error 190
    await postWebhook(t, leadgen('700000000001', FORM));
    await postWebhook(t, leadgen('700000000002', FORM));
    await drainJobs(t);

    const connection = (await t.as('admin@demo.test', 'GET', `/api/v1/facebook/pages/${page.id}`)).json();
    expect(connection).toMatchObject({ status: 'broken', pendingEvents: 2 });
    expect(connection.lastError).toMatch(/^Graph API error 190: Error validating access token/);
    const logged = await events(t, page.id);
    expect(logged.map((e) => e.status)).toEqual(['pending', 'pending']);
    expect(logged.map((e) => e.error)).toEqual([
      'Waiting for a new access token (the page connection is broken)',
      expect.stringMatching(/^Graph API error 190: /),
    ]);
    const notices = await brokenNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.title).toBe('Facebook page Demo Motors needs a new access token');
    expect(await brokenNotices('sales1@demo.test')).toHaveLength(0);

    // More leads while broken wait too, without another notice.
    fake.addLead('700000000003', { formId: FORM, fieldData: person(103) });
    await postWebhook(t, leadgen('700000000003', FORM));
    await drainJobs(t);
    expect((await events(t, page.id)).every((e) => e.status === 'pending')).toBe(true);
    expect(await brokenNotices()).toHaveLength(1);
    expect((await leadsFromFacebook(t)).filter((l) => String(l.name).startsWith('Backfill Person'))).toHaveLength(0);
    // A backfill cannot start on a broken connection.
    expectProblem(
      await t.as('admin@demo.test', 'POST', `/api/v1/facebook/forms/${FORM}/backfill`, {}),
      409,
      'facebook_connection_broken',
    );
  });

  it('fetches every waiting lead once a new token is saved; none is lost', async () => {
    const response = await t.as('admin@demo.test', 'PATCH', `/api/v1/facebook/pages/${page.id}`, {
      accessToken: NEW_TOKEN,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'connected', lastError: null, pendingEvents: 3 });
    await drainJobs(t);
    const logged = await events(t, page.id);
    expect(logged.map((e) => e.status)).toEqual(['created', 'created', 'created']);
    const names = (await leadsFromFacebook(t))
      .map((l) => String(l.name))
      .filter((n) => n.startsWith('Backfill Person'))
      .sort();
    expect(names).toEqual(['Backfill Person 101', 'Backfill Person 102', 'Backfill Person 103']);
    const audit = (await t.as('admin@demo.test', 'GET', '/api/v1/audit?limit=50')).json().data as {
      action: string;
    }[];
    expect(audit.map((a) => a.action)).toContain('facebook.page_updated');
    expect(JSON.stringify(audit)).not.toContain(NEW_TOKEN);
  });

  it('fails an event whose lead Graph does not know, with the reason on the log', async () => {
    await postWebhook(t, leadgen('700000000099', FORM));
    await drainJobs(t);
    const [event] = await events(t, page.id);
    expect(event).toMatchObject({ leadgenId: '700000000099', status: 'failed', leadId: null });
    expect(event?.error).toMatch(/^Graph API error 100: Unsupported get request/);
  });
});

describe('backfill', () => {
  it("fetches a form's earlier leads page by page, with progress, and skips the ones already here", async () => {
    for (let i = 1; i <= 4; i++) {
      fake.addLead(`710000000${i}`, {
        formId: BACKFILL_FORM,
        fieldData: person(i),
        createdTime: '2018-02-28T08:49:14+0000',
      });
    }
    // The third one arrived by webhook before the backfill.
    await postWebhook(t, leadgen('7100000003', BACKFILL_FORM));
    await drainJobs(t);
    expect((await leadsFromFacebook(t)).filter((l) => /^Backfill Person [1-4]$/.test(String(l.name)))).toHaveLength(1);

    fake.pageSize = 2;
    const started = await t.as('admin@demo.test', 'POST', `/api/v1/facebook/forms/${BACKFILL_FORM}/backfill`, {});
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ formId: BACKFILL_FORM, status: 'running', pages: 0, fetched: 0 });
    // Asking again while it runs starts nothing new.
    expect(
      (await t.as('admin@demo.test', 'POST', `/api/v1/facebook/forms/${BACKFILL_FORM}/backfill`, {})).json(),
    ).toMatchObject({
      status: 'running',
    });
    await drainJobs(t);
    const progress = (
      await t.as('integration@demo.test', 'GET', `/api/v1/facebook/forms/${BACKFILL_FORM}/backfill`)
    ).json();
    expect(progress).toMatchObject({ status: 'done', pages: 2, fetched: 4, created: 3, error: null });
    const pagesAsked = fake.requests.filter((r) => r.path === `/${BACKFILL_FORM}/leads`);
    expect(pagesAsked.map((r) => r.query.after ?? null)).toEqual([null, Buffer.from('2').toString('base64url')]);

    const mine = (await events(t, page.id)).filter((e) => e.formId === BACKFILL_FORM);
    expect(mine).toHaveLength(4);
    expect(mine.filter((e) => e.via === 'backfill')).toHaveLength(3);
    expect(mine.find((e) => e.via === 'backfill')?.createdTime).toBe('2018-02-28T08:49:14.000Z');
    const names = (await leadsFromFacebook(t))
      .map((l) => l.name)
      .filter((n) => /^Backfill Person [1-4]$/.test(String(n)));
    expect(names.sort()).toEqual(['Backfill Person 1', 'Backfill Person 2', 'Backfill Person 3', 'Backfill Person 4']);

    // Run again: everything is here already.
    await t.as('admin@demo.test', 'POST', `/api/v1/facebook/forms/${BACKFILL_FORM}/backfill`, {});
    await drainJobs(t);
    const again = (await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${BACKFILL_FORM}/backfill`)).json();
    expect(again).toMatchObject({ status: 'done', fetched: 4, created: 0 });
    expect((await leadsFromFacebook(t)).filter((l) => /^Backfill Person [1-4]$/.test(String(l.name)))).toHaveLength(4);
  });

  it('pauses on a refused token and resumes where it stopped when a new one is saved', async () => {
    const form = '455566677788';
    for (let i = 11; i <= 13; i++) fake.addLead(`72000000${i}`, { formId: form, fieldData: person(i) });
    fake.pageSize = 2;
    expect(
      (await t.as('admin@demo.test', 'POST', `/api/v1/facebook/forms/${form}/backfill`, { connectionId: page.id }))
        .statusCode,
    ).toBe(202);
    fake.acceptedToken = 'EAAJsomeOtherToken000000';
    await drainJobs(t);
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${form}/backfill`)).json()).toMatchObject({
      status: 'paused',
      error: expect.stringMatching(/190/),
    });
    expect(await brokenNotices()).toHaveLength(2);
    fake.acceptedToken = ACCESS_TOKEN;
    await t.as('admin@demo.test', 'PATCH', `/api/v1/facebook/pages/${page.id}`, { accessToken: ACCESS_TOKEN });
    await drainJobs(t);
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/facebook/forms/${form}/backfill`)).json()).toMatchObject({
      status: 'done',
      fetched: 3,
      created: 3,
    });
  });
});
