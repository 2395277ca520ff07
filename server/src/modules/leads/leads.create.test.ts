import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeWhatsAppCloud } from '../../../test/fakes/whatsapp-cloud.ts';
import { inboundText } from '../../../test/fakes/whatsapp-cloud.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { ADMIN, addRule, clearRules, newSalesperson, whyOf } from '../assignment/assignment.fixtures.ts';
import { resultRows, runToEnd, uploaded } from '../imports/imports.fixtures.ts';
import { connectDemo, PHONE_NUMBER_ID, postWebhook } from '../whatsapp/whatsapp.fixtures.ts';

let t: TestApp;
let fake: FakeWhatsAppCloud;
let rep: string;
let repEmail: string;
let formId: string;

/** Every channel's lead goes to `rep` (the one default rule, a 30-minute response SLA). */
beforeAll(async () => {
  t = await createTestApp();
  await clearRules(t);
  rep = await newSalesperson(t, 'Channel Rep');
  repEmail = (await t.as(ADMIN, 'GET', `/api/v1/users/${rep}`)).json().email;
  await addRule(t, { name: 'Everything', isDefault: true, strategy: 'user', userIds: [rep], slaMinutes: 30 });
  fake = await connectDemo(t, { createLeadsFromUnknown: true });
  const form = await t.as(ADMIN, 'POST', '/api/v1/forms', {
    name: 'Channel form',
    fields: [
      { name: 'full_name', label: 'Name', type: 'text', required: true, mapsTo: 'name' },
      { name: 'email', label: 'Email', type: 'email', mapsTo: 'email' },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  formId = form.json().id;
});
afterAll(async () => {
  await fake?.stop();
  await t?.close();
});

const submitForm = (values: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/forms/${formId}/submit`, payload: values });

async function leadNamed(name: string): Promise<{ id: string; name: string; ownerId: string | null } | undefined> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}&limit=50`);
  return (response.json().data as { id: string; name: string; ownerId: string | null }[]).find((l) => l.name === name);
}

async function importCsv(name: string, csv: string, body: Record<string, unknown> = {}) {
  const file = await uploaded(t, ADMIN, name, csv);
  const done = await runToEnd(t, ADMIN, file.id, body);
  return { id: file.id as string, done, rows: await resultRows(t, ADMIN, file.id) };
}

async function rowsOf(table: 'audit_log' | 'lead_stage_history' | 'lead_assignments', leadId: string) {
  const column = sql.ref(table === 'audit_log' ? 'entity_id' : 'lead_id');
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}
    WHERE ${column} = ${leadId}::uuid`.execute(t.dbs.owner);
  return result.rows[0]?.n ?? 0;
}

/** The titles of a new salesperson's notifications, newest first, as it reads them. */
async function titlesOf(email: string): Promise<string[]> {
  const token = (await t.login(email, 'a long enough passphrase 42')).json().accessToken as string;
  return ((await t.as(token, 'GET', '/api/v1/notifications')).json().data as { title: string }[]).map((n) => n.title);
}

/** What every new lead has, whatever channel it came by. */
async function expectFullyMade(leadId: string, channel: string) {
  const history = (await t.as(ADMIN, 'GET', `/api/v1/leads/${leadId}/stage-history`)).json().data;
  expect(history).toHaveLength(1);
  expect(history[0]).toMatchObject({ fromStage: null, toStage: 'new' });
  const why = await whyOf(t, leadId);
  expect(why.current).toMatchObject({ reason: 'rule', ruleName: 'Everything', ownerId: rep });
  expect(why.current.slaDueAt).toBeTruthy();
  expect((why.current as unknown as { channel: string }).channel).toBe(channel);
  const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=lead&entityId=${leadId}`)).json().data;
  expect(audit.map((a: { action: string }) => a.action)).toEqual(['lead.created']);
  expect(audit[0].changes.ownerId).toEqual({ from: null, to: rep });
  const sla = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs
    WHERE kind = 'lead.sla' AND payload->>'leadId' = ${leadId}`.execute(t.dbs.owner);
  expect(sla.rows[0]?.n).toBe(1);
}

describe('one write path for every channel', () => {
  it('gives a lead from a form, the bulk route, an import and WhatsApp the same history, why, audit and SLA check', async () => {
    expect((await submitForm({ full_name: 'Channel Form Lead' })).statusCode).toBe(200);
    const bulk = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', { leads: [{ name: 'Channel Bulk Lead' }] });
    expect(bulk.json().results[0]).toMatchObject({ status: 201, outcome: 'created' });
    const { rows } = await importCsv('channel.csv', 'Name\nChannel Import Lead\n', { onDuplicate: 'create' });
    expect(rows[1]?.[1]).toBe('created');
    const message = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.CHANNEL-1',
      from: '919000012121',
      text: 'Hello',
      name: 'Channel WhatsApp Lead',
    });
    expect((await postWebhook(t, message)).statusCode).toBe(200);

    for (const [name, channel] of [
      ['Channel Form Lead', 'web_form'],
      ['Channel Bulk Lead', 'bulk'],
      ['Channel Import Lead', 'import'],
      ['Channel WhatsApp Lead', 'integration'],
    ] as const) {
      const lead = await leadNamed(name);
      expect(lead, name).toBeDefined();
      await expectFullyMade(lead?.id as string, channel);
    }
  });

  it("applies each channel's duplicate policy to the same existing lead", async () => {
    const existing = await t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Zubin Mistry',
      emails: ['zubin@mistry.example'],
    });
    expect(existing.statusCode, existing.body).toBe(201);
    const policies = { ui: 'block', web_form: 'warn', import: 'block', integration: 'block' };
    expect((await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', { policies })).statusCode).toBe(200);

    // The bulk route as a person: the UI's block.
    const bulk = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: [{ name: 'Zubin Bulk', emails: ['ZUBIN@mistry.example'] }],
    });
    expect(bulk.json().results[0]).toMatchObject({
      status: 409,
      outcome: 'duplicate',
      duplicates: [{ id: existing.json().id, matchedOn: ['email'] }],
    });
    // A form never refuses: created, and its owner warned once the review job runs.
    expect((await submitForm({ full_name: 'Zubin Form', email: 'zubin@mistry.example' })).statusCode).toBe(200);
    const fromForm = await leadNamed('Zubin Form');
    expect(fromForm).toBeDefined();
    await t.runJobs();
    expect(await titlesOf(repEmail)).toContain('Zubin Form may be a duplicate');
    // An import: its own policy (block) fails the row.
    const { rows } = await importCsv('zubin.csv', 'Name,Email\nZubin Import,zubin@mistry.example\n');
    expect(rows[1]?.[1]).toBe('failed');
    expect(await leadNamed('Zubin Import')).toBeUndefined();
    // WhatsApp from an unknown number, named like the lead: the integration's block keeps it unattached.
    const message = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.ZUBIN-1',
      from: '919000034343',
      text: 'Hi',
      name: 'Zubin Mistry',
    });
    expect((await postWebhook(t, message)).statusCode).toBe(200);
    const zubins = (await t.as(ADMIN, 'GET', '/api/v1/leads?q=Zubin&limit=50')).json().data as { name: string }[];
    expect(zubins.map((l) => l.name).sort()).toEqual(['Zubin Form', 'Zubin Mistry']);
    await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', {
      policies: { ui: 'warn', web_form: 'allow', import: 'block', integration: 'block' },
    });
  });

  it('decides duplicates inside a batch as if its items came one after another', async () => {
    await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', { policies: { ui: 'block' } });
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: [
        { name: 'Twin One', emails: ['twins@batch.example'] },
        { name: 'Twin Two', emails: ['twins@batch.example'] },
        { name: 'Twin Three', phones: ['+91 90000 56565'] },
      ],
    });
    const [first, second, third] = response.json().results;
    expect(first).toMatchObject({ status: 201, outcome: 'created' });
    expect(second).toMatchObject({ status: 409, outcome: 'duplicate', duplicates: [{ id: first.id }] });
    expect(third).toMatchObject({ status: 201, outcome: 'created' });
    const skipped = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk?onDuplicate=skip', {
      leads: [
        { name: 'Skip Twin A', emails: ['skip.twin@batch.example'] },
        { name: 'Skip Twin B', emails: ['skip.twin@batch.example'] },
      ],
    });
    const [a, b] = skipped.json().results;
    expect(b).toMatchObject({ status: 200, outcome: 'skipped', id: a.id });
    await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', { policies: { ui: 'warn' } });
  });
});

describe('notifications', () => {
  it('tells each owner once per batch, and a single lead as it always did', async () => {
    await clearRules(t);
    const [one, two] = [await newSalesperson(t, 'Rotation One'), await newSalesperson(t, 'Rotation Two')];
    await addRule(t, { name: 'Rotation', isDefault: true, strategy: 'round_robin', userIds: [one, two] });
    const emails = await Promise.all(
      [one, two].map(async (id) => (await t.as(ADMIN, 'GET', `/api/v1/users/${id}`)).json().email as string),
    );
    const bulk = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: ['Rot A', 'Rot B', 'Rot C', 'Rot D', 'Rot E'].map((name) => ({ name })),
    });
    const ids = bulk.json().results.map((r: { id: string }) => r.id) as string[];
    const owners = await Promise.all(ids.map(async (id) => (await whyOf(t, id)).current.ownerId));
    expect(owners).toEqual([one, two, one, two, one]);
    expect(await titlesOf(emails[0] as string)).toEqual(['3 new leads assigned to you']);
    expect(await titlesOf(emails[1] as string)).toEqual(['2 new leads assigned to you']);

    const single = await t.as(ADMIN, 'POST', '/api/v1/leads', { name: 'Rot Single' });
    expect(single.statusCode, single.body).toBe(201);
    expect((await titlesOf(emails[1] as string))[0]).toBe('New lead: Rot Single');
  });
});

describe('a failing item', () => {
  it('changes nothing of its own and does not stop the others', async () => {
    const auditBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'lead.created'`.execute(t.dbs.owner);
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: [{ name: 'Keep Me One' }, { name: 'Refuse Me', stage: 'won' }, { name: 'Keep Me Two' }],
    });
    expect(response.json().results.map((r: { status: number }) => r.status)).toEqual([201, 422, 201]);
    const auditAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'lead.created'`.execute(t.dbs.owner);
    expect((auditAfter.rows[0]?.n ?? 0) - (auditBefore.rows[0]?.n ?? 0)).toBe(2);
    expect(await leadNamed('Refuse Me')).toBeUndefined();
  });

  it('refused by the database, rolls back alone: the rest of the batch is written with all it brings', async () => {
    // A rule the checks cannot know of, in this test's own database.
    await sql`ALTER TABLE leads ADD CONSTRAINT test_refused CHECK (name <> 'Refused By Database')`.execute(t.dbs.owner);
    try {
      const { id, rows } = await importCsv(
        'refused.csv',
        'Name\nAccepted First\nRefused By Database\nAccepted Second\n',
        { onDuplicate: 'create' },
      );
      expect(rows.slice(1).map((r) => r[1])).toEqual(['created', 'failed', 'created']);
      expect(rows[2]?.[3]).toMatch(/^The database refused the lead/);
      for (const name of ['Accepted First', 'Accepted Second']) {
        const lead = await leadNamed(name);
        for (const table of ['audit_log', 'lead_stage_history', 'lead_assignments'] as const) {
          expect(await rowsOf(table, lead?.id as string), `${name} ${table}`).toBe(1);
        }
      }
      const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'lead.created' AND request_id = ${`import:${id}`}`.execute(t.dbs.owner);
      expect(audited.rows[0]?.n).toBe(2);
    } finally {
      await sql`ALTER TABLE leads DROP CONSTRAINT test_refused`.execute(t.dbs.owner);
    }
  });
});
