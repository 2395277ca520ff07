import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { guardedLookup, isRefusedAddress, RefusedDestinationError } from '../../lib/ssrf.ts';

/** A delivery that has not answered 2xx within this long has failed. */
export const TIMEOUT_MS = 15_000;
/** What the log keeps of a response body. */
export const EXCERPT_CHARS = 2_000;
const READ_LIMIT = 64 * 1024;

export interface SendResult {
  status: number | null;
  /** The start of the response body (EXCERPT_CHARS at most). */
  body: string | null;
  /** Seconds the receiver asked to wait (Retry-After, as seconds or an HTTP date), when it did. */
  retryAfterSeconds: number | null;
  durationMs: number;
  /** Why there is no response: refused destination, timeout, connection error. */
  error: string | null;
}

function retryAfter(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * POSTs one signed body. Never throws: every outcome is a result the log shows. Redirects are not followed (a
 * 3xx is a failure), the whole exchange is bounded by TIMEOUT_MS, and unless `allowPrivate` the destination is
 * checked after DNS resolution, at connect time (an IP literal before connecting).
 */
export function send(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): SendResult => ({
    status: null,
    body: null,
    retryAfterSeconds: null,
    durationMs: elapsed(),
    error,
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(failed('not a valid URL'));
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) && isRefusedAddress(host)) {
    return Promise.resolve(failed(new RefusedDestinationError(host, host).message));
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        ...(options.allowPrivate ? {} : { lookup: guardedLookup as never }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < READ_LIMIT) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          finish({
            status: res.statusCode ?? null,
            body: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS),
            retryAfterSeconds: retryAfter(res.headers['retry-after'], Date.now()),
            durationMs: elapsed(),
            error: null,
          }),
        );
        res.on('error', (err) => finish(failed(err.message)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${(options.timeoutMs ?? TIMEOUT_MS) / 1000} s`));
    }, options.timeoutMs ?? TIMEOUT_MS);
    req.on('error', (err) => finish(failed(err.message)));
    req.end(body);
  });
}
