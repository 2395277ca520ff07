import {
  leadSources as catalogSources,
  type LeadCatalogField,
  leadCatalog,
  leadSourceLabels,
} from '../../lib/lead-catalog';
import type { Lead, LeadSource } from './leads.types';

/** How a built-in lead field is shown and edited. */
export type FieldKind = 'text' | 'longtext' | 'list' | 'money' | 'date' | 'source' | 'currency';

export interface FieldDef {
  key: BuiltinField;
  label: string;
  kind: FieldKind;
  placeholder?: string;
}

const kinds: Partial<Record<LeadCatalogField['display'], FieldKind>> = {
  text: 'text',
  longtext: 'longtext',
  emails: 'list',
  phones: 'list',
  tags: 'list',
  money: 'money',
  date: 'date',
  source: 'source',
  currency: 'currency',
};
const placeholders: Partial<Record<LeadCatalogField['display'], string>> = {
  emails: 'Type an email, press Enter',
  phones: 'Type a number, press Enter',
  tags: 'Type a tag, press Enter',
  currency: 'e.g. INR',
};

type Editable = Extract<LeadCatalogField, { display: keyof typeof kinds }>;
/** The built-in fields a person edits on the lead itself (the catalog's fields with an editor; not the stage). */
export type BuiltinField = Exclude<Editable['key'], 'stage'>;

export const fieldDefs = Object.fromEntries(
  leadCatalog.flatMap((f) => {
    const kind = kinds[f.display];
    if (!kind || f.access === 'system') return [];
    const placeholder = placeholders[f.display];
    return [[f.key, { key: f.key, label: f.label, kind, ...(placeholder ? { placeholder } : {}) }]];
  }),
) as Record<BuiltinField, FieldDef>;

export function isBuiltinField(key: string): key is BuiltinField {
  return key in fieldDefs;
}

export const leadSources: readonly LeadSource[] = catalogSources;

const sourceLabels: Record<string, string> = leadSourceLabels;

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
