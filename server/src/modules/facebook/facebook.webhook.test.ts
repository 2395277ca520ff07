import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeMetaGraph, metaFixture, signMeta } from '../../../test/fakes/meta-graph.ts';
import { expectProblem, type TestApp } from '../../../test/harness.ts';
import { hubSignatureMatches } from '../../lib/hub-signature.ts';
import {
  APP_SECRET,
  type ConnectionDto,
  companyIdOf,
  connectPage,
  countRows,
  events,
  leadgen,
  leadsFromFacebook,
  postWebhook,
  startWithFake,
} from './facebook.fixtures.ts';

let t: TestApp;
let fake: FakeMetaGraph;
let page: ConnectionDto;
let demoId: string;

beforeAll(async () => {
  ({ t, fake } = await startWithFake());
  page = await connectPage(t);
  demoId = await companyIdOf(t);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('the signature', () => {
  it('accepts the published test vector of the sha256= HMAC scheme', () => {
    const text = metaFixture('x_hub_signature_256.txt');
    const secret = /secret = "([^"]+)"/.exec(text)?.[1] as string;
    const body = /body {3}= "([^"]+)"/.exec(text)?.[1] as string;
    const header = /header = (sha256=[0-9a-f]{64})/.exec(text)?.[1] as string;
    expect(header).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    expect(hubSignatureMatches(Buffer.from(body), secret, header)).toBe(true);
    expect(hubSignatureMatches(Buffer.from(`${body} `), secret, header)).toBe(false);
    expect(hubSignatureMatches(Buffer.from(body), `${secret}!`, header)).toBe(false);
  });
});

describe('the verification challenge', () => {
  const verify = (query: string) => t.app.inject({ method: 'GET', url: `/api/v1/webhooks/facebook?${query}` });

  it("echoes hub.challenge as text/plain when the verify token is a connection's", async () => {
    const response = await verify(
      `hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(page.verifyToken)}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe('1158201444');
  });

  it('answers 403 to a token no connection has, or a mode that is not subscribe', async () => {
    expectProblem(await verify('hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope'), 403, 'forbidden');
    expectProblem(
      await verify(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${encodeURIComponent(page.verifyToken)}`),
      403,
      'forbidden',
    );
  });
});

