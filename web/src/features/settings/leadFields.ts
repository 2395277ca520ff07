import { leadCatalog } from '../../lib/lead-catalog';

/**
 * Built-in lead fields as people call them: the catalog's labels, with the "all custom fields" entry that settings
 * also name. Custom fields are `customFields.<key>` with their own label.
 */
export const builtInFieldLabels: Record<string, string> = {
  ...Object.fromEntries(leadCatalog.map((f) => [f.key, f.label])),
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
