import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import {
  ADMIN,
  countNamed,
  created,
  defaultSettings,
  expectDuplicate,
  freshEmail,
  freshName,
  freshPhone,
  integrationKey,
  setSettings,
} from './duplicates.fixtures.ts';

let t: TestApp;
let apiKey: string;
let sales1: string;
let sales2: string;

beforeAll(async () => {
  t = await createTestApp();
  apiKey = await integrationKey(t);
  sales1 = await userId(t, 'sales1@demo.test');
  sales2 = await userId(t, 'sales2@demo.test');
});
afterAll(() => t.close());
beforeEach(() => defaultSettings(t));

/** An existing lead of `owner` with a fresh name, e-mail and phone (created whatever it matches). */
async function existing(owner: string, extra: Record<string, unknown> = {}) {
  const lead = { name: freshName(), emails: [freshEmail()], phones: [freshPhone()], ownerId: owner, ...extra };
  const id = await created(t, ADMIN, lead, '?onDuplicate=create');
  return { id, ...lead, email: lead.emails[0] as string, phone: lead.phones[0] as string };
}

/** A lead the integration brought in itself: its key may change it (leads:read-all only widens what it reads). */
async function keyLead(extra: Record<string, unknown> = {}) {
  const lead = { name: freshName(), emails: [freshEmail()], phones: [freshPhone()], ...extra };
  const id = await created(t, apiKey, lead, '?onDuplicate=create');
  return { id, ...lead, email: lead.emails[0] as string, phone: lead.phones[0] as string };
}

