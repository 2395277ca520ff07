import { builtInFieldLabels, customFieldPath } from './leadFields';
import type { CustomField } from './settings.types';

/** The built-in lead fields a stage may require (everything but the all-custom-fields switch). */
const requirableBuiltIns = Object.keys(builtInFieldLabels).filter((field) => field !== 'customFields');

interface OptionGroup {
  group: string;
  items: { value: string; label: string }[];
}

/** Lead fields and active custom fields, grouped for a Select or MultiSelect. */
export function leadFieldOptions(customFields: readonly CustomField[], builtIns = requirableBuiltIns): OptionGroup[] {
  const custom = customFields
    .filter((field) => field.active)
    .map((field) => ({ value: customFieldPath(field.key), label: field.label }));
  const groups: OptionGroup[] = [
    {
      group: 'Lead fields',
      items: builtIns.map((field) => ({ value: field, label: builtInFieldLabels[field] ?? field })),
    },
  ];
  if (custom.length > 0) groups.push({ group: 'Custom fields', items: custom });
  return groups;
}

export function customLabels(customFields: readonly CustomField[] | undefined): Map<string, string> {
  return new Map((customFields ?? []).map((field) => [field.key, field.label]));
}
