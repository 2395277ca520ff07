/** Built-in lead fields as people call them; custom fields are `customFields.<key>` with their own label. */
export const builtInFieldLabels: Record<string, string> = {
  name: 'Name',
  companyName: 'Company',
  emails: 'Emails',
  phones: 'Phones',
  source: 'Source',
  campaign: 'Campaign',
  product: 'Product',
  city: 'City',
  state: 'State',
  country: 'Country',
  territory: 'Territory',
  expectedValue: 'Expected value',
  currency: 'Currency',
  expectedCloseDate: 'Expected close date',
  tags: 'Tags',
  notes: 'Notes',
  lostReason: 'Lost reason',
  ownerId: 'Owner',
  warriorIds: 'Warriors',
  coSalesIds: 'Co-sales',
  partnerId: 'Partner',
  customFields: 'Custom fields (all)',
};

export const CUSTOM_PREFIX = 'customFields.';

export function customFieldPath(key: string): string {
  return `${CUSTOM_PREFIX}${key}`;
}

/** A field path as a label: a built-in's name, a custom field's label, else the path itself. */
export function fieldLabel(path: string, customLabels: ReadonlyMap<string, string> = new Map()): string {
  if (path.startsWith(CUSTOM_PREFIX)) {
    const key = path.slice(CUSTOM_PREFIX.length);
    return customLabels.get(key) ?? key;
  }
  return builtInFieldLabels[path] ?? path;
}
