import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { DEMO_PASSWORD } from '../../composition/demo-seed.ts';
import { withTenant } from '../../db/client.ts';
import { sha256 } from '../../lib/crypto.ts';
import { configureSmtp } from '../email/email.fixtures.ts';
import { afterRepliesSettled } from './after-reply.ts';

/**
 * Forgot password: the request answers the same 202 whatever the account, a company with an email server
 * emails a link that works once for 30 minutes (stored only as a hash), an admin can issue such a link instead,
 * and setting the new password ends every session of the user.
 */

const PUBLIC_URL = 'https://crm.demo-co.example';
const NEW_PASSWORD = 'a-brand-new-passphrase-42';

let addressCounter = 0;
const nextAddress = () => `10.40.${Math.floor(++addressCounter / 250)}.${(addressCounter % 250) + 1}`;

function requestReset(t: TestApp, body: Record<string, unknown>, ip = nextAddress()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: body, remoteAddress: ip });
}

function confirmReset(t: TestApp, body: Record<string, unknown>, ip = nextAddress()) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset/confirm',
    payload: body,
    remoteAddress: ip,
  });
}

function loginAs(t: TestApp, email: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: nextAddress(),
  });
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

async function resetRows(t: TestApp, email: string) {
  const company = (
    await t.as(email.endsWith('@other.test') ? 'admin@other.test' : 'admin@demo.test', 'GET', '/api/v1/auth/me')
  ).json().company.id as string;
  const user = await userId(t, email);
  return withTenant(t.dbs.app, company, (trx) =>
    trx.selectFrom('password_resets').selectAll().where('user_id', '=', user).orderBy('id').execute(),
  );
}

