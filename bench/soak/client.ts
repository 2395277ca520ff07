/**
 * One signed-in person's HTTP client: its tokens (refreshed before they expire), its own client address (the
 * server trusts X-Forwarded-For in the soak, as behind a proxy: each person counts against its own address's
 * limits), every request timed and recorded by type, and its notification stream held open.
 */
import type { Recorder } from './stats.ts';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export class Client {
  private tokens: Tokens | null = null;
  /** The signed-in user's id. */
  userId = '';
  private refreshAt = 0;
  private refreshing: Promise<void> | null = null;

  private readonly base: string;
  private readonly recorder: Recorder;
  private readonly address: string;

  constructor(base: string, recorder: Recorder, address: string) {
    this.base = base;
    this.recorder = recorder;
    this.address = address;
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address };
    if (json) headers['content-type'] = 'application/json';
    if (this.tokens) headers.authorization = `Bearer ${this.tokens.accessToken}`;
    return headers;
  }

  private keep(tokens: Tokens): void {
    this.tokens = tokens;
    // A minute before it expires (or at half its life, for short test lifetimes).
    this.refreshAt = Date.now() + Math.max(tokens.expiresIn / 2, tokens.expiresIn - 60) * 1000;
  }

  async login(email: string, password: string): Promise<void> {
    const login = (await this.call('login', 'POST', '/api/v1/auth/login', { email, password })) as
      | (Tokens & { user: { id: string } })
      | null;
    if (!login) throw new Error(`login ${email} failed`);
    this.userId = login.user.id;
    this.keep(login);
  }

  private async refresh(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return;
    const tokens = (await this.send('token refresh', 'POST', '/api/v1/auth/refresh', { refreshToken })) as Tokens;
    if (tokens) this.keep(tokens);
  }

  /** Fresh tokens before a request when the current ones are near their end; one refresh at a time. */
  private async fresh(): Promise<void> {
    if (!this.tokens || Date.now() < this.refreshAt) return;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  /** A timed request; the parsed JSON body, or null when it failed (recorded as an error of its type). */
  async call(type: string, method: string, path: string, body?: unknown): Promise<unknown> {
    await this.fresh();
    return this.send(type, method, path, body);
  }

  private async send(type: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.base}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      if (!response.ok) {
        let code = '';
        try {
          code = (JSON.parse(text) as { code?: string }).code ?? '';
        } catch {
          // not problem+json
        }
        this.recorder.failed(type, ms, `${response.status}${code ? ` ${code}` : ''}`);
        return null;
      }
      this.recorder.ok(type, ms);
      return text ? JSON.parse(text) : {};
    } catch (error) {
      this.recorder.failed(type, performance.now() - started, (error as Error).name);
      return null;
    }
  }

  /**
   * Holds GET /notifications/stream open until `signal` aborts, reconnecting (with fresh tokens) when the server
   * ends it, as the web app does. Records the time to the `ready` event; counts the notifications received.
   */
  async holdStream(signal: AbortSignal, onNotification: () => void): Promise<void> {
    while (!signal.aborted) {
      await this.fresh();
      const started = performance.now();
      let ready = false;
      try {
        const response = await fetch(`${this.base}/api/v1/notifications/stream`, {
          headers: this.headers(false),
          signal,
        });
        if (!response.ok || !response.body) {
          this.recorder.failed('notifications stream: open', performance.now() - started, String(response.status));
          await response.body?.cancel();
        } else {
          const decoder = new TextDecoder();
          let buffered = '';
          for await (const chunk of response.body) {
            buffered += decoder.decode(chunk as Uint8Array, { stream: true });
            let end = buffered.indexOf('\n\n');
            while (end >= 0) {
              const event = buffered.slice(0, end);
              buffered = buffered.slice(end + 2);
              if (!ready && event.includes('event: ready')) {
                ready = true;
                this.recorder.ok('notifications stream: open', performance.now() - started);
              } else if (event.includes('event: notification')) {
                onNotification();
              }
              end = buffered.indexOf('\n\n');
            }
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        this.recorder.failed('notifications stream: dropped', performance.now() - started, (error as Error).name);
      }
      if (signal.aborted) return;
      // Ended by the server (its token expired or the server is stopping): the web app reconnects.
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
