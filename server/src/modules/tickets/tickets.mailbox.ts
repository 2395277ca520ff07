import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type ErrorCode } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { MailboxSecurity, PutMailboxInput } from './tickets.intake.schemas.ts';

/**
 * The support mailbox: the IMAP server a company's support address is read from, its password sealed like the
 * SMTP one (Settings → Email), and what was read last. Reading it is tickets.mailbox-poll.ts.
 */

export async function findMailbox(trx: Tx) {
  return trx.selectFrom('ticket_mailboxes').selectAll().executeTakeFirst();
}
export type MailboxRow = NonNullable<Awaited<ReturnType<typeof findMailbox>>>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

async function toMailbox(trx: Tx, row: MailboxRow | undefined) {
  const rejects = await trx
    .selectFrom('ticket_mailbox_rejects')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return {
    configured: row !== undefined,
    host: row?.host ?? null,
    port: row?.port ?? null,
    security: row?.security ?? null,
    username: row?.username ?? null,
    passwordSet: Boolean(row?.password_sealed),
    folder: row?.folder ?? null,
    enabled: row?.enabled ?? false,
    lastPolledAt: iso(row?.last_polled_at ?? null),
    lastUid: row ? Number(row.last_uid) : null,
    lastError: row?.last_error ?? null,
    keptAside: rejects.map((r) => ({
      id: r.id,
      uid: Number(r.uid),
      reason: r.reason,
      rawSize: r.raw_size,
      from: r.from_address,
      subject: r.subject,
      at: new Date(r.created_at).toISOString(),
    })),
  };
}

export async function getMailbox(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toMailbox(trx, await findMailbox(trx)));
}

const snapshot = (row: MailboxRow | undefined, password: string | null) =>
  row
    ? {
        host: row.host,
        port: row.port,
        security: row.security,
        username: row.username,
        folder: row.folder,
        enabled: row.enabled,
        password,
      }
    : null;

/**
 * Saves the mailbox. The password is write-only: left out, the stored one stays (required the first time); a new
 * one is sealed before it is stored. Another server, user or folder starts reading afresh (the UIDs of one folder
 * mean nothing in another). The user who saves it is the one its tickets are raised as. Audited, never with the
 * password.
 */
export async function putMailbox(deps: Deps, ctx: RequestContext, body: PutMailboxInput) {
  const { companyId, userId } = ctx.actor;
  return withTenant(deps.db, companyId, async (trx) => {
    const current = await findMailbox(trx);
    const sealed = body.password ? deps.secrets.seal(body.password, companyId) : current?.password_sealed;
    if (!sealed) {
      throw new AppError('validation_failed', 'password: is required the first time', {
        errors: [{ path: 'password', message: 'is required the first time' }],
      });
    }
    const now = deps.clock.now();
    const values = {
      host: body.host.trim(),
      port: body.port,
      security: body.security,
      username: body.username.trim(),
      password_sealed: sealed,
      folder: body.folder?.trim() || 'INBOX',
      enabled: body.enabled,
      acting_user_id: userId,
      updated_at: now,
    };
    const elsewhere =
      current &&
      (current.host !== values.host || current.username !== values.username || current.folder !== values.folder);
    if (current) {
      await trx
        .updateTable('ticket_mailboxes')
        .set({
          ...values,
          ...(elsewhere ? { uid_validity: null, last_uid: 0 } : {}),
          ...(body.password ? { last_error: null, last_error_at: null } : {}),
        })
        .where('id', '=', current.id)
        .execute();
    } else {
      await trx
        .insertInto('ticket_mailboxes')
        .values({ company_id: companyId, id: newId(), created_at: now, ...values })
        .execute();
    }
    const after = await findMailbox(trx);
    const before = current ? 'stored' : null;
    await recordAudit(trx, ctx, {
      action: 'ticket_mailbox.updated',
      entityType: 'ticket_mailbox',
      entityId: after?.id ?? null,
      before: snapshot(current, before),
      after: snapshot(after, body.password ? (current ? 'replaced' : 'stored') : before),
      at: now,
    });
    return toMailbox(trx, after);
  });
}

/** Removes the mailbox: nothing is read any more. Tickets it opened stay. */
export async function deleteMailbox(deps: Deps, ctx: RequestContext): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const current = await findMailbox(trx);
    if (!current) return;
    await trx.deleteFrom('ticket_mailboxes').where('id', '=', current.id).execute();
    await recordAudit(trx, ctx, {
      action: 'ticket_mailbox.deleted',
      entityType: 'ticket_mailbox',
      entityId: current.id,
      before: snapshot(current, 'stored'),
      at: deps.clock.now(),
    });
  });
}