describe('with an outgoing email server', () => {
  let t: TestApp;
  let smtp: FakeSmtp;
  beforeAll(async () => {
    t = await createTestApp({ publicUrl: PUBLIC_URL });
    smtp = await startFakeSmtp();
    await configureSmtp(t, smtp);
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));

  it('answers 202 the same way for an account, an unknown address and another company’s slug', async () => {
    const real = await requestReset(t, { email: 'sales1@demo.test' });
    const unknown = await requestReset(t, { email: 'nobody-here@demo.test' });
    const wrongCompany = await requestReset(t, { email: 'sales2@demo.test', companySlug: 'other' });
    await afterRepliesSettled();
    for (const response of [real, unknown, wrongCompany]) {
      expect(response.statusCode).toBe(202);
      expect(response.body).toBe(real.body);
      expect(response.headers['content-type']).toBe(real.headers['content-type']);
    }
    expect(mailsTo('sales1@demo.test')).toHaveLength(1);
    expect(mailsTo('nobody-here@demo.test')).toHaveLength(0);
    expect(mailsTo('sales2@demo.test')).toHaveLength(0);
  });

  it('emails a link to /reset-password that works once, sets the password and ends every session', async () => {
    const before = await t.token('sales3@demo.test');
    expect((await t.as(before, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await requestReset(t, { email: 'sales3@demo.test', companySlug: 'demo' })).statusCode).toBe(202);
    await afterRepliesSettled();
    const [mail] = mailsTo('sales3@demo.test');
    expect(mail?.mail.subject).toBe('Reset your iPerform password');
    const link = mail?.mail.text?.match(/https:\/\/\S+/)?.[0] ?? '';
    expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=prt_`)).toBe(true);
    const token = tokenOf(link);

    // Only the hash is stored.
    const [row] = await resetRows(t, 'sales3@demo.test');
    expect(row?.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(-20));
    expect(new Date(row?.expires_at ?? 0).getTime() - new Date(row?.created_at ?? 0).getTime()).toBe(30 * 60_000);

    const confirmed = await confirmReset(t, { token, password: NEW_PASSWORD });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expectProblem(await t.as(before, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expect((await loginAs(t, 'sales3@demo.test', DEMO_PASSWORD)).statusCode).toBe(401);
    expect((await loginAs(t, 'sales3@demo.test', NEW_PASSWORD)).statusCode).toBe(200);
    expectProblem(
      await confirmReset(t, { token, password: 'yet-another-passphrase-7' }),
      400,
      'validation_failed',
      'token',
    );

    const sales3 = await userId(t, 'sales3@demo.test');
    const audit = await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityType=user&entityId=${sales3}`);
    const entry = (audit.json().data as { action: string; actor: unknown }[]).find(
      (e) => e.action === 'user.password_reset',
    );
    expect(entry).toBeDefined();
  });

  it('refuses a link after 30 minutes, and a link replaced by a newer one', async () => {
    await requestReset(t, { email: 'sales4@demo.test' });
    await afterRepliesSettled();
    const first = tokenOf(mailsTo('sales4@demo.test')[0]?.mail.text?.match(/https:\/\/\S+/)?.[0] ?? '');
    await requestReset(t, { email: 'sales4@demo.test' });
    await afterRepliesSettled();
    const second = tokenOf(mailsTo('sales4@demo.test')[1]?.mail.text?.match(/https:\/\/\S+/)?.[0] ?? '');
    expect(second).not.toBe(first);
    expectProblem(await confirmReset(t, { token: first, password: NEW_PASSWORD }), 400, 'validation_failed', 'token');
    t.clock.advance(31 * 60_000);
    expectProblem(await confirmReset(t, { token: second, password: NEW_PASSWORD }), 400, 'validation_failed', 'token');
    expect((await loginAs(t, 'sales4@demo.test', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('sends at most 3 emails an hour for one account, still answering 202', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await requestReset(t, { email: 'manager2@demo.test' })).statusCode);
    await afterRepliesSettled();
    expect(codes).toEqual([202, 202, 202, 202, 202]);
    expect(mailsTo('manager2@demo.test')).toHaveLength(3);
  });

  it('answers 429 to an address after 10 requests in 15 minutes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await requestReset(t, { email: `x${i}@nowhere.test` }, '10.41.0.1')).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(202));
    const limited = await requestReset(t, { email: 'sales1@demo.test' }, '10.41.0.1');
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses bad input with 400 or 422 naming the field', async () => {
    expectProblem(await requestReset(t, { email: 'not-an-email' }), 400, 'validation_failed', 'email');
    expectProblem(await requestReset(t, {}), 400, 'validation_failed', 'email');
    expectProblem(await requestReset(t, { email: 'a@b.test', extra: 1 }), 400, 'validation_failed', 'extra');
    expectProblem(await confirmReset(t, { password: NEW_PASSWORD }), 400, 'validation_failed', 'token');
    expectProblem(
      await confirmReset(t, { token: 'prt_garbage', password: NEW_PASSWORD }),
      400,
      'validation_failed',
      'token',
    );
    expectProblem(await confirmReset(t, { token: 'prt_garbage', password: 'short' }), 422, 'weak_password', 'password');
  });
});

describe('without an outgoing email server: the admin issues the link', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sends nothing for a request, and notes in the user’s history why', async () => {
    expect((await requestReset(t, { email: 'warrior1@demo.test' })).statusCode).toBe(202);
    await afterRepliesSettled();
    expect(await resetRows(t, 'warrior1@demo.test')).toEqual([]);
    const company = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id as string;
    const user = await userId(t, 'warrior1@demo.test');
    const events = await withTenant(t.dbs.app, company, (trx) =>
      trx
        .selectFrom('auth_events')
        .select(['event', 'outcome', 'detail'])
        .where('user_id', '=', user)
        .where('event', '=', 'password_reset_requested')
        .execute(),
    );
    expect(events).toEqual([
      { event: 'password_reset_requested', outcome: 'failure', detail: { reason: 'email_not_configured' } },
    ]);
  });

  it('lets an ADMIN issue a link (201, audited) that sets the password once', async () => {
    const warrior2 = await userId(t, 'warrior2@demo.test');
    const session = await t.token('warrior2@demo.test');
    const issued = await t.as('admin@demo.test', 'POST', `/api/v1/users/${warrior2}/password-reset-link`);
    expect(issued.statusCode, issued.body).toBe(201);
    const { link, expiresAt } = issued.json() as { link: string; expiresAt: string };
    expect(link).toMatch(/\/reset-password\?token=prt_/);
    expect(new Date(expiresAt).getTime()).toBe(t.clock.now().getTime() + 30 * 60_000);
    const audit = await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityType=user&entityId=${warrior2}`);
    expect(audit.json().data.map((e: { action: string }) => e.action)).toContain('user.password_reset_link_issued');

    expect((await confirmReset(t, { token: tokenOf(link), password: NEW_PASSWORD })).statusCode).toBe(204);
    expectProblem(await t.as(session, 'GET', '/api/v1/auth/me'), 401, 'invalid_token');
    expect((await loginAs(t, 'warrior2@demo.test', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('answers 403 to a role without the permission, and 404 to another company’s admin', async () => {
    const warrior3 = await userId(t, 'warrior3@demo.test');
    expectProblem(
      await t.as('manager1@demo.test', 'POST', `/api/v1/users/${warrior3}/password-reset-link`),
      403,
      'forbidden',
    );
    expectProblem(
      await t.as('sales1@demo.test', 'POST', `/api/v1/users/${warrior3}/password-reset-link`),
      403,
      'forbidden',
    );
    expectProblem(
      await t.as('admin@other.test', 'POST', `/api/v1/users/${warrior3}/password-reset-link`),
      404,
      'not_found',
    );
    expectProblem(
      await t.as('admin@demo.test', 'POST', '/api/v1/users/01900000-0000-7000-8000-000000000000/password-reset-link'),
      404,
      'not_found',
    );
    expect(await resetRows(t, 'warrior3@demo.test')).toEqual([]);
  });
});
