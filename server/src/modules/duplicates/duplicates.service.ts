import type { Static } from 'typebox';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { toE164 } from '../../lib/phone.ts';
import { findVisibleLead } from '../leads/index.ts';
import { type DuplicateMatch, findDuplicates, loadDuplicateSettings } from './duplicates.match.ts';
import { dismissedWith } from './duplicates.repository.ts';
import type { DuplicateCheckBody } from './duplicates.schemas.ts';

/**
 * `GET /leads/{id}/duplicates`: the live leads the caller may see that match this one, best first, leaving out
 * the ones a person dismissed as not duplicates of it. 404 when the caller may not see the lead.
 */
export async function duplicatesOfLead(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<{ data: DuplicateMatch[] }> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, id);
    if (!lead) throw notFound('lead');
    const settings = await loadDuplicateSettings(trx);
    const found = await findDuplicates(
      trx,
      settings,
      { emails: lead.emails, phones: lead.phones, name: lead.name, companyName: lead.company_name },
      { excludeIds: [lead.id], visibleTo: ctx.actor, limit: 25 },
    );
    const dismissed = await dismissedWith(
      trx,
      lead.id,
      found.map((m) => m.id),
    );
    return { data: found.filter((m) => !dismissed.has(m.id)).slice(0, 20) };
  });
}

/**
 * `POST /leads/duplicate-check`: what a lead being typed would match, as the new-lead form warns while it is
 * filled in. Partial input is normal here: a phone or e-mail not yet complete is left out, not refused.
 */
export async function checkDuplicates(
  deps: Deps,
  ctx: RequestContext,
  body: Static<typeof DuplicateCheckBody>,
): Promise<{ data: DuplicateMatch[] }> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const [settings, company] = await Promise.all([
      loadDuplicateSettings(trx),
      trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow(),
    ]);
    const phones = (body.phones ?? []).map((p) => toE164(p, company.phone_country)).filter((p) => p !== null);
    const emails = (body.emails ?? []).map((e) => e.trim()).filter((e) => /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(e));
    const name = body.name?.trim() ?? '';
    const data = await findDuplicates(
      trx,
      settings,
      { emails, phones, name: name.length >= 3 ? name : '', companyName: body.companyName ?? null },
      { visibleTo: ctx.actor, limit: 10, ...(body.excludeId ? { excludeIds: [body.excludeId] } : {}) },
    );
    return { data };
  });
}
