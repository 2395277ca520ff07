import type { Lead, LeadSource } from './leads.types';

/** How a built-in lead field is shown and edited. */
export type FieldKind = 'text' | 'longtext' | 'list' | 'money' | 'date' | 'source' | 'currency';

export interface FieldDef {
  key: BuiltinField;
  label: string;
  kind: FieldKind;
  placeholder?: string;
}

export type BuiltinField =
  | 'name'
  | 'companyName'
  | 'emails'
  | 'phones'
  | 'source'
  | 'campaign'
  | 'product'
  | 'city'
  | 'state'
  | 'country'
  | 'territory'
  | 'expectedValue'
  | 'currency'
  | 'expectedCloseDate'
  | 'tags'
  | 'notes'
  | 'lostReason';

export const fieldDefs: Record<BuiltinField, FieldDef> = {
  name: { key: 'name', label: 'Name', kind: 'text' },
  companyName: { key: 'companyName', label: 'Company', kind: 'text' },
  emails: { key: 'emails', label: 'Emails', kind: 'list', placeholder: 'Type an email, press Enter' },
  phones: { key: 'phones', label: 'Phones', kind: 'list', placeholder: 'Type a number, press Enter' },
  source: { key: 'source', label: 'Source', kind: 'source' },
  campaign: { key: 'campaign', label: 'Campaign', kind: 'text' },
  product: { key: 'product', label: 'Product', kind: 'text' },
  city: { key: 'city', label: 'City', kind: 'text' },
  state: { key: 'state', label: 'State', kind: 'text' },
  country: { key: 'country', label: 'Country', kind: 'text' },
  territory: { key: 'territory', label: 'Territory', kind: 'text' },
  expectedValue: { key: 'expectedValue', label: 'Expected value', kind: 'money' },
  currency: { key: 'currency', label: 'Currency', kind: 'currency', placeholder: 'e.g. INR' },
  expectedCloseDate: { key: 'expectedCloseDate', label: 'Expected close date', kind: 'date' },
  tags: { key: 'tags', label: 'Tags', kind: 'list', placeholder: 'Type a tag, press Enter' },
  notes: { key: 'notes', label: 'Notes', kind: 'longtext' },
  lostReason: { key: 'lostReason', label: 'Lost reason', kind: 'longtext' },
};

export function isBuiltinField(key: string): key is BuiltinField {
  return key in fieldDefs;
}

export const leadSources: readonly LeadSource[] = [
  'manual',
  'import',
  'api',
  'web_form',
  'facebook',
  'whatsapp',
  'partner',
  'erp',
  'referral',
  'other',
];

const sourceLabels: Record<string, string> = {
  manual: 'Manual',
  import: 'Import',
  api: 'API',
  web_form: 'Web form',
  facebook: 'Facebook',
  whatsapp: 'WhatsApp',
  partner: 'Partner',
  erp: 'ERP',
  referral: 'Referral',
  other: 'Other',
};

export function sourceLabel(source: string | null | undefined): string {
  if (!source) return '—';
  return sourceLabels[source] ?? source;
}

export const sourceOptions = leadSources.map((value) => ({ value, label: sourceLabel(value) }));

export function isLeadSource(value: string): value is LeadSource {
  return (leadSources as readonly string[]).includes(value);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "₹1,20,000" in the company's locale; a plain number when the currency code is unknown to the browser. */
export function formatMoney(value: number | null | undefined, currency: string | null | undefined, locale?: string) {
  if (value === null || value === undefined) return '—';
  const code = currency || 'INR';
  const key = `${locale ?? ''}|${code}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency: code, maximumFractionDigits: 0 });
    } catch {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    }
    moneyFormats.set(key, format);
  }
  return format.format(value);
}

/** Whether the caller may see a field: fields the server left out of the lead are hidden from this role. */
export function canSee(lead: Lead, field: string): boolean {
  if (field.startsWith('customFields.')) return lead.customFields !== undefined;
  return field in lead;
}

/** Whether the caller may change a field of this lead (the server lists them in `editable`). */
export function canEdit(lead: Lead, field: string): boolean {
  if (lead.editable.includes(field)) return true;
  // A custom field with no value yet is not listed on its own: the general custom-field access decides.
  if (field.startsWith('customFields.')) {
    const key = field.slice('customFields.'.length);
    return !(key in (lead.customFields ?? {})) && lead.editable.includes('customFields');
  }
  return false;
}

/** A field's value in API terms; `customFields.<key>` reaches into the custom values. */
export function fieldValue(lead: Lead, field: string): unknown {
  if (field.startsWith('customFields.')) return lead.customFields?.[field.slice('customFields.'.length)];
  return (lead as Record<string, unknown>)[field];
}

export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A calendar day (YYYY-MM-DD) as the reader writes dates; parsed as local so it never shifts by a day. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return dayFormat.format(new Date(y, m - 1, d));
}
