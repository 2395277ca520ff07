import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Hub-Signature-256` as Meta sends it: `sha256=` and 64 hex digits. */
export const HUB_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta's webhook signature (WhatsApp, Lead Ads): `sha256=` and the hex HMAC-SHA256 of the exact bytes received,
 * keyed by the app secret. Compared in constant time; never over a re-serialisation of the parsed body.
 */
export function hubSignatureMatches(raw: Buffer, appSecret: string, header: string): boolean {
  const given = HUB_SIGNATURE.exec(header)?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
