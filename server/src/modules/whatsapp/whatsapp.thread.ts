import { withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { toE164 } from '../../lib/phone.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor, findVisibleLead } from '../leads/index.ts';

import { toMessage } from './whatsapp.dto.ts';
import * as repo from './whatsapp.repository.ts';

/** WhatsApp lets a business write freely for 24 hours after the customer's last message; then templates only. */
const SERVICE_WINDOW_MS = 24 * 3_600_000;

/** The conversation with a lead the caller may see, newest first. */
export async function leadThread(
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, leadId);
    if (!lead) throw notFound('lead');
    const before = after ? { atUs: Number(after[0]), id: String(after[1]) } : null;
    const [rows, access, settings, lastInbound] = await Promise.all([
      repo.leadMessages(trx, lead.id, before, query.limit + 1),
      fieldAccessFor(trx, ctx.actor.role),
      repo.findSettings(trx),
      repo.lastInboundAt(trx, lead.id),
    ]);
    const page = toPage(rows, query.limit, (r) => [Number(r.at_us), r.id]);
    return {
      data: page.data.map((r) => toMessage(r, access)),
      nextCursor: page.nextCursor,
      connected: settings !== undefined,
      windowEndsAt: lastInbound ? new Date(lastInbound.getTime() + SERVICE_WINDOW_MS).toISOString() : null,
    };
  });
}

/** Conversations with numbers no lead has (the company does not create leads from them), latest first. */
export async function listUnattached(deps: Deps, ctx: RequestContext, limit: number) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.unattachedByPhone(trx, limit);
    return {
      data: rows.map((r) => ({
        phone: r.phone,
        contactName: r.contact_name,
        messages: r.messages,
        lastText: r.last_text,
        lastType: r.last_type,
        lastAt: new Date(r.last_at).toISOString(),
      })),
    };
  });
}

/** Files a number's unattached messages on a lead; the lead's later messages attach by its phone numbers. */
export async function attachUnattached(deps: Deps, ctx: RequestContext, body: { phone: string; leadId: string }) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, body.leadId, { forChange: true });
    if (!lead) throw notFound('lead');
    const company = await trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow();
    const phone = toE164(body.phone, company.phone_country) ?? body.phone.trim();
    const now = deps.clock.now();
    const attached = await repo.attachUnattached(trx, phone, lead.id, now);
    if (attached === 0) {
      throw new AppError('unprocessable', 'No unattached WhatsApp messages from this number', {
        errors: [{ path: 'phone', message: 'has no unattached messages' }],
      });
    }
    await recordAudit(trx, ctx, {
      action: 'whatsapp.attached',
      entityType: 'whatsapp_thread',
      entityId: lead.id,
      after: { whatsappMessagesFrom: phone, attached },
      at: now,
    });
    return { attached };
  });
}
