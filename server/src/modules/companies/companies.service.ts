import { type Database, type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { fieldError, notFound } from '../../http/errors.ts';
import { requestSchedules } from '../../jobs/registry.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { hashPassword, passwordProblem } from '../auth/index.ts';
import { insertDefaultStages } from '../pipeline/index.ts';
import { emailTaken, insertUser } from '../users/index.ts';

export interface CompanySettings {
  timezone: string;
  currency: string;
  locale: string;
  phoneCountry: string;
  fiscalYearStartMonth?: number;
}

type CompanyRow = {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  locale: string;
  phone_country: string;
  fiscal_year_start_month?: number;
};

export function toCompany(row: CompanyRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timezone: row.timezone,
    currency: row.currency.trim(),
    locale: row.locale,
    phoneCountry: row.phone_country.trim(),
    ...(row.fiscal_year_start_month !== undefined ? { fiscalYearStartMonth: row.fiscal_year_start_month } : {}),
  };
}

export type CompanyDto = ReturnType<typeof toCompany>;

const columns = [
  'id',
  'name',
  'slug',
  'timezone',
  'currency',
  'locale',
  'phone_country',
  'fiscal_year_start_month',
] as const;

export async function findCompany(trx: Tx, id: string) {
  return trx.selectFrom('companies').select(columns).where('id', '=', id).executeTakeFirst();
}

/** Settings are checked against what the platform knows: a real IANA zone, ISO currency and region. */
export function settingsProblem(settings: Partial<CompanySettings>) {
  if (settings.timezone !== undefined) {
    const timezoneError = fieldError('validation_failed', 'timezone', 'must be an IANA time zone such as Asia/Kolkata');
    try {
      new Intl.DateTimeFormat('en', { timeZone: settings.timezone });
    } catch {
      return timezoneError;
    }
    // Newer runtimes also accept bare UTC offsets such as +05:30: those are not IANA zones.
    if (/^[+-]/.test(settings.timezone)) return timezoneError;
  }
  if (settings.currency !== undefined && !Intl.supportedValuesOf('currency').includes(settings.currency)) {
    return fieldError('validation_failed', 'currency', 'must be an ISO 4217 currency code such as INR');
  }
  if (settings.locale !== undefined) {
    try {
      if (Intl.getCanonicalLocales(settings.locale).length !== 1) throw new Error();
    } catch {
      return fieldError('validation_failed', 'locale', 'must be a BCP 47 locale such as en-IN');
    }
  }
  if (settings.phoneCountry !== undefined) {
    const code = settings.phoneCountry;
    // CLDR names the user-assigned codes too (ZZ "Unknown Region", QO, XA…) and groupings (EU, UN): no countries.
    const notACountry = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN)$/.test(code);
    const name = /^[A-Z]{2}$/.test(code)
      ? new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code)
      : undefined;
    if (!name || notACountry) {
      return fieldError('validation_failed', 'phoneCountry', 'must be an ISO 3166 country code such as IN');
    }
  }
  return null;
}

export interface NewCompany extends CompanySettings {
  name: string;
  slug: string;
  adminEmail: string;
  adminName: string;
  adminPassword: string;
}

/** A company and its first admin, in one transaction. Used by the CLI and the demo seed. */
export async function createCompany(db: Database, input: NewCompany) {
  const problem = settingsProblem(input) ?? passwordProblem(input.adminPassword, 'adminPassword');
  if (problem) throw problem;
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.slug)) {
    throw fieldError('validation_failed', 'slug', 'must be 2 to 63 lowercase letters, digits or dashes');
  }
  const companyId = newId();
  const adminId = newId();
  const passwordHash = await hashPassword(input.adminPassword);
  return withTenant(db, companyId, async (trx) => {
    const email = input.adminEmail.trim().toLowerCase();
    if (await emailTaken(trx, email)) throw fieldError('email_taken', 'adminEmail', 'is already in use');
    try {
      await trx
        .insertInto('companies')
        .values({
          id: companyId,
          name: input.name,
          slug: input.slug,
          timezone: input.timezone,
          currency: input.currency,
          locale: input.locale,
          phone_country: input.phoneCountry,
        })
        .execute();
    } catch (error) {
      // Companies are invisible outside their own tenant, so a taken slug shows up as the unique key.
      if ((error as { constraint?: string }).constraint === 'companies_slug_key') {
        throw fieldError('conflict', 'slug', 'is already used by another company');
      }
      throw error;
    }
    await insertUser(trx, {
      companyId,
      id: adminId,
      email,
      name: input.adminName,
      role: 'ADMIN',
      managerId: null,
      passwordHash,
    });
    await insertDefaultStages(trx, companyId);
    await requestSchedules(trx, new Date());
    return { companyId, adminId };
  });
}

export async function getCompany(deps: Deps, ctx: RequestContext) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => findCompany(trx, ctx.actor.companyId));
  if (!row) throw notFound('company');
  return toCompany(row);
}

export async function updateCompany(
  deps: Deps,
  ctx: RequestContext,
  input: Partial<CompanySettings> & { name?: string },
) {
  const problem = settingsProblem(input);
  if (problem) throw problem;
  // A name of spaces would be stored empty and break the table's length check (a 500).
  if (input.name !== undefined && !input.name.trim())
    throw fieldError('validation_failed', 'name', 'must not be blank');
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await findCompany(trx, ctx.actor.companyId);
    if (!before) throw notFound('company');
    await trx
      .updateTable('companies')
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        ...(input.phoneCountry !== undefined ? { phone_country: input.phoneCountry } : {}),
        ...(input.fiscalYearStartMonth !== undefined ? { fiscal_year_start_month: input.fiscalYearStartMonth } : {}),
        updated_at: deps.clock.now(),
      })
      .where('id', '=', ctx.actor.companyId)
      .execute();
    await deps.sessions.changed(trx, { company: ctx.actor.companyId });
    const after = await findCompany(trx, ctx.actor.companyId);
    if (!after) throw notFound('company');
    await recordAudit(trx, ctx, {
      action: 'company.updated',
      entityType: 'company',
      entityId: after.id,
      before: toCompany(before),
      after: toCompany(after),
    });
    return toCompany(after);
  });
}
