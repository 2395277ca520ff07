import { timingSafeEqual } from 'node:crypto';
import { ErpError, type ErpErrorKind, type FieldValue, type HttpResponse, type OAuthSpec } from '../connector.ts';

/**
 * What Zoho Books and Zoho CRM share: one Zoho Accounts server per data centre (accounts.zoho.com, .eu, .in...)
 * issuing the tokens, an API domain per data centre (the token response's `api_domain` says which), timestamps
 * with the organization's UTC offset, and error bodies that carry a code and a message we must show verbatim.
 *
 * Authorization: Zoho Accounts documents both `Zoho-oauthtoken <token>` and `Bearer <token>` as accepted
 * (https://www.zoho.com/accounts/protocol/oauth/use-access-token.html), and its token responses say
 * `"token_type": "Bearer"`, so the framework's `Bearer` header is used as is.
 */

export const DEFAULT_ACCOUNTS_URL = 'https://accounts.zoho.com';
export const DEFAULT_API_DOMAIN = 'https://www.zohoapis.com';

/** How far back a caught-up read starts again: Zoho stamps to the second, so the last second is read twice. */
export const OVERLAP_MS = 1_000;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function accountsUrl(settings: Record<string, unknown>): string {
  return trimSlash(typeof settings.accountsUrl === 'string' ? settings.accountsUrl : DEFAULT_ACCOUNTS_URL);
}

/** The API host: the token response's `api_domain` (the account's own data centre) wins over the typed setting. */
export function apiDomain(settings: Record<string, unknown>): string {
  if (typeof settings.api_domain === 'string' && settings.api_domain) return trimSlash(settings.api_domain);
  return trimSlash(typeof settings.apiDomain === 'string' ? settings.apiDomain : DEFAULT_API_DOMAIN);
}

export function zohoOAuth(scopes: string[]): OAuthSpec {
  return {
    authorizeUrl: (settings) => `${accountsUrl(settings)}/oauth/v2/auth`,
    tokenUrl: (settings) => `${accountsUrl(settings)}/oauth/v2/token`,
    scopes,
    // Without offline + consent Zoho issues no refresh token (or only on the very first grant).
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
    keepFromToken: ['api_domain'],
  };
}

/** A Zoho timestamp ("2026-06-09T13:14:55-0400" in Books, "...+05:30" in CRM) as ISO 8601 UTC, or null. */
export function zohoTimeToIso(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function isoToMs(value: string): number {
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** A UTC instant in Zoho's own shape: `2026-06-09T10:00:00+0000` (Books) or `...+00:00` (CRM). */
export function zohoTime(ms: number, colon: boolean): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, colon ? '+00:00' : '+0000');
}

export function round2(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : 0;
}

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** The string form of a field value we send (empty when null), for Zoho's string-typed fields. */
export function asString(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Incremental read position: records changed at or after `since` (ms), and which page among those. */
export interface Position {
  since: number;
  page: number;
  /** CRM v7 page token, needed past the 2,000th record of one query. */
  token?: string;
}

export function parsePosition(checkpoint: string | null): Position {
  if (!checkpoint) return { since: 0, page: 1 };
  try {
    const parsed = JSON.parse(checkpoint) as Partial<Position>;
    return {
      since: typeof parsed.since === 'number' ? parsed.since : 0,
      page: typeof parsed.page === 'number' && parsed.page > 0 ? parsed.page : 1,
      ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
    };
  } catch {
    return { since: 0, page: 1 };
  }
}

export function positionCheckpoint(position: Position): string {
  return JSON.stringify(position);
}

/**
 * The next read position after one page sorted by modification time (oldest first). While more remain, read on
 * from the last record's time (inclusive, so same-second records are read twice rather than lost) — unless the
 * whole page shares one second, then the next page of the same query. Once caught up, step back `OVERLAP_MS`.
 */
export function nextPosition(current: Position, times: number[], more: boolean, token?: string | null): Position {
  const last = times.length > 0 ? Math.max(...times) : current.since;
  if (more) {
    if (last > current.since) return { since: last, page: 1 };
    return { since: current.since, page: current.page + 1, ...(token ? { token } : {}) };
  }
  return { since: Math.max(current.since, last - OVERLAP_MS), page: 1 };
}

function bodyOf(res: HttpResponse): Record<string, unknown> {
  try {
    const parsed = JSON.parse(res.text()) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function statusKind(status: number): ErpErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'validation';
}

/** Books' answer code 3062: "The customer \"X\" already exists. Please specify a different name." */
const BOOKS_DUPLICATE_CODES = new Set([3062]);
/** Books' "does not exist" codes (1002 "Invoice does not exist." on the errors page; 1004 for contacts). */
const BOOKS_NOT_FOUND_CODES = new Set([1002, 1004]);

/** A Books refusal: `{"code": <number>, "message": "..."}` with a 4xx/5xx status. */
export function booksError(res: HttpResponse): ErpError {
  const body = bodyOf(res);
  const code = typeof body.code === 'number' || typeof body.code === 'string' ? String(body.code) : null;
  const message = typeof body.message === 'string' ? body.message : `Zoho Books answered ${res.status}`;
  let kind = statusKind(res.status);
  if (code && BOOKS_DUPLICATE_CODES.has(Number(code))) kind = 'duplicate';
  else if (code && BOOKS_NOT_FOUND_CODES.has(Number(code))) kind = 'not_found';
  return new ErpError(kind, message, {
    vendorCode: code,
    status: res.status,
    retryAfterSeconds: kind === 'throttled' ? 60 : null,
  });
}

const CRM_KINDS: Record<string, ErpErrorKind> = {
  INVALID_TOKEN: 'auth',
  AUTHENTICATION_FAILURE: 'auth',
  OAUTH_SCOPE_MISMATCH: 'auth',
  NO_PERMISSION: 'auth',
  DUPLICATE_DATA: 'duplicate',
  MANDATORY_NOT_FOUND: 'validation',
  INVALID_DATA: 'validation',
  REQUIRED_PARAM_MISSING: 'validation',
  LIMIT_EXCEEDED: 'throttled',
  TOO_MANY_REQUESTS: 'throttled',
  INTERNAL_ERROR: 'unavailable',
};

/** One CRM error object (top level, or one entry of `data[]`) as an ErpError with Zoho's code and message. */
export function crmErrorOf(entry: Record<string, unknown>, status: number): ErpError {
  const code = typeof entry.code === 'string' ? entry.code : null;
  const base = typeof entry.message === 'string' ? entry.message : `Zoho CRM answered ${status}`;
  const details = entry.details && typeof entry.details === 'object' ? (entry.details as Record<string, unknown>) : {};
  // "invalid data" alone does not say which field; Zoho puts that in details.api_name.
  const field = typeof details.api_name === 'string' ? details.api_name : null;
  const message = field ? `${base} (${field})` : base;
  const kind = (code && CRM_KINDS[code]) || statusKind(status);
  return new ErpError(kind, message, {
    vendorCode: code,
    status,
    retryAfterSeconds: kind === 'throttled' ? 60 : null,
  });
}

/** A CRM refusal: the top-level error object, else the first failed entry of `data[]`. */
export function crmError(res: HttpResponse): ErpError {
  const body = bodyOf(res);
  if (typeof body.code === 'string') return crmErrorOf(body, res.status);
  const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
  const failed = data.find((entry) => entry && entry.status === 'error');
  if (failed) return crmErrorOf(failed, res.status);
  return new ErpError(statusKind(res.status), `Zoho CRM answered ${res.status}: ${res.text().slice(0, 200)}`, {
    status: res.status,
  });
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
