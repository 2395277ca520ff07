import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { escapeHtml } from './email.render.ts';
import * as repo from './email.repository.ts';
import type { PutSettingsInput } from './email.schemas.ts';
import {
  classifySmtpError,
  messageIdFor,
  type Security,
  type SmtpServer,
  sendMail,
  smtpProblem,
} from './email.smtp.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function toSettings(row: repo.SettingsRow | undefined) {
  return {
    configured: row !== undefined,
    host: row?.host ?? null,
    port: row?.port ?? null,
    security: (row?.security ?? null) as Security | null,
    username: row?.username ?? null,
    passwordSet: Boolean(row?.password_sealed),
    fromName: row?.from_name ?? null,
    fromAddress: row?.from_address ?? null,
    replyTo: row?.reply_to ?? null,
    trackOpens: row?.track_opens ?? true,
    trackClicks: row?.track_clicks ?? true,
    updatedAt: iso(row?.updated_at ?? null),
    updatedBy: row?.updated_by ? { id: row.updated_by, name: row.updated_by_name ?? '' } : null,
  };
}

/** What the audit log keeps: never the password, only that it was set or replaced (shown redacted). */
function snapshot(row: repo.SettingsRow | undefined, passwordMark: string | null) {
  if (!row) return null;
  const { passwordSet: _set, updatedAt: _at, updatedBy: _by, configured: _c, ...rest } = toSettings(row);
  return { ...rest, password: passwordMark };
}

export async function getSettings(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toSettings(await repo.findSettings(trx)));
}

/**
 * Replaces the settings. The password is write-only: left out, the stored one stays; null removes it; a new
 * one is sealed before it is stored. Without a username there is no authentication and no password.
 */
export async function putSettings(deps: Deps, ctx: RequestContext, body: PutSettingsInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const current = await repo.findSettings(trx);
    const username = body.username?.trim() || null;
    let sealed =
      body.password === undefined
        ? (current?.password_sealed ?? null)
        : body.password === null
          ? null
          : deps.secrets.seal(body.password, ctx.actor.companyId);
    if (!username) sealed = null;
    if (username && !sealed) {
      throw new AppError('validation_failed', 'A username needs a password', {
        errors: [{ path: 'password', message: 'is required with a username' }],
      });
    }
    const now = deps.clock.now();
    await repo.upsertSettings(trx, {
      company_id: ctx.actor.companyId,
      host: body.host.trim(),
      port: body.port,
      security: body.security,
      username,
      password_sealed: sealed,
      from_name: body.fromName.trim(),
      from_address: body.fromAddress,
      reply_to: body.replyTo ?? null,
      track_opens: body.trackOpens ?? true,
      track_clicks: body.trackClicks ?? true,
      updated_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    const after = await repo.findSettings(trx);
    const before = current?.password_sealed ? 'stored' : null;
    await recordAudit(trx, ctx, {
      action: 'email_settings.updated',
      entityType: 'email_settings',
      entityId: ctx.actor.companyId,
      before: snapshot(current, before),
      after: snapshot(after, sealed === (current?.password_sealed ?? null) ? before : sealed ? 'replaced' : null),
    });
    return toSettings(after);
  });
}

/** Back to "not configured": sending answers 422 until settings are saved again. Tracking keeps working. */
export async function deleteSettings(deps: Deps, ctx: RequestContext): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const current = await repo.findSettings(trx);
    if (!(await repo.deleteSettings(trx))) return;
    await recordAudit(trx, ctx, {
      action: 'email_settings.deleted',
      entityType: 'email_settings',
      entityId: ctx.actor.companyId,
      before: snapshot(current, current?.password_sealed ? 'stored' : null),
    });
  });
}

export interface LoadedServer {
  settings: repo.SettingsRow;
  server: SmtpServer;
}

/** The company's server with its password opened: done only when something is about to be sent. */
export async function loadServer(trx: Tx, deps: Deps, companyId: string): Promise<LoadedServer | null> {
  const settings = await repo.findSettings(trx);
  if (!settings) return null;
  let password: string | null = null;
  if (settings.password_sealed) {
    try {
      password = deps.secrets.open(settings.password_sealed, companyId);
    } catch {
      throw new AppError(
        'unprocessable',
        'The stored SMTP password cannot be read (the secrets key changed); enter it again',
        {
          errors: [{ path: 'password', message: 'cannot be read; enter it again' }],
        },
      );
    }
  }
  return {
    settings,
    server: {
      host: settings.host,
      port: settings.port,
      security: settings.security as Security,
      username: settings.username,
      password,
    },
  };
}

export const notConfigured = () =>
  new AppError('email_not_configured', 'An admin sets up the outgoing email server under Settings → Email first');

/**
 * Sends a test email now with the saved settings and answers with the server's reply, or with a problem
 * saying what failed (unreachable, authentication, TLS, refused) and the server's own words. No database
 * transaction is held while the server is talked to.
 */
export async function sendTestEmail(deps: Deps, ctx: RequestContext, to: string) {
  const companyId = ctx.actor.companyId;
  const loaded = await withTenant(deps.db, companyId, (trx) => loadServer(trx, deps, companyId));
  if (!loaded) throw notConfigured();
  const { settings, server } = loaded;
  const id = newId();
  const audit = (after: Record<string, unknown>) =>
    withTenant(deps.db, companyId, (trx) =>
      recordAudit(trx, ctx, {
        action: 'email_settings.tested',
        entityType: 'email_settings',
        entityId: companyId,
        after,
      }),
    );
  try {
    const info = await sendMail(server, {
      from: { name: settings.from_name, address: settings.from_address },
      replyTo: settings.reply_to,
      to: [to],
      cc: [],
      bcc: [],
      subject: 'iPerform test email',
      text: `This is a test email from iPerform, sent by ${ctx.actor.name} to check the outgoing email settings of your company (${server.host}:${server.port}, ${server.security}). If you can read it, they work.`,
      html: `<p>This is a test email from iPerform, sent by ${escapeHtml(ctx.actor.name)} to check the outgoing email settings of your company (${escapeHtml(server.host)}:${server.port}, ${server.security}).</p><p>If you can read it, they work.</p>`,
      messageId: messageIdFor(id, settings.from_address),
    });
    await audit({ to, ok: true, serverReply: info.response });
    return {
      ok: true,
      serverReply: info.response,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      messageId: info.messageId,
    };
  } catch (error) {
    const failure = classifySmtpError(error);
    await audit({ to, ok: false, error: failure.code, serverReply: failure.reply ?? failure.message });
    throw smtpProblem(failure);
  }
}

// --- the caller's own signature -----------------------------------------------------------------------------

export async function getSignature(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findSignature(trx, ctx.actor.userId);
    return { phone: row?.phone ?? null, html: row?.html ?? null, updatedAt: iso(row?.updated_at ?? null) };
  });
}

export async function putSignature(
  deps: Deps,
  ctx: RequestContext,
  body: { phone: string | null; html: string | null },
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findSignature(trx, ctx.actor.userId);
    const now = deps.clock.now();
    const phone = body.phone?.trim() || null;
    const html = body.html?.trim() || null;
    await repo.upsertSignature(trx, {
      company_id: ctx.actor.companyId,
      user_id: ctx.actor.userId,
      phone,
      html,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'email_signature.updated',
      entityType: 'user',
      entityId: ctx.actor.userId,
      before: before ? { signaturePhone: before.phone, signatureHtml: before.html } : null,
      after: { signaturePhone: phone, signatureHtml: html },
    });
    return { phone, html, updatedAt: now.toISOString() };
  });
}
