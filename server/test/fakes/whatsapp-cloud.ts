import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * A local stand-in for the WhatsApp Business Cloud API: it answers POST /{phone-number-id}/messages and
 * GET /{phone-number-id} the way the documentation shows (samples in ../fixtures/whatsapp), checks the bearer
 * token and the request shape, records every request, and can be told to fail the next calls.
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/whatsapp');
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(resolve(fixtures, `${name}.json`), 'utf8')) as T;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown> | null;
}

/** What the next call answers instead of success: an HTTP error with a Graph error body, or a cut connection. */
export type Failure = { status: number; error?: Record<string, unknown> } | 'network';

/** The Graph API's error body, e.g. code 131030 (recipient not in the allowed list) or 190 (bad token). */
export function graphError(code: number, message: string, details?: string): Record<string, unknown> {
  return {
    message,
    type: 'OAuthException',
    code,
    ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
    fbtrace_id: 'AbCdEfGhIjK',
  };
}

export class FakeWhatsAppCloud {
  readonly requests: RecordedRequest[] = [];
  readonly sentIds: string[] = [];
  private readonly failures: Failure[] = [];
  private readonly ids: string[] = [];
  private server: Server | null = null;
  private counter = 0;
  url = '';

  readonly phoneNumberId: string;
  readonly accessToken: string;

  constructor(phoneNumberId: string, accessToken: string) {
    this.phoneNumberId = phoneNumberId;
    this.accessToken = accessToken;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v21.0`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** The next calls (one per failure given) answer with these, in order; later calls succeed again. */
  failNext(...failures: Failure[]): void {
    this.failures.push(...failures);
  }

  /** The message ids the next successful sends answer with (then made-up ones again). */
  nextIds(...ids: string[]): void {
    this.ids.push(...ids);
  }

  messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').replace(/^\/v21\.0/, '');
    let body: Record<string, unknown> | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    this.requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };

    const failure = this.failures.shift();
    if (failure === 'network') {
      req.socket.destroy();
      return;
    }
    if (failure) return send(failure.status, { error: failure.error ?? graphError(1, 'An unknown error occurred') });
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return send(401, { error: graphError(190, 'Invalid OAuth access token - Cannot parse access token') });
    }
    const [, number, edge] = path.split('?')[0]?.split('/') ?? [];
    if (number !== this.phoneNumberId) {
      return send(400, { error: graphError(100, `Unsupported request - object with ID '${number}' does not exist`) });
    }
    if (req.method === 'GET' && edge === undefined) {
      return send(200, {
        verified_name: 'Demo Co Sales',
        display_phone_number: '+91 98200 00000',
        id: this.phoneNumberId,
        quality_rating: 'GREEN',
      });
    }
    if (req.method !== 'POST' || edge !== 'messages') return send(404, { error: graphError(100, 'Unknown path') });
    const problem = shapeProblem(body);
    if (problem) return send(400, { error: graphError(100, `(#100) ${problem}`) });

    // The documented answer, with this request's recipient and a fresh message id.
    const answer = fixture<{ contacts: { input: string; wa_id: string }[]; messages: { id: string }[] }>(
      'send_text_response_metadocs',
    );
    const to = String(body?.to);
    const wamid =
      this.ids.shift() ?? `wamid.FAKE${Date.now().toString(36)}${(this.counter++).toString(36).padStart(4, '0')}`;
    this.sentIds.push(wamid);
    send(200, {
      ...answer,
      contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }],
      messages: [{ id: wamid }],
    });
  }
}

/** Why a send request is not what the messages endpoint accepts; null when it is. */
function shapeProblem(body: Record<string, unknown> | null): string | null {
  if (!body) return 'The request body is not JSON';
  if (body.messaging_product !== 'whatsapp') return 'messaging_product must be whatsapp';
  if (typeof body.to !== 'string' || !/^\+?\d{6,15}$/.test(body.to)) return 'to is not a phone number';
  if (body.type === 'text') {
    const text = body.text as { body?: unknown } | undefined;
    return typeof text?.body === 'string' && text.body ? null : 'text.body is required';
  }
  if (body.type === 'template') {
    const template = body.template as { name?: unknown; language?: { code?: unknown } } | undefined;
    if (typeof template?.name !== 'string') return 'template.name is required';
    return typeof template.language?.code === 'string' ? null : 'template.language.code is required';
  }
  return `type ${String(body.type)} is not supported here`;
}

/** X-Hub-Signature-256 for a body, as Meta computes it with the app secret. */
export function sign(body: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

type Payload = { entry: { changes: { value: Record<string, unknown> }[] }[] };

/** The documented inbound text webhook, for our number, from `from`, with this id, text and contact name. */
export function inboundText(
  phoneNumberId: string,
  message: { id: string; from: string; text: string; name?: string; timestamp?: number },
): Payload {
  const payload = fixture<Payload>('webhook_inbound_text_metadocs');
  const value = payload.entry[0]?.changes[0]?.value as Record<string, unknown>;
  (value.metadata as Record<string, unknown>).phone_number_id = phoneNumberId;
  value.contacts = [{ profile: { name: message.name ?? 'Sheena Nelson' }, wa_id: message.from }];
  const [sample] = value.messages as Record<string, unknown>[];
  value.messages = [
    {
      ...sample,
      from: message.from,
      id: message.id,
      timestamp: String(message.timestamp ?? Math.floor(Date.now() / 1000)),
      text: { body: message.text },
    },
  ];
  return payload;
}

/** A documented status webhook (sent, or failed with 131049) rewritten for one message id and status. */
export function statusUpdate(
  phoneNumberId: string,
  update: { wamid: string; status: 'sent' | 'delivered' | 'read' | 'failed'; timestamp: number },
): Payload {
  const payload = fixture<Payload>(
    update.status === 'failed' ? 'webhook_status_failed_metadocs' : 'webhook_status_sent_metadocs',
  );
  const value = payload.entry[0]?.changes[0]?.value as Record<string, unknown>;
  (value.metadata as Record<string, unknown>).phone_number_id = phoneNumberId;
  const [sample] = value.statuses as Record<string, unknown>[];
  value.statuses = [{ ...sample, id: update.wamid, status: update.status, timestamp: String(update.timestamp) }];
  return payload;
}
