import type { FastifyBaseLogger } from 'fastify';
import { withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { sha256 } from '../../lib/crypto.ts';
import { HUB_SIGNATURE, hubSignatureMatches } from '../../lib/hub-signature.ts';
import { newId } from '../../lib/ids.ts';
import { idOf, timeOf } from './facebook.graph.ts';
import { facebookFetchJob } from './facebook.jobs.ts';
import * as repo from './facebook.repository.ts';

/** What a verify token is looked up by: its hash, so the global directory holds nothing usable. */
export const verifyTokenHash = (token: string) => sha256(`facebook-verify:${token}`);

/**
 * The subscription handshake: Meta sends the verify token it was given and a challenge, and expects the
 * challenge back. The token must be one of a connection; anything else is a 403.
 */
export async function verifySubscription(
  deps: Deps,
  query: { 'hub.mode'?: string; 'hub.verify_token'?: string; 'hub.challenge'?: string },
): Promise<string> {
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (query['hub.mode'] !== 'subscribe' || !token || challenge === undefined) {
    throw new AppError('forbidden', 'Not a subscription request');
  }
  if (!(await repo.verifyTokenKnown(deps.db, verifyTokenHash(token)))) {
    throw new AppError('forbidden', 'The verify token matches no Facebook page connection');
  }
  return challenge;
}

/**
 * The body as JSON, ids kept exact: a number beyond 2^53 (Meta's ids can be) is taken from its source text
 * rather than rounded (the reviver's `context.source`).
 */
function parse(raw: Buffer): unknown {
  return JSON.parse(raw.toString('utf8'), (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^[0-9]+$/.test(context?.source ?? '')
      ? context?.source
      : value,
  );
}

interface Change {
  pageId: string;
  value: unknown;
}

/** The `leadgen` changes of a delivery, each with the page it concerns (its own page_id, else the entry's id). */
function leadgenChanges(payload: unknown, log: FastifyBaseLogger): Change[] {
  const entries = (payload as { entry?: unknown })?.entry;
  if ((payload as { object?: unknown })?.object !== 'page' || !Array.isArray(entries)) {
    log.warn({ facebook: 'not a page delivery' }, 'Facebook webhook: ignored a delivery that is not about pages');
    return [];
  }
  const out: Change[] = [];
  for (const entry of entries as { id?: unknown; changes?: unknown }[]) {
    if (!Array.isArray(entry?.changes)) continue;
    for (const change of entry.changes as { field?: unknown; value?: unknown }[]) {
      if (change?.field !== 'leadgen') continue;
      const pageId = idOf((change.value as { page_id?: unknown })?.page_id) ?? idOf(entry.id);
      if (pageId) out.push({ pageId, value: change.value });
      else log.warn({ facebook: 'no page id' }, 'Facebook webhook: a leadgen change names no page');
    }
  }
  return out;
}

/** What is wrong with a leadgen change, or null when it can be fetched. */
function problemOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'the change has no value';
  const v = value as Record<string, unknown>;
  if (idOf(v.leadgen_id) === null) return 'leadgen_id is missing or not an id';
  if (v.form_id !== undefined && idOf(v.form_id) === null) return 'form_id is not an id';
  if (v.ad_id !== undefined && v.ad_id !== null && idOf(v.ad_id) === null) return 'ad_id is not an id';
  if (v.created_time !== undefined && timeOf(v.created_time) === null) return 'created_time is not a time';
  return null;
}

/**
 * A webhook delivery. Each change names its page, the page its connection, and that connection's app secret
 * must have signed the exact bytes: a missing or forged signature is a 401 and nothing is stored. Then, per
 * company in one transaction, each lead id is stored once in the inbox with the job that fetches it (a replay
 * finds its row); a change that cannot be read is kept as malformed on the connection's log. The answer is
 * 200 at once: the lead is fetched by the job. A delivery for pages nobody connected is acknowledged and ignored.
 */
export async function receiveWebhook(
  deps: Deps,
  raw: Buffer,
  signature: string | undefined,
  log: FastifyBaseLogger,
): Promise<{ received: number; malformed: number }> {
  if (!signature || !HUB_SIGNATURE.test(signature)) {
    throw new AppError('invalid_signature', 'X-Hub-Signature-256 is missing or malformed');
  }
  let payload: unknown;
  try {
    payload = parse(raw);
  } catch {
    log.warn({ facebook: 'malformed json' }, 'Facebook webhook: the body is not JSON; answered 200');
    return { received: 0, malformed: 1 };
  }
  const byConnection = new Map<string, { companyId: string; pageId: string; changes: unknown[] }>();
  for (const change of leadgenChanges(payload, log)) {
    const dir = await repo.directoryOf(deps.db, change.pageId);
    if (!dir) {
      log.info({ facebookPageId: change.pageId }, 'Facebook webhook: a page no company connected; ignored');
      continue;
    }
    const group = byConnection.get(dir.connection_id) ?? {
      companyId: dir.company_id,
      pageId: change.pageId,
      changes: [],
    };
    group.changes.push(change.value);
    byConnection.set(dir.connection_id, group);
  }
  // Every page's secret must have signed the bytes before anything of the delivery is stored.
  for (const [connectionId, group] of byConnection) {
    const signed = await withTenant(deps.db, group.companyId, async (trx) => {
      const page = await repo.findPage(trx, connectionId);
      return (
        page !== undefined &&
        hubSignatureMatches(raw, deps.secrets.open(page.app_secret_sealed, group.companyId), signature)
      );
    });
    if (!signed) throw new AppError('invalid_signature', 'The signature does not match the app secret');
  }
  let received = 0;
  let malformed = 0;
  const now = deps.clock.now();
  for (const [connectionId, group] of byConnection) {
    await withTenant(deps.db, group.companyId, async (trx) => {
      for (const value of group.changes) {
        const problem = problemOf(value);
        const v = (value ?? {}) as Record<string, unknown>;
        if (problem) {
          malformed++;
          log.warn({ facebookPageId: group.pageId, problem }, 'Facebook webhook: a malformed leadgen change, kept');
          await repo.insertMalformed(trx, {
            company_id: group.companyId,
            id: newId(),
            connection_id: connectionId,
            via: 'webhook',
            status: 'malformed',
            page_id: group.pageId,
            payload: JSON.stringify(value ?? null),
            error: problem,
            received_at: now,
            processed_at: now,
          });
          continue;
        }
        received++;
        const formId = idOf(v.form_id);
        const eventId = await repo.insertEventOnce(trx, {
          company_id: group.companyId,
          id: newId(),
          connection_id: connectionId,
          via: 'webhook',
          status: 'pending',
          leadgen_id: idOf(v.leadgen_id),
          page_id: group.pageId,
          form_id: formId,
          ad_id: idOf(v.ad_id),
          created_time: timeOf(v.created_time),
          payload: JSON.stringify(value),
          received_at: now,
        });
        if (!eventId) continue;
        if (formId) await repo.ensureForm(trx, group.companyId, formId, connectionId, now);
        await enqueue(trx, facebookFetchJob, { eventId }, { runAt: now });
      }
    });
  }
  return { received, malformed };
}
