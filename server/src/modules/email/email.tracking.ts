import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { decodeEntities, escapeHtml } from './email.render.ts';
import * as repo from './email.repository.ts';

/**
 * Open pixels and click redirects. A token names the company, the message and the link's position, signed
 * with HMAC-SHA256 under the company's tracking key (random, stored sealed with the server's secrets key).
 * The redirect goes to the URL stored on the message at that position, never to anything the token carries:
 * a forged or altered token is a 404, and the route can never be used as an open redirect.
 */
const VERSION = 1;
const KIND = { open: 0, click: 1 } as const;
type Kind = keyof typeof KIND;
const BODY_BYTES = 1 + 1 + 16 + 16 + 2;
const MAC_BYTES = 16;
const TOKEN_RE = /^[A-Za-z0-9_-]{70}$/;
/** More links than this in one message stay as they are (untracked). */
const MAX_TRACKED_LINKS = 300;

const keyContext = (companyId: string) => `email-tracking:${companyId}`;
/** Per app (the tests build several, each on its own database); the key never changes once made. */
const cache = new WeakMap<Deps, Map<string, Buffer>>();

async function trackingKey(trx: Tx, deps: Deps, companyId: string, create: boolean): Promise<Buffer | null> {
  const known = cache.get(deps)?.get(companyId);
  if (known) return known;
  let sealed = await repo.findTrackingKey(trx);
  if (!sealed && create) {
    const fresh = deps.secrets.seal(randomBytes(32).toString('base64url'), keyContext(companyId));
    await repo.insertTrackingKey(trx, companyId, fresh, deps.clock.now());
    sealed = await repo.findTrackingKey(trx);
  }
  if (!sealed) return null;
  const key = Buffer.from(deps.secrets.open(sealed, keyContext(companyId)), 'base64url');
  if (!cache.has(deps)) cache.set(deps, new Map());
  cache.get(deps)?.set(companyId, key);
  return key;
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidOf = (bytes: Buffer) => bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const mac = (key: Buffer, body: Buffer) =>
  createHmac('sha256', key).update('iperform email tracking').update(body).digest().subarray(0, MAC_BYTES);

export function makeToken(key: Buffer, kind: Kind, companyId: string, messageId: string, link = 0): string {
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(KIND[kind], 1);
  uuidBytes(companyId).copy(body, 2);
  uuidBytes(messageId).copy(body, 18);
  body.writeUInt16BE(link, 34);
  return Buffer.concat([body, mac(key, body)]).toString('base64url');
}

interface ParsedToken {
  companyId: string;
  messageId: string;
  link: number;
  body: Buffer;
  signature: Buffer;
}

function parseToken(token: string, kind: Kind): ParsedToken | null {
  if (!TOKEN_RE.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== BODY_BYTES + MAC_BYTES || raw[0] !== VERSION || raw[1] !== KIND[kind]) return null;
  const body = raw.subarray(0, BODY_BYTES);
  return {
    companyId: uuidOf(body.subarray(2, 18)),
    messageId: uuidOf(body.subarray(18, 34)),
    link: body.readUInt16BE(34),
    body,
    signature: raw.subarray(BODY_BYTES),
  };
}

/** Rewrites every http(s) link of the HTML through `replace` (which may decline one by returning null). */
export function rewriteLinks(html: string, replace: (url: string) => string | null): string {
  return html.replace(
    /(<a\b[^<>]{0,1000}?\bhref\s*=\s*)(["'])([^"'<>]{0,4000})\2/gi,
    (whole, before: string, quote: string, raw: string) => {
      const url = decodeEntities(raw.trim());
      if (!/^https?:\/\/[^\s]+$/i.test(url)) return whole;
      let normalised: string;
      try {
        // Percent-encoded as a Location header must be; a URL that does not parse stays as it is.
        normalised = new URL(url).href;
      } catch {
        return whole;
      }
      const tracked = replace(normalised);
      return tracked ? `${before}${quote}${escapeHtml(tracked)}${quote}` : whole;
    },
  );
}

export function appendPixel(html: string, url: string): string {
  const pixel = `<img src="${escapeHtml(url)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const end = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return end === -1 ? `${html}${pixel}` : `${html.slice(0, end)}${pixel}${html.slice(end)}`;
}

/**
 * The HTML as it goes on the wire, made at send time: links through our redirect, the pixel at the end. The
 * stored message keeps the HTML as written; `links` records the targets by position.
 */
export async function trackedHtml(trx: Tx, deps: Deps, message: repo.LockedMessage) {
  const links: { url: string; clicks: number }[] = [];
  const base = message.tracking_base_url?.replace(/\/+$/, '');
  if (message.html === null || !base || (!message.track_opens && !message.track_clicks)) {
    return { html: message.html, links };
  }
  const key = await trackingKey(trx, deps, message.company_id, true);
  if (!key) return { html: message.html, links };
  let html = message.html;
  if (message.track_clicks) {
    html = rewriteLinks(html, (url) => {
      if (links.length >= MAX_TRACKED_LINKS) return null;
      const index = links.push({ url, clicks: 0 }) - 1;
      return `${base}/api/v1/t/c/${makeToken(key, 'click', message.company_id, message.id, index)}`;
    });
  }
  if (message.track_opens)
    html = appendPixel(html, `${base}/api/v1/t/o/${makeToken(key, 'open', message.company_id, message.id)}`);
  return { html, links };
}

/** Checks the token and, inside its company, runs `work` on the message it names; null when anything is off. */
async function withToken<T>(
  deps: Deps,
  token: string,
  kind: Kind,
  work: (trx: Tx, parsed: ParsedToken, now: Date) => Promise<T | null>,
): Promise<T | null> {
  const parsed = parseToken(token, kind);
  if (!parsed) return null;
  return withTenant(deps.db, parsed.companyId, async (trx) => {
    const key = await trackingKey(trx, deps, parsed.companyId, false);
    if (!key) return null;
    const expected = mac(key, parsed.body);
    if (!timingSafeEqual(expected, parsed.signature)) return null;
    return work(trx, parsed, deps.clock.now());
  });
}

const agent = (userAgent: string | undefined) => userAgent?.slice(0, 300) ?? null;

/** Counts an open; false when the token is not one of ours. */
export async function recordOpen(deps: Deps, token: string, userAgent: string | undefined): Promise<boolean> {
  const done = await withToken(deps, token, 'open', async (trx, parsed, now) => {
    const row = await repo.recordOpen(trx, parsed.messageId, now);
    if (!row) return null;
    await repo.insertEvent(trx, {
      company_id: parsed.companyId,
      id: newId(),
      message_id: parsed.messageId,
      kind: 'open',
      first: row.open_count === 1,
      link_index: null,
      url: null,
      user_agent: agent(userAgent),
      at: now,
    });
    return true;
  });
  return done === true;
}

/** Counts a click and answers with where it goes; null when the token is not one of ours. */
export async function recordClick(deps: Deps, token: string, userAgent: string | undefined): Promise<string | null> {
  return withToken(deps, token, 'click', async (trx, parsed, now) => {
    const row = await repo.recordClick(trx, parsed.messageId, parsed.link, now);
    if (!row?.url) return null;
    await repo.insertEvent(trx, {
      company_id: parsed.companyId,
      id: newId(),
      message_id: parsed.messageId,
      kind: 'click',
      first: row.clicks === 1,
      link_index: parsed.link,
      url: row.url,
      user_agent: agent(userAgent),
      at: now,
    });
    return row.url;
  });
}
