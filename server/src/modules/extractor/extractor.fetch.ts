import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Transform } from 'node:stream';
import { guardedLookup, isRefusedAddress, RefusedDestinationError } from '../../lib/ssrf.ts';

export const CONNECT_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 60_000;
/** The most one page of an API may weigh, and a file. */
export const PAGE_LIMIT_BYTES = 20 * 1024 * 1024;
export const FILE_LIMIT_BYTES = 100 * 1024 * 1024;
export const MAX_REDIRECTS = 5;

export interface FetchOptions {
  headers: Record<string, string>;
  /** The operator's setting: loopback, private, link-local and metadata addresses may be reached. */
  allowPrivate: boolean;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

export interface Fetched {
  status: number;
  headers: IncomingHttpHeaders;
  /** Where the answer came from, after redirects. */
  url: URL;
  body: IncomingMessage;
  /** Ends the exchange (and its deadline) early. */
  abort(): void;
}

/** A URL an extractor source may be given: http or https, no user name or password in it. */
export function checkUrl(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'may not hold a user name or password (use the authentication fields)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isRefusedAddress(host)) {
    return new RefusedDestinationError(host, host).message;
  }
  return null;
}

/** The URL as the logs and errors show it: without its query string (it may carry a cursor or a key). */
export const shownUrl = (url: URL) => `${url.origin}${url.pathname}`;

/**
 * A GET to a source's URL. Each connection (redirects included, at most MAX_REDIRECTS, each checked again) is
 * refused at connect time when its address is loopback, private, link-local or metadata, unless the operator
 * allows it; connecting may take CONNECT_TIMEOUT_MS, the whole exchange (reading the body too) REQUEST_TIMEOUT_MS.
 * Credentials are not carried to another origin by a redirect. A status other than 2xx is an error naming it.
 */
export async function fetchUrl(start: string, options: FetchOptions): Promise<Fetched> {
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const deadline = setTimeout(
    () => controller.abort(new Error(`no complete answer within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  const abort = () => {
    clearTimeout(deadline);
    controller.abort(new Error('aborted'));
  };
  let url = new URL(start);
  let headers = { ...options.headers };
  try {
    for (let hop = 0; ; hop++) {
      const problem = checkUrl(url.href, options.allowPrivate);
      if (problem) throw new Error(problem.startsWith('refused') ? problem : `${shownUrl(url)} ${problem}`);
      const res = await get(url, headers, options, controller.signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new Error(`${shownUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, url);
        if (next.origin !== url.origin) headers = withoutCredentials(headers);
        url = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        const excerpt = (await readAll(res, 2_000, true)).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
        throw new Error(`${shownUrl(url)} answered ${status}${excerpt ? `: ${excerpt}` : ''}`);
      }
      res.on('close', () => clearTimeout(deadline));
      return { status, headers: res.headers, url, body: res, abort };
    }
  } catch (error) {
    abort();
    throw error;
  }
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())));
}

function get(url: URL, headers: Record<string, string>, options: FetchOptions, signal: AbortSignal) {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const connectMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers,
      agent: false,
      signal,
      ...(options.allowPrivate ? {} : { lookup: guardedLookup as never }),
    });
    const connectTimer = setTimeout(
      () => req.destroy(new Error(`${shownUrl(url)}: no connection within ${connectMs / 1000} s`)),
      connectMs,
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(signal.aborted && signal.reason instanceof Error ? signal.reason : error);
    });
    req.end();
  });
}

/** The whole body, refused beyond `limit` bytes (or cut there when `cut`). */
export async function readAll(res: IncomingMessage, limit: number, cut = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      if (cut) {
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        res.destroy();
        break;
      }
      res.destroy();
      throw new Error(`the response is larger than ${Math.round(limit / 1024 / 1024)} MB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as a stream that fails once more than `limit` bytes have come. */
export function capped(res: IncomingMessage, limit: number): Transform {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) done(new Error(`the file is larger than ${Math.round(limit / 1024 / 1024)} MB`));
      else done(null, chunk);
    },
  });
  res.on('error', (error) => counter.destroy(error));
  counter.on('close', () => res.destroy());
  return res.pipe(counter);
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | string[] | undefined): string | null {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return null;
  for (const part of text.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(match[2] ?? '')) return match[1] ?? null;
  }
  return null;
}
