import { leadCatalog } from '../../lib/lead-catalog';
import type { CustomFieldDef } from '../leads/customFields.queries';
import { canEdit, canSee, fieldValue, isEmptyValue } from '../leads/fields';
import type { Lead } from '../leads/leads.types';

/** A field the merge lets the person choose a value for: one lead's value is kept. */
export interface ChoiceField {
  /** The key the merge's `fieldChoices` uses: a lead field, `ownerId`, or `customFields.<key>`. */
  key: string;
  label: string;
  custom?: CustomFieldDef;
}

/** Fields whose values are all kept: the survivor gets the union of every lead's (the catalog's `merge: union`). */
export const unionFields = leadCatalog
  .filter((f) => 'merge' in f && f.merge === 'union' && f.access !== 'assignment')
  .map((f) => ({ key: f.key, label: f.label }));

/** Fields one lead's value is kept for (the catalog's `merge: choose`). */
const builtinChoices: readonly ChoiceField[] = leadCatalog
  .filter((f) => 'merge' in f && f.merge === 'choose')
  .map((f) => ({ key: f.key, label: f.label }));

export function choiceFields(defs: readonly CustomFieldDef[]): ChoiceField[] {
  return [...builtinChoices, ...defs.map((def) => ({ key: `customFields.${def.key}`, label: def.label, custom: def }))];
}

/** Values compared as the person would: "Acme" and "Acme" are the same, [] and null are both empty. */
export function valueKey(value: unknown): string {
  if (isEmptyValue(value)) return '';
  if (Array.isArray(value)) return JSON.stringify([...value].map(String).sort());
  return JSON.stringify(value);
}

export function mergeValue(lead: Lead, key: string): unknown {
  return fieldValue(lead, key);
}

/** Whether the leads hold different values for a field (else there is nothing to choose). */
export function differs(leads: readonly Lead[], key: string): boolean {
  return new Set(leads.map((lead) => valueKey(mergeValue(lead, key)))).size > 1;
}

/**
 * Whether the caller may choose this field's value, by the server's rules: name and stage with write access,
 * owner and partner with leads:assign, every other field with write access to that field. A field hidden on
 * any of the leads is not offered either: its values cannot be shown.
 */
export function choosable(leads: readonly Lead[], survivor: Lead, key: string, canAssign: boolean): boolean {
  if (key !== 'name' && key !== 'stage' && !leads.every((lead) => canSee(lead, key))) return false;
  if (key === 'name' || key === 'stage') return survivor.editable.includes('name');
  if (key === 'ownerId' || key === 'partnerId') return canAssign;
  return canEdit(survivor, key);
}

/**
 * The default choice, as the server makes it: the survivor's value, or the first non-empty one among the
 * merged leads (in the order given) when the survivor has none.
 */
export function defaultChoice(survivor: Lead, merged: readonly Lead[], key: string): string {
  if (!isEmptyValue(mergeValue(survivor, key))) return survivor.id;
  return merged.find((lead) => !isEmptyValue(mergeValue(lead, key)))?.id ?? survivor.id;
}

/** Every value of a list field across the leads, once each, in the order first seen. */
export function unionOf(leads: readonly Lead[], key: string): string[] {
  const seen = new Map<string, string>();
  for (const lead of leads) {
    const values = mergeValue(lead, key);
    if (!Array.isArray(values)) continue;
    for (const value of values) {
      const normal = key === 'emails' ? String(value).trim().toLowerCase() : String(value);
      if (!seen.has(normal)) seen.set(normal, String(value));
    }
  }
  return [...seen.values()];
}

/**
 * The choices to send: only those that differ from what the server would pick by default are needed, but
 * sending every differing field makes the request say exactly what the person saw.
 */
export function fieldChoicesFor(
  leads: readonly Lead[],
  survivor: Lead,
  fields: readonly ChoiceField[],
  chosen: Readonly<Record<string, string>>,
  canAssign: boolean,
): Record<string, string> {
  const merged = leads.filter((lead) => lead.id !== survivor.id);
  const out: Record<string, string> = {};
  for (const field of fields) {
    if (!differs(leads, field.key) || !choosable(leads, survivor, field.key, canAssign)) continue;
    out[field.key] = chosen[field.key] ?? defaultChoice(survivor, merged, field.key);
  }
  return out;
}

/** The survivor as the merge will leave it: chosen values, and the unions of the list fields. */
export function previewOf(
  leads: readonly Lead[],
  survivor: Lead,
  fields: readonly ChoiceField[],
  choices: Readonly<Record<string, string>>,
  canAssign: boolean,
): Record<string, unknown> {
  const merged = leads.filter((lead) => lead.id !== survivor.id);
  const byId = new Map(leads.map((lead) => [lead.id, lead]));
  const preview: Record<string, unknown> = {};
  for (const field of fields) {
    const from = choosable(leads, survivor, field.key, canAssign)
      ? (choices[field.key] ?? defaultChoice(survivor, merged, field.key))
      : survivor.id;
    const lead = byId.get(from) ?? survivor;
    preview[field.key] = mergeValue(lead, field.key);
    if (field.key === 'ownerId') preview.ownerName = lead.ownerName ?? null;
    if (field.key === 'partnerId') preview.partnerName = lead.partnerName ?? null;
  }
  for (const field of unionFields) preview[field.key] = unionOf(leads, field.key);
  return preview;
}