describe('the policy of each channel', () => {
  it('warns in the UI: the lead is created and the 201 lists what it matches', async () => {
    const lead = await existing(sales1);
    const name = freshName();
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads', { name, emails: [lead.email] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().duplicates).toEqual([
      { id: lead.id, name: lead.name, matchedOn: ['email'], score: 1, confidence: 0.8 },
    ]);
    expect(await countNamed(t, name)).toBe(1);
  });

  it('blocks in the UI when the company says so: 409 with the matches, nothing written', async () => {
    await setSettings(t, { policies: { ui: 'block' } });
    const lead = await existing(sales1);
    const name = freshName();
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads', { name, phones: [lead.phone] });
    expect(expectDuplicate(response).duplicates).toEqual([{ id: lead.id, name: lead.name, matchedOn: ['phone'] }]);
    expect(await countNamed(t, name)).toBe(0);
  });

  it('creates silently when the policy allows', async () => {
    await setSettings(t, { policies: { ui: 'allow' } });
    const lead = await existing(sales1);
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads', { name: freshName(), emails: [lead.email] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().duplicates).toBeUndefined();
  });

  it('blocks an API key (an integration) by default, and lets it through with the override', async () => {
    const lead = await existing(sales1);
    const name = freshName();
    const blocked = await t.as(apiKey, 'POST', '/api/v1/leads', { name, emails: [lead.email] });
    expectProblem(blocked, 409, 'duplicate_lead');
    expect(await countNamed(t, name)).toBe(0);
    const forced = await t.as(apiKey, 'POST', '/api/v1/leads?onDuplicate=create', { name, emails: [lead.email] });
    expect(forced.statusCode, forced.body).toBe(201);
    expect(forced.json()).toMatchObject({ createdVia: 'api', duplicates: [{ id: lead.id, matchedOn: ['email'] }] });
    await setSettings(t, { policies: { integration: 'warn' } });
    const warned = await t.as(apiKey, 'POST', '/api/v1/leads', { name: freshName(), emails: [lead.email] });
    expect(warned.statusCode, warned.body).toBe(201);
    expect(warned.json().duplicates.map((d: { id: string }) => d.id)).toContain(lead.id);
  });

  it('treats an integration user as the integration channel, signed in or by key', async () => {
    const lead = await existing(sales1);
    await setSettings(t, { policies: { api: 'allow', ui: 'allow', integration: 'block' } });
    const key = await integrationKey(t, []);
    for (const who of [key, 'integration@demo.test']) {
      const response = await t.as(who, 'POST', '/api/v1/leads', { name: freshName(), phones: [lead.phone] });
      // A plain integration key sees only the leads it brought in: the match is not named.
      expect(expectDuplicate(response).duplicates).toEqual([]);
    }
    await setSettings(t, { policies: { integration: 'allow' } });
    expect((await t.as(key, 'POST', '/api/v1/leads', { name: freshName(), phones: [lead.phone] })).statusCode).toBe(
      201,
    );
  });

  it("applies the caller's channel to every item of a bulk create", async () => {
    const lead = await existing(sales1);
    const fresh = freshName();
    const items = {
      leads: [
        { name: freshName(), emails: [lead.email] },
        { name: fresh, emails: [freshEmail()] },
      ],
    };
    const viaKey = await t.as(apiKey, 'POST', '/api/v1/leads/bulk', items);
    expect(viaKey.statusCode, viaKey.body).toBe(200);
    const body = viaKey.json();
    expect(body).toMatchObject({ created: 1, skipped: 0, merged: 0, failed: 1 });
    expect(body.results[0]).toMatchObject({
      status: 409,
      outcome: 'duplicate',
      duplicates: [{ id: lead.id, name: lead.name, matchedOn: ['email'] }],
      error: { code: 'duplicate_lead' },
    });
    expect(body.results[1]).toMatchObject({ status: 201, outcome: 'created' });
    expect(await countNamed(t, fresh)).toBe(1);

    const viaUi = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: [{ name: freshName(), emails: [lead.email] }],
    });
    expect(viaUi.json().results[0]).toMatchObject({ status: 201, outcome: 'created', duplicates: [{ id: lead.id }] });
  });

  it('never refuses a web-form visitor: the lead is created and flagged for review', async () => {
    const lead = await existing(sales1);
    const form = await t.as(ADMIN, 'POST', '/api/v1/forms', {
      name: 'Dedup form',
      fields: [
        { name: 'full_name', label: 'Name', type: 'text', required: true, mapsTo: 'name' },
        { name: 'email', label: 'Email', type: 'email', mapsTo: 'email' },
      ],
    });
    expect(form.statusCode, form.body).toBe(201);
    const submit = (name: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/forms/${form.json().id}/submit`,
        payload: { full_name: name, email: lead.email.toUpperCase() },
      });
    const name = freshName();
    const response = await submit(name);
    expect(response.statusCode, response.body).toBe(200);
    expect(await countNamed(t, name)).toBe(1);
    await t.runJobs();
    const groups = (await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups?leadId=${lead.id}`)).json().data;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ status: 'open', origin: 'create', confidence: 0.8, matchedOn: ['email'] });
    expect(groups[0].members.map((m: { lead: { name: string } }) => m.lead.name).sort()).toEqual(
      [lead.name, name].sort(),
    );

    // warn: the new lead's owner hears about it (a web form has nobody else to warn).
    await setSettings(t, { policies: { web_form: 'warn' } });
    const warned = freshName();
    expect((await submit(warned)).statusCode).toBe(200);
    await t.runJobs();
    const owner = (await t.as(ADMIN, 'GET', `/api/v1/leads?q=${encodeURIComponent(warned)}`)).json().data[0].ownerId;
    expect(owner, 'the demo rules route a web-form lead to someone').toBeTruthy();
    const ownerEmail = (await t.as(ADMIN, 'GET', `/api/v1/users/${owner}`)).json().email as string;
    const notes = (await t.as(ownerEmail, 'GET', '/api/v1/notifications')).json().data as {
      kind: string;
      title: string;
    }[];
    expect(notes.find((n) => n.kind === 'duplicate_suspected')?.title).toBe(`${warned} may be a duplicate`);
    const refused = await t.as(ADMIN, 'PUT', '/api/v1/duplicates/settings', { policies: { web_form: 'block' } });
    expectProblem(refused, 400, 'validation_failed', 'policies.web_form');
  });
});

