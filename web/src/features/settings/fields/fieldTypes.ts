import type { CustomFieldType } from '../settings.types';

export const fieldTypes: readonly { value: CustomFieldType; label: string; hint: string }[] = [
  { value: 'text', label: 'Text', hint: 'Any short text' },
  { value: 'number', label: 'Number', hint: 'A number, e.g. a quantity or an amount' },
  { value: 'date', label: 'Date', hint: 'A calendar day' },
  { value: 'select', label: 'Single choice', hint: 'One option from a list' },
  { value: 'multi_select', label: 'Multiple choice', hint: 'Any options from a list' },
  { value: 'boolean', label: 'Yes / no', hint: 'A checkbox' },
  { value: 'user', label: 'Person', hint: 'A user of your company' },
];

export function typeLabel(type: string): string {
  return fieldTypes.find((item) => item.value === type)?.label ?? type;
}

export function isFieldType(value: string | null): value is CustomFieldType {
  return fieldTypes.some((item) => item.value === value);
}

export const hasOptions = (type: string) => type === 'select' || type === 'multi_select';
