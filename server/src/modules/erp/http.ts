import { setTimeout as sleep } from 'node:timers/promises';
import { type Connector, type ConnectorContext, ErpError, type HttpRequest, type HttpResponse } from './connector.ts';
import { refreshAccessToken } from './oauth.ts';

/**
 * The one way a connector reaches its ERP. Every request gets a timeout, waits its turn under the vendor's
 * per-company rate limit (kept per connection in this process), and on 429 (or 503 with Retry-After) waits as
 * told and tries again, up to `maxWaitSeconds` in all; past that it throws ErpError 'throttled' carrying the
 * wait, so the sync engine comes back later instead of hammering. For an OAuth connector the access token is
 * refreshed shortly before it expires, and once more on a 401, and the request re-sent with the new token.
 */

export interface ContextOptions {
  connector: Connector;
  /** Identifies the connection for the rate limiter. */
  connectionKey: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  saveSecrets(update: Record<string, string | null>): Promise<void>;
  now(): Date;
  timeoutMs?: number;
  /** The longest the context waits in all for throttled requests before giving up with 'throttled'. */
  maxWaitSeconds?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_WAIT_SECONDS = 60;
/** Refresh an access token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Request times per connection, for the per-second and per-minute windows. */
const sent = new Map<string, number[]>();

async function takeTurn(key: string, limit: Connector['rateLimit']): Promise<void> {
  if (!limit.perSecond && !limit.perMinute) return;
  for (;;) {
    const now = Date.now();
    const times = (sent.get(key) ?? []).filter((t) => now - t < 60_000);
    const lastSecond = times.filter((t) => now - t < 1_000);
    let wait = 0;
    if (limit.perSecond && lastSecond.length >= limit.perSecond) wait = 1_000 - (now - (lastSecond[0] ?? now));
    if (limit.perMinute && times.length >= limit.perMinute) wait = Math.max(wait, 60_000 - (now - (times[0] ?? now)));
    if (wait <= 0) {
      times.push(now);
      sent.set(key, times);
      return;
    }
    await sleep(wait + 1);
  }
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or null. */
export function retryAfterSeconds(headers: Headers, now: number): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function responseOf(status: number, headers: Headers, body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new ErpError('unavailable', `The ERP answered ${status} with a body that is not JSON`, { status });
      }
    },
  };
}

async function send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body:
        request.body === undefined
          ? undefined
          : new Uint8Array(request.body instanceof Buffer ? request.body : Buffer.from(request.body)),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (error as Error).message;
    throw new ErpError('unavailable', `Could not reach ${new URL(request.url).host}: ${reason}`);
  }
  return responseOf(res.status, res.headers, Buffer.from(await res.arrayBuffer()));
}

export function createConnectorContext(options: ContextOptions): ConnectorContext {
  const { connector } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxWaitMs = (options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000;
  const ctx: ConnectorContext = {
    settings: options.settings,
    secrets: { ...options.secrets },
    now: options.now,
    async saveSecrets(update) {
      for (const [name, value] of Object.entries(update)) {
        if (value === null) delete ctx.secrets[name];
        else ctx.secrets[name] = value;
      }
      await options.saveSecrets(update);
    },
    async http(request) {
      const oauth = connector.oauth;
      if (oauth && ctx.secrets.refreshToken) {
        const expiresAt = Number(ctx.secrets.expiresAt ?? 0);
        if (!ctx.secrets.accessToken || expiresAt - options.now().getTime() < REFRESH_MARGIN_MS) {
          await refreshAccessToken(ctx, oauth);
        }
      }
      const withToken = (): HttpRequest =>
        oauth && ctx.secrets.accessToken
          ? { ...request, headers: { ...request.headers, authorization: `Bearer ${ctx.secrets.accessToken}` } }
          : request;
      let waited = 0;
      let refreshed = false;
      for (;;) {
        await takeTurn(options.connectionKey, connector.rateLimit);
        const res = await send(withToken(), timeoutMs);
        if (res.status === 401 && oauth && ctx.secrets.refreshToken && !refreshed) {
          refreshed = true;
          await refreshAccessToken(ctx, oauth);
          continue;
        }
        const after = retryAfterSeconds(res.headers, Date.now());
        if (res.status === 429 || (res.status === 503 && after !== null)) {
          const waitMs = (after ?? 1) * 1000;
          if (waited + waitMs > maxWaitMs) {
            throw new ErpError('throttled', `${connector.label} is throttling requests: ${res.text().slice(0, 300)}`, {
              retryAfterSeconds: after ?? 60,
              status: res.status,
            });
          }
          waited += waitMs;
          await sleep(waitMs);
          continue;
        }
        return res;
      }
    },
  };
  return ctx;
}
