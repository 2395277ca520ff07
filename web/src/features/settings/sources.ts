import type { LeadSource } from './settings.types';

/** Where leads come from, as people call it; the API's values are the keys. */
export const leadSources: readonly { value: LeadSource; label: string }[] = [
  { value: 'web_form', label: 'Web form' },
  { value: 'manual', label: 'Manual' },
  { value: 'import', label: 'Import' },
  { value: 'api', label: 'API' },
  { value: 'facebook', label: 'Facebook' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'partner', label: 'Partner' },
  { value: 'erp', label: 'ERP' },
  { value: 'referral', label: 'Referral' },
  { value: 'other', label: 'Other' },
];

export function sourceLabel(source: string): string {
  return leadSources.find((item) => item.value === source)?.label ?? source;
}

export function isLeadSource(value: string | null): value is LeadSource {
  return leadSources.some((source) => source.value === value);
}
