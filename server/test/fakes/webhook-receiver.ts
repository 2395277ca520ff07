import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP receiver for outgoing webhooks: records every request (headers and raw body) and answers what
 * the test sets (200 by default; a status, headers and body for the next calls, or for all of them).
 */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly #queue: Answer[] = [];
  #default: Answer = { status: 200, body: 'ok' };
  #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
        receiver.received.push({ path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = receiver.#queue.shift() ?? receiver.#default;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next calls answer these, in order; then the default again. */
  answerNext(...answers: Answer[]): void {
    this.#queue.push(...answers);
  }

  /** Every call from now on answers this (until changed). */
  answerAlways(answer: Answer): void {
    this.#default = answer;
  }

  clear(): void {
    this.received.length = 0;
    this.#queue.length = 0;
    this.#default = { status: 200, body: 'ok' };
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
