import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, fieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './partners.repository.ts';

export function toPartner(row: repo.PartnerRow) {
  return {
    id: row.id,
    name: row.name,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    territories: row.territories,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function snapshot(row: repo.PartnerRow) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = toPartner(row);
  return rest;
}

export interface ListPartnersQuery {
  active?: boolean;
  q?: string;
  limit: number;
  cursor?: string;
}

export async function listPartners(deps: Deps, ctx: RequestContext, query: ListPartnersQuery) {
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  const q = query.q?.trim() || undefined;
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    repo.listPartners(trx, {
      limit: query.limit,
      after,
      ...(query.active !== undefined ? { active: query.active } : {}),
      ...(q ? { q } : {}),
    }),
  );
  const page = toPage(rows, query.limit, (r) => [r.sort_name, r.id]);
  return { data: page.data.map(toPartner), nextCursor: page.nextCursor };
}

export async function getPartner(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findPartner(trx, id));
  if (!row) throw notFound('partner');
  return toPartner(row);
}

export interface PartnerInput {
  name?: string;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  territories?: string[];
  active?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

const blankToNull = (value: string | null) => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/** Turns the body into columns: names trimmed, the email lower-cased, the phone to E.164, territories distinct. */
async function toColumns(trx: Tx, input: PartnerInput): Promise<repo.PartnerColumns> {
  const errors: FieldError[] = [];
  const columns: repo.PartnerColumns = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) errors.push({ path: 'name', message: 'must not be blank' });
    columns.name = name;
  }
  if (input.contactName !== undefined) columns.contact_name = blankToNull(input.contactName);
  if (input.contactEmail !== undefined) {
    const email = blankToNull(input.contactEmail)?.toLowerCase() ?? null;
    if (email !== null && !EMAIL.test(email)) errors.push({ path: 'contactEmail', message: 'is not an email address' });
    columns.contact_email = email;
  }
  if (input.contactPhone !== undefined) {
    const raw = blankToNull(input.contactPhone);
    if (raw === null) columns.contact_phone = null;
    else {
      const phone = toE164(raw, await repo.companyPhoneCountry(trx));
      if (!phone) errors.push({ path: 'contactPhone', message: `is not a valid phone number (${raw})` });
      columns.contact_phone = phone;
    }
  }
  if (input.territories !== undefined) {
    const territories: string[] = [];
    input.territories.forEach((raw, i) => {
      const territory = raw.trim();
      if (!territory) errors.push({ path: `territories.${i}`, message: 'must not be blank' });
      else if (!territories.some((t) => t.toLowerCase() === territory.toLowerCase())) territories.push(territory);
    });
    columns.territories = territories;
  }
  if (input.active !== undefined) columns.active = input.active;
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return columns;
}

const nameConflict = () => fieldError('conflict', 'name', 'another partner already has this name');

function isNameConflict(error: unknown): boolean {
  return (error as { code?: string; constraint?: string }).constraint === 'partners_name_idx';
}

export async function createPartner(deps: Deps, ctx: RequestContext, input: PartnerInput & { name: string }) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const columns = await toColumns(trx, input);
    const name = columns.name ?? input.name;
    if (await repo.nameTaken(trx, name, null)) throw nameConflict();
    const id = newId();
    try {
      await repo.insertPartner(trx, { ...columns, name, company_id: ctx.actor.companyId, id, now: deps.clock.now() });
    } catch (error) {
      if (isNameConflict(error)) throw nameConflict();
      throw error;
    }
    const row = await repo.findPartner(trx, id);
    if (!row) throw new Error('partner vanished after insert');
    await recordAudit(trx, ctx, {
      action: 'partner.created',
      entityType: 'partner',
      entityId: id,
      before: null,
      after: snapshot(row),
    });
    return toPartner(row);
  });
}

/**
 * Changes a partner. Deactivating one stops new leads being handed to it and new users joining it; its
 * users and the leads it holds stay until an admin moves them.
 */
export async function updatePartner(deps: Deps, ctx: RequestContext, id: string, input: PartnerInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findPartner(trx, id, { lock: true });
    if (!before) throw notFound('partner');
    const columns = await toColumns(trx, input);
    if (columns.name !== undefined && (await repo.nameTaken(trx, columns.name, id))) throw nameConflict();
    const changed = (Object.keys(columns) as (keyof repo.PartnerColumns)[]).some(
      (k) => JSON.stringify(columns[k]) !== JSON.stringify(before[k]),
    );
    if (!changed) return toPartner(before);
    try {
      await repo.updatePartner(trx, id, columns, deps.clock.now());
    } catch (error) {
      if (isNameConflict(error)) throw nameConflict();
      throw error;
    }
    const after = await repo.findPartner(trx, id);
    if (!after) throw notFound('partner');
    if (after.name !== before.name) {
      // Its users' identity (/auth/me) names the organisation: cached sessions must not show the old name.
      for (const userId of await repo.partnerUserIds(trx, id)) await deps.sessions.changed(trx, { user: userId });
    }
    await recordAudit(trx, ctx, {
      action: 'partner.updated',
      entityType: 'partner',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toPartner(after);
  });
}