describe('what matches', () => {
  it('matches a phone in any written form', async () => {
    const lead = await existing(sales1);
    const digits = lead.phone.slice(3);
    const forms = [
      `0${digits.slice(0, 5)} ${digits.slice(5)}`,
      `+91 ${digits.slice(0, 5)}-${digits.slice(5)}`,
      `(${digits.slice(0, 3)}) ${digits.slice(3, 6)} ${digits.slice(6)}`,
      `0091${digits}`,
    ];
    for (const phone of forms) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', { phones: [phone] });
      expect(
        response.json().data.map((m: { id: string }) => m.id),
        phone,
      ).toEqual([lead.id]);
    }
  });

  it('matches an e-mail whatever its case and surrounding spaces; a plus tag only when the company says so', async () => {
    const base = freshEmail();
    const lead = await existing(sales1, { emails: [base] });
    const check = async (email: string) =>
      (await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', { emails: [email] }))
        .json()
        .data.map((m: { id: string }) => m.id);
    expect(await check(`  ${base.toUpperCase()} `)).toEqual([lead.id]);
    const tagged = base.replace('@', '+newsletter@');
    expect(await check(tagged)).toEqual([]);
    await setSettings(t, { plusAddressing: true });
    expect(await check(tagged)).toEqual([lead.id]);
    const taggedLead = await existing(sales1, { emails: [freshEmail().replace('@', '+crm@')] });
    expect(await check(taggedLead.email.replace('+crm@', '@'))).toEqual([taggedLead.id]);
  });

  it('matches a similar name (and company) above the threshold, not below', async () => {
    const id = await created(t, ADMIN, {
      name: 'Bartholomew Quintanilla',
      companyName: 'Ostrova Textiles Pvt Ltd',
      ownerId: sales1,
    });
    const check = async (body: Record<string, unknown>) =>
      (await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', body)).json().data as {
        id: string;
        matchedOn: string[];
        score: number;
      }[];
    const typo = await check({ name: 'Bartholomew Quintanila', companyName: 'OSTROVA TEXTILES PRIVATE LIMITED' });
    expect(typo.map((m) => m.id)).toEqual([id]);
    expect(typo[0]?.matchedOn).toEqual(['name']);
    expect(typo[0]?.score).toBeGreaterThan(0.8);
    expect((await check({ name: 'Quintanilla, Bartholomew' })).map((m) => m.id)).toEqual([id]);
    // Another company with the same name is another person.
    expect(await check({ name: 'Bartholomew Quintanilla', companyName: 'Pemberton Motors' })).toEqual([]);
    // Too different to be the same name.
    expect(await check({ name: 'Bart Quinn' })).toEqual([]);
    // A stricter company: the typo is no longer close enough.
    await setSettings(t, { nameThreshold: 0.95 });
    expect(await check({ name: 'Bartholomew Quintanila' })).toEqual([]);
    expect((await check({ name: 'bartholomew  quintanilla' })).map((m) => m.id)).toEqual([id]);
  });

  it('does not take numbered names for one another', async () => {
    await created(t, ADMIN, { name: 'Halvorsen Warehouse 12', ownerId: sales1 });
    const check = async (name: string) =>
      (await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', { name })).json().data.length;
    expect(await check('Halvorsen Warehouse 13')).toBe(0);
    expect(await check('Halvorsen Warehose 12')).toBe(1);
  });

  it('takes partial input while typing, refuses a malformed body, and is for those who create leads', async () => {
    const check = (who: string, body: unknown) => t.as(who, 'POST', '/api/v1/leads/duplicate-check', body);
    const partial = await check('sales1@demo.test', { name: 'Qu', emails: ['ann@exa'], phones: ['98'] });
    expect(partial.statusCode, partial.body).toBe(200);
    expect(partial.json()).toEqual({ data: [] });
    expectProblem(await check(ADMIN, { name: 'x', owner: 'me' }), 400, 'validation_failed', 'owner');
    expectProblem(await check(ADMIN, { emails: 'a@b.com' }), 400, 'validation_failed', 'emails');
    expectProblem(await check('guest@demo.test', { name: 'Anyone' }), 403, 'forbidden');
  });

  it('leaves out trashed and merged-away leads', async () => {
    const lead = await existing(sales1);
    const gone = await t.as(ADMIN, 'DELETE', `/api/v1/leads/${lead.id}`);
    if (gone.statusCode >= 300) return; // the trash route lands with its own module
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', { emails: [lead.email] });
    expect(response.json().data).toEqual([]);
  });
});

describe('visibility of the matches', () => {
  it('lists only the matches the caller may see, else says a duplicate exists', async () => {
    await setSettings(t, { policies: { ui: 'block' } });
    const theirs = await existing(sales2);
    const response = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
      name: freshName(),
      emails: [theirs.email],
    });
    const problem = expectDuplicate(response);
    expect(problem.duplicates).toEqual([]);
    expect(problem.detail).toMatch(/already exists, one you may not see/);
    expect(JSON.stringify(problem)).not.toContain(theirs.name);

    const mine = await existing(sales1, { phones: [theirs.phone] });
    const both = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: freshName(), phones: [theirs.phone] });
    const listed = expectDuplicate(both);
    expect(listed.duplicates.map((d) => d.id)).toEqual([mine.id]);
  });
});

