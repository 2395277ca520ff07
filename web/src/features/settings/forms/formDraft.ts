import { ApiError, errorMessage } from '../../../lib/problem';
import { keyFromName } from '../keys';
import type { FormFieldInput, LeadSource, WebForm } from '../settings.types';
import { isLeadSource } from '../sources';

export type FormFieldType = FormFieldInput['type'];

export const formFieldTypes: readonly { value: FormFieldType; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'textarea', label: 'Long text' },
  { value: 'select', label: 'Choice' },
  { value: 'number', label: 'Number' },
];

/** The lead fields a form field may fill (the server's list); custom fields are added from the company's. */
export const builtInTargets: readonly { value: string; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'companyName', label: 'Company' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'city', label: 'City' },
  { value: 'state', label: 'State' },
  { value: 'country', label: 'Country' },
  { value: 'product', label: 'Product' },
  { value: 'campaign', label: 'Campaign' },
  { value: 'notes', label: 'Notes' },
];

export function isFormFieldType(value: string | null): value is FormFieldType {
  return formFieldTypes.some((type) => type.value === value);
}

/** One field being edited; `uid` keeps React's rows steady while fields move, `nameTouched` stops auto-naming. */
export interface FieldDraft {
  uid: string;
  name: string;
  nameTouched: boolean;
  label: string;
  type: FormFieldType;
  required: boolean;
  options: string[];
  mapsTo: string;
}

export interface FormDraft {
  name: string;
  source: LeadSource;
  campaign: string;
  thankYou: string;
  active: boolean;
  fields: FieldDraft[];
}

let counter = 0;
export const newUid = () => `f${++counter}`;

export function fieldDraft(partial: Partial<FieldDraft> & Pick<FieldDraft, 'label' | 'mapsTo' | 'type'>): FieldDraft {
  return {
    uid: newUid(),
    name: keyFromName(partial.label, 'field'),
    nameTouched: false,
    required: false,
    options: [],
    ...partial,
  };
}

export const DEFAULT_THANK_YOU = 'Thank you! We will be in touch soon.';

/** What a new form starts with: what most contact forms ask. */
export function newFormDraft(): FormDraft {
  return {
    name: '',
    source: 'web_form',
    campaign: '',
    thankYou: DEFAULT_THANK_YOU,
    active: true,
    fields: [
      fieldDraft({ label: 'Your name', name: 'name', type: 'text', mapsTo: 'name', required: true }),
      fieldDraft({ label: 'Email', name: 'email', type: 'email', mapsTo: 'email', required: true }),
      fieldDraft({ label: 'Phone', name: 'phone', type: 'phone', mapsTo: 'phone' }),
      fieldDraft({ label: 'How can we help?', name: 'message', type: 'textarea', mapsTo: 'notes' }),
    ],
  };
}

export function draftOfForm(form: WebForm): FormDraft {
  return {
    name: form.name,
    source: isLeadSource(form.source) ? form.source : 'web_form',
    campaign: form.campaign ?? '',
    thankYou: form.thankYou,
    active: form.active,
    fields: form.fields.map((field) => ({
      uid: newUid(),
      name: field.name,
      nameTouched: true,
      label: field.label,
      type: isFormFieldType(field.type) ? field.type : 'text',
      required: field.required,
      options: field.options ?? [],
      mapsTo: field.mapsTo,
    })),
  };
}

export function fieldsBody(fields: readonly FieldDraft[]): FormFieldInput[] {
  return fields.map((field) => ({
    name: field.name,
    label: field.label.trim(),
    type: field.type,
    required: field.required,
    mapsTo: field.mapsTo,
    ...(field.type === 'select' ? { options: field.options } : {}),
  }));
}

/** The input type a target needs: the server refuses an email target on anything but an email input. */
export function typeForTarget(target: string, current: FormFieldType): FormFieldType {
  if (target === 'email') return 'email';
  if (target === 'phone') return 'phone';
  if (target === 'notes' && current === 'text') return 'textarea';
  return current === 'email' || current === 'phone' ? 'text' : current;
}

export type RowErrors = Record<string, Partial<Record<'name' | 'label' | 'type' | 'options' | 'mapsTo', string>>>;

export interface FormErrors {
  form: Partial<Record<'name' | 'source' | 'campaign' | 'thankYou' | 'fields', string>>;
  rows: RowErrors;
  general: string | null;
}

const formPaths = ['name', 'source', 'campaign', 'thankYou', 'fields'] as const;
type FormPath = (typeof formPaths)[number];
const rowPaths = ['name', 'label', 'type', 'options', 'mapsTo'] as const;
type RowPath = (typeof rowPaths)[number];

/**
 * Places a problem's field errors: `fields.2.mapsTo` under that row's control, `name` under the form's name, the
 * rest in the form's alert.
 */
export function placeErrors(error: unknown, fields: readonly FieldDraft[]): FormErrors {
  const result: FormErrors = { form: {}, rows: {}, general: null };
  const unplaced: string[] = [];
  const items = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  for (const item of items) {
    const path = item.path.replace(/^\//, '').replace(/^body[./]/, '');
    const parts = path.split(/[./]/);
    const [head, index, leaf] = parts;
    if (head === 'fields' && index !== undefined && /^\d+$/.test(index)) {
      const row = fields[Number(index)];
      const key = (rowPaths as readonly string[]).includes(leaf ?? '') ? (leaf as RowPath) : 'label';
      if (row) {
        result.rows[row.uid] = { ...result.rows[row.uid], [key]: item.message };
        continue;
      }
    }
    if (head && (formPaths as readonly string[]).includes(head) && parts.length === 1) {
      result.form[head as FormPath] = item.message;
      continue;
    }
    unplaced.push(`${path}: ${item.message}`);
  }
  if (items.length === 0) result.general = errorMessage(error);
  else if (unplaced.length > 0) result.general = unplaced.join(' ');
  return result;
}

const INPUT_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * What the server would refuse, found before sending so every problem shows at once (the server stops at the
 * first broken field): blank labels, bad or repeated input names, selects without choices, and email and phone
 * targets on inputs of another type.
 */
export function checkFields(fields: readonly FieldDraft[]): RowErrors {
  const errors: RowErrors = {};
  const names = new Set<string>();
  for (const field of fields) {
    const row: RowErrors[string] = {};
    if (!field.label.trim()) row.label = 'Enter a label';
    if (!INPUT_NAME.test(field.name)) row.name = 'Use a-z, 0-9 and _, starting with a letter';
    else if (names.has(field.name)) row.name = 'Another field already uses this name';
    else if (field.name === 'website') row.name = 'This name is kept for the spam trap';
    names.add(field.name);
    if (field.type === 'select' && field.options.length === 0) row.options = 'Add at least one choice';
    if (field.mapsTo === 'email' && field.type !== 'email') row.type = 'Must be Email to fill the lead’s email';
    if (field.mapsTo === 'phone' && field.type !== 'phone') row.type = 'Must be Phone to fill the lead’s phone';
    if (Object.keys(row).length > 0) errors[field.uid] = row;
  }
  return errors;
}
