import { withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { HUB_SIGNATURE, hubSignatureMatches } from '../../lib/hub-signature.ts';
import { type ChangeValue, handleChange } from './whatsapp.inbound.ts';
import * as repo from './whatsapp.repository.ts';
import { verifyTokenHash } from './whatsapp.settings.ts';

const SIGNATURE = HUB_SIGNATURE;

/**
 * The subscription handshake: Meta sends the verify token it was given and a challenge, and expects the
 * challenge back. The token must be one a company saved; anything else is a 403.
 */
export async function verifySubscription(
  deps: Deps,
  query: { 'hub.mode'?: string; 'hub.verify_token'?: string; 'hub.challenge'?: string },
): Promise<string> {
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (query['hub.mode'] !== 'subscribe' || !token || challenge === undefined) {
    throw new AppError('forbidden', 'Not a WhatsApp subscription request');
  }
  if (!(await repo.verifyTokenKnown(deps.db, verifyTokenHash(token)))) {
    throw new AppError('forbidden', 'The verify token matches no WhatsApp connection');
  }
  return challenge;
}

/** X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the exact bytes received, keyed by the app secret. */
export const signatureMatches = hubSignatureMatches;

/** Changes of the payload by the phone number they concern (the `messages` field is the one we read). */
function changesByNumber(payload: unknown): Map<string, ChangeValue[]> {
  const byNumber = new Map<string, ChangeValue[]>();
  const entries = (payload as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return byNumber;
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown })?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes as { field?: unknown; value?: ChangeValue }[]) {
      const number = change?.value?.metadata?.phone_number_id;
      if (change?.field !== 'messages' || typeof number !== 'string' || !change.value) continue;
      byNumber.set(number, [...(byNumber.get(number) ?? []), change.value]);
    }
  }
  return byNumber;
}

/**
 * A webhook delivery. The payload names the phone number, the number its company, and that company's app
 * secret must have signed the exact bytes; only then is anything read or stored, in one transaction per
 * company (a failure stores nothing, and WhatsApp delivers again). A number no company has connected is
 * acknowledged and ignored, so WhatsApp does not keep retrying what nobody here can check.
 */
export async function receiveWebhook(
  deps: Deps,
  raw: Buffer,
  signature: string | undefined,
  requestId: string,
): Promise<{ received: number }> {
  if (!signature || !SIGNATURE.test(signature)) {
    throw new AppError('invalid_signature', 'X-Hub-Signature-256 is missing or malformed');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('malformed_json', 'The body is not valid JSON');
  }
  const byCompany = new Map<string, ChangeValue[]>();
  for (const [number, changes] of changesByNumber(payload)) {
    const companyId = await repo.companyOfNumber(deps.db, number);
    if (companyId) byCompany.set(companyId, [...(byCompany.get(companyId) ?? []), ...changes]);
  }
  if (byCompany.size === 0) return { received: 0 };

  let received = 0;
  let verified = false;
  for (const [companyId, changes] of byCompany) {
    const accepted = await withTenant(deps.db, companyId, async (trx) => {
      const settings = await repo.findSettings(trx);
      if (!settings) return false;
      if (!signatureMatches(raw, deps.secrets.open(settings.app_secret_sealed, companyId), signature)) return false;
      const company = await trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow();
      const ctx = { companyId, settings, phoneCountry: company.phone_country, requestId };
      for (const change of changes) await handleChange(trx, deps, ctx, change);
      return true;
    });
    if (accepted) {
      verified = true;
      received += changes.length;
    }
  }
  if (!verified) throw new AppError('invalid_signature', 'The signature does not match the app secret');
  return { received };
}
