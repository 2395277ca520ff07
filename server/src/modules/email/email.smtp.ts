import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppError, type ErrorCode } from '../../http/errors.ts';

export type Security = 'tls' | 'starttls' | 'none';

export interface SmtpServer {
  host: string;
  port: number;
  security: Security;
  username: string | null;
  password: string | null;
}

export interface OutgoingMail {
  from: { name: string; address: string };
  replyTo: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string | null;
  text: string;
  /** Ours, known before sending and the same on every attempt: a receiver can tell a retry from a new mail. */
  messageId: string;
  /** Files sent with it (a scheduled report's CSV); none by default. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * `tls`: TLS from the first byte (465, SES and most relays); `starttls`: plain then upgraded, and the upgrade
 * is required (587, Office 365, SES); `none`: no TLS at all (a relay on the local network). Certificates are
 * always checked. Timeouts are short: a test answers within seconds and a stuck server holds no job for long.
 */
function transportOptions(server: SmtpServer): SMTPTransport.Options {
  return {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    tls: { minVersion: 'TLSv1.2' },
    ...(server.username ? { auth: { user: server.username, pass: server.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Sends one message and answers with what the server said; throws the transport's error otherwise. */
export async function sendMail(server: SmtpServer, mail: OutgoingMail): Promise<SMTPTransport.SentMessageInfo> {
  const transport = nodemailer.createTransport(transportOptions(server));
  try {
    return await transport.sendMail({
      from: { name: mail.from.name, address: mail.from.address },
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      to: mail.to,
      cc: mail.cc,
      bcc: mail.bcc,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html !== null ? { html: mail.html } : {}),
      messageId: mail.messageId,
      ...(mail.attachments?.length
        ? {
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: a.content,
            })),
          }
        : {}),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } finally {
    transport.close();
  }
}

export interface SmtpFailure {
  code: Extract<ErrorCode, 'smtp_unreachable' | 'smtp_auth_failed' | 'smtp_tls_failed' | 'smtp_rejected'>;
  /** What went wrong, in words, with the server's own reply when it gave one. */
  message: string;
  reply: string | null;
  responseCode: number | null;
  /** A 5xx refusal of the message or its recipients: sending it again cannot help. */
  permanent: boolean;
}

/** What a transport error means for the person who has to fix it. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (error ?? {}) as { code?: string; message?: string; response?: string; responseCode?: number };
  const message = (e.message ?? String(error)).slice(0, 1000);
  const reply = e.response ? e.response.slice(0, 1000) : null;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const base = { reply, responseCode, permanent: false };
  if (e.code === 'EAUTH' || responseCode === 535 || responseCode === 534 || responseCode === 530) {
    return { ...base, code: 'smtp_auth_failed', message: `Authentication failed: ${reply ?? message}` };
  }
  if (e.code === 'ETLS' || /\b(TLS|SSL)\b|certificate|wrong version number|self[- ]signed/i.test(message)) {
    return { ...base, code: 'smtp_tls_failed', message: `TLS failed: ${reply ?? message}` };
  }
  if (
    ['ECONNECTION', 'ESOCKET', 'EDNS', 'ETIMEDOUT', 'ECONNREFUSED', 'EPROXY'].includes(e.code ?? '') ||
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|timeout/i.test(message)
  ) {
    return { ...base, code: 'smtp_unreachable', message: `Could not reach the server: ${message}` };
  }
  return {
    ...base,
    code: 'smtp_rejected',
    message: `The server refused the message: ${reply ?? message}`,
    permanent: responseCode !== null && responseCode >= 500,
  };
}

/** A failure as the problem the settings test answers with. */
export function smtpProblem(failure: SmtpFailure): AppError {
  return new AppError(failure.code, failure.message, {
    extra: { serverReply: failure.reply, responseCode: failure.responseCode },
  });
}

/** `<id@domain of the sender>`: unique, and from a domain the sender owns, as RFC 5322 asks. */
export function messageIdFor(id: string, fromAddress: string | null): string {
  const domain = fromAddress?.split('@')[1]?.toLowerCase() || 'iperform.invalid';
  return `<${id}@${domain}>`;
}