describe('leadgen events', () => {
  it('creates the lead of a signed event with its mapped fields, source facebook and the ad names', async () => {
    const sample = metaFixture('webhook_leadgen_fbsamples_postman.json');
    const value = JSON.parse(sample).entry[0].changes[0].value;
    fake.addLead(value.leadgen_id, {
      formId: value.form_id,
      fieldData: [
        { name: 'full_name', values: ['Asha Kulkarni'] },
        { name: 'email', values: ['asha.kulkarni@example.com'] },
        { name: 'phone_number', values: ['+919812345678'] },
        { name: 'city', values: ['Pune'] },
        { name: 'car_make', values: ['Honda'] },
        { name: 'selected_dealer', values: ['99213450'] },
      ],
    });
    // The sample exactly as Meta sent it, whitespace included: the signature covers these bytes.
    const response = await postWebhook(t, sample);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: 1, malformed: 0 });
    expect((await events(t, page.id))[0]).toMatchObject({ status: 'pending', leadgenId: value.leadgen_id });

    await t.runJobs();
    const [event] = await events(t, page.id);
    expect(event).toMatchObject({
      status: 'created',
      leadgenId: '233370042045345',
      formId: '172036835026334',
      adName: 'Spring test drive - carousel',
      campaignName: 'Spring Test Drives 2026',
      formName: 'Form 172036835026334',
      createdTime: '2015-02-28T08:49:14.000Z',
    });
    const lead = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${event?.leadId}`)).json();
    expect(lead).toMatchObject({
      name: 'Asha Kulkarni',
      emails: ['asha.kulkarni@example.com'],
      phones: ['+919812345678'],
      city: 'Pune',
      source: 'facebook',
      campaign: 'Spring Test Drives 2026',
    });
    const timeline = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}/timeline`)).json();
    const entry = (timeline.data as { kind: string; facebook_lead?: Record<string, unknown> }[]).find(
      (e) => e.kind === 'facebook_lead',
    );
    expect(entry?.facebook_lead).toMatchObject({
      leadgenId: '233370042045345',
      adName: 'Spring test drive - carousel',
      adsetName: 'Pune 25-45',
      formName: 'Form 172036835026334',
      unmapped: [
        { name: 'car_make', values: ['Honda'] },
        { name: 'selected_dealer', values: ['99213450'] },
      ],
    });
    // The lead was fetched with the token as access_token, asking for the ad and campaign names.
    const fetched = fake.requests.find((r) => r.path === '/233370042045345');
    expect(fetched?.query.fields).toContain('campaign_name');
  });

  it('stores a replayed event once and creates one lead', async () => {
    const sample = metaFixture('webhook_leadgen_fbsamples_postman.json');
    for (let i = 0; i < 3; i++) expect((await postWebhook(t, sample)).statusCode).toBe(200);
    await t.runJobs();
    const mine = (await events(t, page.id)).filter((e) => e.leadgenId === '233370042045345');
    expect(mine).toHaveLength(1);
    expect((await leadsFromFacebook(t)).filter((l) => l.name === 'Asha Kulkarni')).toHaveLength(1);
  });

  it('reads ids given as numbers and an entry id that is not the page (the documentation sample)', async () => {
    const other = await connectPage(t, { pageId: '123123123', pageName: 'Demo Bikes' });
    fake.addLead('123123123123', {
      formId: '12312312312',
      fieldData: [
        { name: 'first_name', values: ['Ravi'] },
        { name: 'last_name', values: ['Menon'] },
        { name: 'email', values: ['ravi.menon@example.com'] },
      ],
    });
    fake.addLead('123123123124', {
      formId: '12312312312',
      fieldData: [
        { name: 'full_name', values: ['Neha Iyer'] },
        { name: 'phone_number', values: ['+919876500011'] },
      ],
    });
    const response = await postWebhook(t, metaFixture('webhook_leadgen_metadocs_as_json.json'));
    expect(response.json()).toEqual({ received: 2, malformed: 0 });
    await t.runJobs();
    const logged = await events(t, other.id);
    expect(logged.map((e) => [e.leadgenId, e.status]).sort()).toEqual([
      ['123123123123', 'created'],
      ['123123123124', 'created'],
    ]);
    expect(logged[0]).toMatchObject({ pageId: '123123123', createdTime: '2015-02-28T08:49:14.000Z' });
    const names = (await leadsFromFacebook(t)).map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['Ravi Menon', 'Neha Iyer']));
  });

  it('keeps an id beyond 2^53 given as a number exactly as sent', async () => {
    const body = JSON.stringify(leadgen('0', '172036835026334')).replace(
      '"leadgen_id":"0"',
      '"leadgen_id":9007199254740993',
    );
    expect((await postWebhook(t, body)).json()).toEqual({ received: 1, malformed: 0 });
    expect((await events(t, page.id))[0]).toMatchObject({ leadgenId: '9007199254740993', status: 'pending' });
    await t.runJobs();
    expect((await events(t, page.id))[0]).toMatchObject({ leadgenId: '9007199254740993', status: 'failed' });
  });

  it('answers 401 to a forged or missing signature and stores nothing', async () => {
    const before = await countRows(t, demoId, 'facebook_events');
    const body = JSON.stringify(leadgen('555000111222', '172036835026334'));
    expectProblem(await postWebhook(t, body, { secret: 'not-the-app-secret' }), 401, 'invalid_signature');
    expectProblem(await postWebhook(t, body, { signature: null }), 401, 'invalid_signature');
    expectProblem(await postWebhook(t, body, { signature: 'sha1=abc' }), 401, 'invalid_signature');
    // Signed over other bytes (a re-serialisation) is forged too.
    const resigned = signMeta(JSON.stringify(JSON.parse(body), null, 2), APP_SECRET);
    expectProblem(await postWebhook(t, body, { signature: resigned }), 401, 'invalid_signature');
    expect(await countRows(t, demoId, 'facebook_events')).toBe(before);
    expect(await countRows(t, demoId, 'jobs')).toBeGreaterThanOrEqual(0);
  });

  it('answers 200 to a malformed change, and keeps it on the connection log', async () => {
    const payload = leadgen('777000111222', '172036835026334');
    const change = payload.entry[0]?.changes[0] as { value: Record<string, unknown> };
    change.value = { page_id: change.value.page_id, form_id: 'not-an-id', created_time: 'yesterday' };
    const response = await postWebhook(t, payload);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: 0, malformed: 1 });
    const [logged] = await events(t, page.id);
    expect(logged).toMatchObject({ status: 'malformed', leadgenId: null, error: 'leadgen_id is missing or not an id' });

    const junk = await postWebhook(t, '{"object": "page", "entry": [');
    expect(junk.statusCode, junk.body).toBe(200);
    expect(junk.json()).toEqual({ received: 0, malformed: 1 });
  });
});