export interface ImapServer {
  host: string;
  port: number;
  security: MailboxSecurity;
  username: string;
  password: string;
}

/** The mailbox's server with its password opened: only when it is about to be read. */
export function serverOf(deps: Deps, row: MailboxRow): ImapServer {
  let password: string;
  try {
    password = deps.secrets.open(row.password_sealed, row.company_id);
  } catch {
    throw new AppError(
      'unprocessable',
      'The stored mailbox password cannot be read (the secrets key changed); enter it again',
      {
        errors: [{ path: 'password', message: 'cannot be read; enter it again' }],
      },
    );
  }
  return {
    host: row.host,
    port: row.port,
    security: row.security as MailboxSecurity,
    username: row.username,
    password,
  };
}

/**
 * An IMAP client for the server: `tls` from the first byte, `starttls` upgraded (and the upgrade required),
 * `none` plain. Certificates are always checked; timeouts are short so a stuck server holds no job for long.
 */
export function imapClient(server: ImapServer): ImapFlow {
  const options: ImapFlowOptions = {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    doSTARTTLS: server.security === 'starttls' ? true : server.security === 'none' ? false : undefined,
    auth: { user: server.username, pass: server.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    tls: { minVersion: 'TLSv1.2' },
  };
  const client = new ImapFlow(options);
  // A dropped connection is reported through the command that was running; the event itself needs no handler.
  client.on('error', () => undefined);
  return client;
}

export interface ImapFailure {
  code: ErrorCode;
  message: string;
}

/** What went wrong talking to the server, in words an admin can act on. */
export function classifyImapError(
  error: unknown,
  server: Pick<ImapServer, 'host' | 'port'>,
  folder?: string,
): ImapFailure {
  const e = error as {
    message?: string;
    code?: string;
    authenticationFailed?: boolean;
    tlsFailed?: boolean;
    mailboxMissing?: boolean;
    responseText?: string;
    serverResponseCode?: string;
  };
  const said = e.responseText ? ` (the server said: ${e.responseText})` : '';
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return { code: 'imap_auth_failed', message: `The mail server refused the username or password${said}` };
  }
  if (e.tlsFailed || /certificate|tls|ssl/i.test(e.message ?? '')) {
    return {
      code: 'imap_tls_failed',
      message: `A secure (TLS) connection to ${server.host}:${server.port} failed: ${e.message}`,
    };
  }
  if (folder && (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT')) {
    return { code: 'imap_folder_missing', message: `The folder "${folder}" does not exist on the mail server${said}` };
  }
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEOUT'];
  if ((e.code && network.includes(e.code)) || /timeout|timed out|connect/i.test(e.message ?? '')) {
    return {
      code: 'imap_unreachable',
      message: `The mail server ${server.host}:${server.port} could not be reached: ${e.message ?? e.code}`,
    };
  }
  return { code: 'imap_unreachable', message: `The mail server failed: ${e.message ?? String(error)}${said}` };
}

/**
 * Connects with the saved settings, opens the folder read-only and answers how many messages it holds, or a
 * problem saying what failed (unreachable, TLS, username or password, folder). Audited; nothing is read.
 */
export async function testMailbox(deps: Deps, ctx: RequestContext) {
  const companyId = ctx.actor.companyId;
  const row = await withTenant(deps.db, companyId, (trx) => findMailbox(trx));
  if (!row) throw new AppError('unprocessable', 'Save the mailbox settings first');
  const server = serverOf(deps, row);
  const audit = (after: Record<string, unknown>) =>
    withTenant(deps.db, companyId, (trx) =>
      recordAudit(trx, ctx, { action: 'ticket_mailbox.tested', entityType: 'ticket_mailbox', entityId: row.id, after }),
    );
  const client = imapClient(server);
  try {
    await client.connect();
    const status = await client.status(row.folder, { messages: true });
    if (!status) throw Object.assign(new Error('no such folder'), { mailboxMissing: true });
    await audit({ ok: true });
    return { ok: true as const, folder: row.folder, messages: status.messages ?? 0 };
  } catch (error) {
    const failure = classifyImapError(error, server, row.folder);
    await audit({ ok: false, error: failure.code, message: failure.message });
    throw new AppError(failure.code, failure.message);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
