import type { components, paths } from '../../../lib/api-types';
import { addDays, addMonths } from '../../../lib/time';

/** The company's settings as the company page edits them, and the `PATCH /company` body of what changed. */
export type Company = components['schemas']['Company'];
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type UpdateCompanyBody = Json<paths['/api/v1/company']['patch']['requestBody']>;

export const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export interface CompanyDraft {
  name: string;
  timezone: string;
  currency: string;
  locale: string;
  phoneCountry: string;
  fiscalYearStartMonth: number;
}

export const companyFields = [
  'name',
  'timezone',
  'currency',
  'locale',
  'phoneCountry',
  'fiscalYearStartMonth',
] as const;
export type CompanyField = (typeof companyFields)[number];
export const companyFieldLabels: Record<CompanyField, string> = {
  name: 'Name',
  timezone: 'Time zone',
  currency: 'Currency',
  locale: 'Language and number format',
  phoneCountry: 'Phone country',
  fiscalYearStartMonth: 'Fiscal year starts in',
};

export function companyDraftOf(company: Company): CompanyDraft {
  return {
    name: company.name,
    timezone: company.timezone,
    currency: company.currency,
    locale: company.locale,
    phoneCountry: company.phoneCountry,
    fiscalYearStartMonth: company.fiscalYearStartMonth ?? 1,
  };
}

/** Only what changed (codes upper-cased as the API wants them); empty when nothing did. */
export function companyPatch(draft: CompanyDraft, before: Company): UpdateCompanyBody {
  const body: UpdateCompanyBody = {};
  const name = draft.name.trim();
  if (name !== before.name) body.name = name;
  if (draft.timezone !== before.timezone) body.timezone = draft.timezone;
  const currency = draft.currency.trim().toUpperCase();
  if (currency !== before.currency) body.currency = currency;
  const locale = draft.locale.trim();
  if (locale !== before.locale) body.locale = locale;
  const phoneCountry = draft.phoneCountry.trim().toUpperCase();
  if (phoneCountry !== before.phoneCountry) body.phoneCountry = phoneCountry;
  if (draft.fiscalYearStartMonth !== (before.fiscalYearStartMonth ?? 1))
    body.fiscalYearStartMonth = draft.fiscalYearStartMonth;
  return body;
}

/**
 * The fiscal year holding `day` when it starts in `startMonth` (1 January … 12 December): its first and last
 * days and its name as reports label it ("FY 2026" from January, "FY 2026-27" otherwise).
 */
export function fiscalYearOf(day: string, startMonth: number): { from: string; to: string; label: string } {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const startYear = month >= startMonth ? year : year - 1;
  const from = `${startYear}-${String(startMonth).padStart(2, '0')}-01`;
  const to = addDays(addMonths(from, 12), -1);
  const label =
    startMonth === 1 ? `FY ${startYear}` : `FY ${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
  return { from, to, label };
}
