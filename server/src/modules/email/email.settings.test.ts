import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { configureSmtp } from './email.fixtures.ts';

let t: TestApp;
let open: FakeSmtp;
let guarded: FakeSmtp;
let companyId: string;
const ADMIN = 'admin@demo.test';
const PASSWORD = 'Sm7p-pa55word-for-the-relay';

beforeAll(async () => {
  t = await createTestApp();
  open = await startFakeSmtp();
  guarded = await startFakeSmtp({ auth: { user: 'relay-user', password: PASSWORD } });
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await t?.close();
});

const storedRow = () =>
  withTenant(t.dbs.app, companyId, (trx) => trx.selectFrom('email_settings').selectAll().executeTakeFirst());

describe('SMTP settings', () => {
  it('start unconfigured, and only an admin reads or changes them', async () => {
    const response = await t.as(ADMIN, 'GET', '/api/v1/email/settings');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ configured: false, host: null, passwordSet: false, trackOpens: true });
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/email/settings'), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'PUT', '/api/v1/email/settings', {
          host: 'smtp.example.com',
          port: 587,
          security: 'starttls',
          fromName: 'X',
          fromAddress: 'x@example.com',
        }),
        403,
        'forbidden',
      );
      expectProblem(await t.as(who, 'POST', '/api/v1/email/settings/test', { to: 'a@example.com' }), 403, 'forbidden');
    }
  });

  it('refuse bad input naming the field, and change nothing', async () => {
    const good = {
      host: 'smtp.office365.com',
      port: 587,
      security: 'starttls',
      fromName: 'Demo',
      fromAddress: 'a@b.co',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, port: 0 }, 'port'],
      [{ ...good, port: '587' }, 'port'],
      [{ ...good, security: 'ssl' }, 'security'],
      [{ ...good, host: 'smtp example.com' }, 'host'],
      [{ ...good, fromAddress: 'not-an-address' }, 'fromAddress'],
      [{ ...good, replyTo: 'nope' }, 'replyTo'],
      [{ ...good, fromName: 'Evil\r\nBcc: x@y.z' }, 'fromName'],
      [{ ...good, username: 'someone' }, 'password'],
      [{ ...good, smuggled: true }, 'smuggled'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await t.as(ADMIN, 'PUT', '/api/v1/email/settings', body), 400, 'validation_failed', path);
    }
    expect((await t.as(ADMIN, 'GET', '/api/v1/email/settings')).json().configured).toBe(false);
  });

  it('store the password sealed, never return it, and keep it when a later save leaves it out', async () => {
    const saved = await configureSmtp(t, guarded, {
      username: 'relay-user',
      password: PASSWORD,
      replyTo: 'team@demo-co.example',
    });
    expect(saved).toMatchObject({
      configured: true,
      host: '127.0.0.1',
      port: guarded.port,
      security: 'none',
      username: 'relay-user',
      passwordSet: true,
      fromName: 'Demo Co Sales',
      fromAddress: 'sales@demo-co.example',
      replyTo: 'team@demo-co.example',
      updatedBy: { name: 'Priya Raman' },
    });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    const row = await storedRow();
    expect(row?.password_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(t.app.deps.secrets.open(row?.password_sealed ?? '', companyId)).toBe(PASSWORD);
    // Bound to its company: the same sealed value does not open for another.
    expect(() => t.app.deps.secrets.open(row?.password_sealed ?? '', '01900000-0000-7000-8000-000000000000')).toThrow();

    const again = await configureSmtp(t, guarded, { username: 'relay-user', fromName: 'Demo Co' });
    expect(again).toMatchObject({ passwordSet: true, fromName: 'Demo Co', replyTo: null });
    expect((await storedRow())?.password_sealed).toBe(row?.password_sealed);

    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${companyId}`)).json().data as {
      action: string;
      changes: Record<string, { from: unknown; to: unknown }>;
    }[];
    const updates = audit.filter((a) => a.action === 'email_settings.updated');
    expect(updates.length).toBe(2);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    expect(updates.at(-1)?.changes.password).toEqual({ from: '[redacted]', to: '[redacted]' });
  });

  it('send a test email and answer with the server reply', async () => {
    const response = await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'priya@demo-co.example' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ ok: true, accepted: ['priya@demo-co.example'], rejected: [] });
    expect(response.json().serverReply).toMatch(/^250/);
    const mail = guarded.received.at(-1);
    expect(mail?.to).toEqual(['priya@demo-co.example']);
    expect(mail?.from).toBe('sales@demo-co.example');
    expect(mail?.mail.subject).toBe('iPerform test email');
    expect(mail?.mail.from?.value[0]).toMatchObject({ name: 'Demo Co', address: 'sales@demo-co.example' });
    expect(mail?.mail.text).toContain('Priya Raman');
    expect(mail?.mail.messageId).toBe(response.json().messageId);
  });

  it('say clearly why a test failed: wrong password, authentication required, TLS, unreachable', async () => {
    await configureSmtp(t, guarded, { username: 'relay-user', password: 'wrong-password' });
    const wrong = expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'priya@demo-co.example' }),
      502,
      'smtp_auth_failed',
    ) as { serverReply?: string; responseCode?: number };
    expect(wrong.serverReply).toMatch(/535/);
    expect(wrong.responseCode).toBe(535);

    await configureSmtp(t, guarded, { username: null });
    const anonymous = expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'priya@demo-co.example' }),
      502,
      'smtp_auth_failed',
    ) as { serverReply?: string };
    expect(anonymous.serverReply).toMatch(/^530/);
    expect((await t.as(ADMIN, 'GET', '/api/v1/email/settings')).json().passwordSet).toBe(false);

    await configureSmtp(t, open, { security: 'starttls' });
    const tls = expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'priya@demo-co.example' }),
      502,
      'smtp_tls_failed',
    );
    expect(tls.detail).toMatch(/TLS/);

    const down = await startFakeSmtp();
    await down.stop();
    await configureSmtp(t, down);
    const unreachable = expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'priya@demo-co.example' }),
      502,
      'smtp_unreachable',
    );
    expect(unreachable.detail).toMatch(/ECONNREFUSED/);
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/email/settings/test', { to: 'nope' }),
      400,
      'validation_failed',
      'to',
    );

    const tests = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${companyId}`))
      .json()
      .data.filter((a: { action: string }) => a.action === 'email_settings.tested');
    expect(tests.length).toBe(5);
  });

  it('answer 422 email_not_configured when a company has none, and can be removed', async () => {
    expectProblem(
      await t.as('admin@other.test', 'POST', '/api/v1/email/settings/test', { to: 'emily@other.example' }),
      422,
      'email_not_configured',
    );
    expect((await t.as('admin@other.test', 'GET', '/api/v1/email/settings')).json().configured).toBe(false);
    const removed = await t.as(ADMIN, 'DELETE', '/api/v1/email/settings');
    expect(removed.statusCode).toBe(204);
    expect((await t.as(ADMIN, 'GET', '/api/v1/email/settings')).json()).toMatchObject({
      configured: false,
      host: null,
    });
    expect(await storedRow()).toBeUndefined();
  });
});

describe('email signature', () => {
  it("is each sender's own, with the phone templates show", async () => {
    expect((await t.as('sales1@demo.test', 'GET', '/api/v1/email/signature')).json()).toEqual({
      phone: null,
      html: null,
      updatedAt: null,
    });
    const put = await t.as('sales1@demo.test', 'PUT', '/api/v1/email/signature', {
      phone: '+91 98220 12345',
      html: '<p>Rohan Gupta<br>Demo Co</p>',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await t.as('sales1@demo.test', 'GET', '/api/v1/email/signature')).json()).toMatchObject({
      phone: '+91 98220 12345',
      html: '<p>Rohan Gupta<br>Demo Co</p>',
    });
    expect((await t.as('sales2@demo.test', 'GET', '/api/v1/email/signature')).json().phone).toBeNull();
    expectProblem(
      await t.as('sales1@demo.test', 'PUT', '/api/v1/email/signature', { phone: 'call me', html: null }),
      400,
      'validation_failed',
      'phone',
    );
    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/email/signature'), 403, 'forbidden');
  });
});