describe('onDuplicate', () => {
  it('skip: nothing written, 200 with the existing lead', async () => {
    const lead = await existing(sales1);
    const name = freshName();
    const response = await t.as(apiKey, 'POST', '/api/v1/leads?onDuplicate=skip', { name, emails: [lead.email] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'skipped', id: lead.id, lead: { id: lead.id, name: lead.name } });
    expect(await countNamed(t, name)).toBe(0);
    // No match: created as usual.
    const fresh = await t.as(apiKey, 'POST', '/api/v1/leads?onDuplicate=skip', { name: freshName() });
    expect(fresh.statusCode).toBe(201);
    // A match the caller may not see: skipped without naming it.
    const theirs = await existing(sales2);
    const hidden = await t.as('sales1@demo.test', 'POST', '/api/v1/leads?onDuplicate=skip', {
      name: freshName(),
      emails: [theirs.email],
    });
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(hidden.json()).toEqual({ status: 'skipped', id: null, duplicates: [] });
  });

  it('merge: the incoming values fill the empty fields of the match, audited with the channel', async () => {
    const lead = await keyLead({ city: 'Pune', tags: ['expo'] });
    const response = await t.as(apiKey, 'POST', '/api/v1/leads?onDuplicate=merge', {
      name: freshName(),
      emails: [lead.email.toUpperCase(), 'second@dedup-merge.example'],
      city: 'Mumbai',
      product: 'ERP',
      tags: ['web'],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'merged',
      id: lead.id,
      lead: {
        name: lead.name,
        city: 'Pune',
        product: 'ERP',
        emails: [lead.email, 'second@dedup-merge.example'],
        tags: ['expo', 'web'],
        version: 2,
      },
    });
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${lead.id}`)).json().data as {
      action: string;
      changes: Record<string, { to: unknown }>;
    }[];
    const update = audit.find((a) => a.action === 'lead.updated');
    expect(update?.changes.duplicateMergedVia?.to).toBe('api');
    expect(update?.changes.product?.to).toBe('ERP');
    expect(update?.changes.city).toBeUndefined();

    const theirs = await existing(sales2);
    const hidden = await t.as('sales1@demo.test', 'POST', '/api/v1/leads?onDuplicate=merge', {
      name: freshName(),
      emails: [theirs.email],
    });
    expectProblem(hidden, 409, 'duplicate_lead');
  });

  it('create past a block needs duplicates:override', async () => {
    await setSettings(t, { policies: { ui: 'block' } });
    const lead = await existing(sales1);
    const name = freshName();
    const refused = await t.as('sales1@demo.test', 'POST', '/api/v1/leads?onDuplicate=create', {
      name,
      emails: [lead.email],
    });
    expectProblem(refused, 403, 'forbidden');
    expect(await countNamed(t, name)).toBe(0);
    const manager = await t.as('manager1@demo.test', 'POST', '/api/v1/leads?onDuplicate=create', {
      name,
      emails: [lead.email],
      ownerId: sales1,
    });
    expect(manager.statusCode, manager.body).toBe(201);
    const bulk = await t.as('sales1@demo.test', 'POST', '/api/v1/leads/bulk?onDuplicate=create', {
      leads: [{ name: freshName(), emails: [lead.email] }],
    });
    expect(bulk.json().results[0]).toMatchObject({ status: 403, outcome: 'failed', error: { code: 'forbidden' } });
  });

  it('merge: a key that may only read the match (leads:read-all) is refused with 403, and nothing changes', async () => {
    const lead = await existing(sales1);
    const response = await t.as(apiKey, 'POST', '/api/v1/leads?onDuplicate=merge', {
      name: freshName(),
      emails: [lead.email],
      product: 'Not for you',
    });
    expectProblem(response, 403, 'forbidden', 'onDuplicate');
    expect((await t.as(ADMIN, 'GET', `/api/v1/leads/${lead.id}`)).json().product ?? null).toBeNull();
  });

  it('skip and merge per item of a bulk create', async () => {
    const lead = await keyLead();
    const skipped = await t.as(apiKey, 'POST', '/api/v1/leads/bulk?onDuplicate=skip', {
      leads: [{ name: freshName(), emails: [lead.email] }, { name: freshName() }],
    });
    expect(skipped.json()).toMatchObject({ created: 1, skipped: 1, failed: 0 });
    expect(skipped.json().results[0]).toMatchObject({ status: 200, outcome: 'skipped', id: lead.id });
    const merged = await t.as(apiKey, 'POST', '/api/v1/leads/bulk?onDuplicate=merge', {
      leads: [{ name: freshName(), phones: [lead.phone], campaign: 'Bulk merge' }],
    });
    expect(merged.json()).toMatchObject({ merged: 1, results: [{ status: 200, outcome: 'merged', id: lead.id }] });
    expect((await t.as(ADMIN, 'GET', `/api/v1/leads/${lead.id}`)).json().campaign).toBe('Bulk merge');
    expectProblem(
      await t.as(apiKey, 'POST', '/api/v1/leads/bulk?onDuplicate=nope', { leads: [{ name: 'x' }] }),
      400,
      'validation_failed',
      'onDuplicate',
    );
  });

  it('replays the first answer for the same Idempotency-Key, skip or create', async () => {
    const lead = await existing(sales1);
    const send = (query: string, body: Record<string, unknown>, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/leads${query}`,
        headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': key },
        payload: body,
      });
    const body = { name: freshName(), emails: [lead.email] };
    const first = await send('?onDuplicate=skip', body, 'dedup-skip-1');
    const again = await send('?onDuplicate=skip', body, 'dedup-skip-1');
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expectProblem(await send('?onDuplicate=create', body, 'dedup-skip-1'), 422, 'idempotency_mismatch');

    await setSettings(t, { policies: { integration: 'warn' } });
    const warnBody = { name: freshName(), emails: [lead.email] };
    const made = await send('', warnBody, 'dedup-warn-1');
    const replay = await send('', warnBody, 'dedup-warn-1');
    expect([made.statusCode, replay.statusCode]).toEqual([201, 201]);
    expect(replay.json()).toEqual(made.json());
    expect(made.json().duplicates[0].id).toBe(lead.id);
    expect(await countNamed(t, warnBody.name)).toBe(1);
  });

  it('refuses an unknown onDuplicate value with a 400 naming it', async () => {
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=replace', { name: freshName() }),
      400,
      'validation_failed',
      'onDuplicate',
    );
  });
});
