import type { FieldError } from '../../http/errors.ts';
import { type LeadFieldDef, type LeadRow, leadFields } from '../leads/index.ts';
import type { Connector, FieldValue } from './connector.ts';

/**
 * The customer field mapping of a connection: which lead field feeds which ERP field, how the value is shaped
 * on the way, and which side is the system of record for it.
 *
 * - `erp`: the books own it; an ERP change is written to the lead, a lead change is not pushed (after the
 *   customer is created).
 * - `iperform`: we own it; a lead change is pushed, an ERP change is overwritten at the next push.
 * - `latest`: whoever changed it last, by the change's own time (the lead's update time, the ERP's
 *   last-modified time). When both changed since the last sync and the times cannot settle it (the ERP gives
 *   none), the field waits in the conflict review.
 */
export type Policy = 'erp' | 'iperform' | 'latest';
export const policies = ['erp', 'iperform', 'latest'] as const;
export const transforms = ['trim', 'upper', 'lower', 'digits'] as const;
export type Transform = (typeof transforms)[number];

export interface MappingField {
  leadField: string;
  erpField: string;
  policy: Policy;
  transform?: Transform;
  /** Lead value -> ERP value; read back the other way. */
  valueMap?: Record<string, string>;
}

/** Fields whose name never mirrors a customer's (the pipeline's own, money, people). */
const notCustomerFields = new Set(['stage', 'source', 'currency', 'lostReason', 'tags']);

/** The built-in lead fields a mapping may use: the catalog's writable text fields that describe a customer. */
export function mappableLeadFields(): LeadFieldDef[] {
  return leadFields.filter(
    (f) => (f.type === 'text' || f.type === 'text[]') && f.access !== 'system' && !notCustomerFields.has(f.key),
  );
}

const customKey = (leadField: string) => (leadField.startsWith('custom:') ? leadField.slice(7) : null);

/** Problems of a mapping against the connector's fields and the company's custom fields, each naming its path. */
export function checkMapping(fields: MappingField[], connector: Connector, customKeys: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const lead = new Set(mappableLeadFields().map((f) => f.key));
  const erp = new Set(connector.customerFields.map((f) => f.name));
  const seen = new Set<string>();
  for (const [i, f] of fields.entries()) {
    const custom = customKey(f.leadField);
    if (custom !== null ? !customKeys.includes(custom) : !lead.has(f.leadField)) {
      errors.push({
        path: `fields.${i}.leadField`,
        message: `is not a lead field a customer can map (${f.leadField})`,
      });
    }
    if (!erp.has(f.erpField)) {
      errors.push({ path: `fields.${i}.erpField`, message: `is not a ${connector.label} customer field` });
    } else if (seen.has(f.erpField)) {
      errors.push({ path: `fields.${i}.erpField`, message: 'is mapped twice' });
    }
    seen.add(f.erpField);
  }
  for (const required of connector.customerFields.filter((f) => f.required)) {
    if (!seen.has(required.name)) {
      errors.push({ path: 'fields', message: `must map ${connector.label}'s required field ${required.name}` });
    }
  }
  return errors;
}

/**
 * The suggested mapping: the connector's defaults that this company can use (a custom field it has not defined
 * is left out), iPerform the system of record (it creates the customers).
 */
export function defaultMapping(connector: Connector, customKeys: string[]): MappingField[] {
  return connector.defaultCustomerMapping
    .filter((m) => {
      const custom = customKey(m.leadField);
      return custom === null || customKeys.includes(custom);
    })
    .map((m) => ({ leadField: m.leadField, erpField: m.erpField, policy: 'iperform' }));
}

/** The lead's value of a mapped field, as one scalar (the first of a list). */
export function leadValueOf(lead: LeadRow, leadField: string): string | null {
  const custom = customKey(leadField);
  if (custom !== null) {
    const value = (lead.custom_fields as Record<string, unknown>)[custom];
    return value === undefined || value === null || value === '' ? null : String(value);
  }
  const def = leadFields.find((f) => f.key === leadField);
  if (!def) return null;
  const raw = (lead as unknown as Record<string, unknown>)[def.column];
  if (Array.isArray(raw)) return raw.length > 0 ? String(raw[0]) : null;
  return raw === null || raw === undefined || raw === '' ? null : String(raw);
}

function shape(value: string | null, f: MappingField, connector: Connector): FieldValue {
  if (value === null) return null;
  let out = value;
  if (f.valueMap && Object.hasOwn(f.valueMap, out)) out = f.valueMap[out] as string;
  if (f.transform === 'trim') out = out.trim();
  if (f.transform === 'upper') out = out.toUpperCase();
  if (f.transform === 'lower') out = out.toLowerCase();
  if (f.transform === 'digits') out = out.replace(/\D+/g, '');
  const spec = connector.customerFields.find((s) => s.name === f.erpField);
  if (spec?.type === 'number') {
    const n = Number(out);
    return Number.isFinite(n) ? n : null;
  }
  if (spec?.maxLength && out.length > spec.maxLength) out = out.slice(0, spec.maxLength);
  return out;
}

/** The ERP fields a lead maps to, shaped for the ERP (all mapped fields, or those `only` names). */
export function toErpFields(
  lead: LeadRow,
  mapping: MappingField[],
  connector: Connector,
  only?: (f: MappingField) => boolean,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of mapping) {
    if (only && !only(f)) continue;
    let value = shape(leadValueOf(lead, f.leadField), f, connector);
    // A field the ERP cannot do without (a ledger's or customer's name) falls back to the lead's name.
    if (value === null && connector.customerFields.find((s) => s.name === f.erpField)?.required) {
      value = shape(lead.name, f, connector);
    }
    out[f.erpField] = value;
  }
  return out;
}

/** An ERP value read back into the lead's terms (the value map reversed). */
export function fromErpValue(value: FieldValue | undefined, f: MappingField): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  if (f.valueMap) {
    const back = Object.entries(f.valueMap).find(([, erp]) => erp === text);
    if (back) return back[0];
  }
  return text;
}

/** Values compared as the ERP would store them (a transform applied on our side is not a difference). */
export const sameValue = (a: FieldValue | undefined, b: FieldValue | undefined) =>
  String(a ?? '').trim() === String(b ?? '').trim();

/**
 * The lead write (in the API's terms, for the one input mapper) that takes ERP values for the given fields:
 * a list field gets its first item replaced, the rest kept; a custom field is set alone.
 */
export function leadInputFor(lead: LeadRow, changes: { f: MappingField; value: string | null }[]) {
  const input: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const { f, value } of changes) {
    const key = customKey(f.leadField);
    if (key !== null) {
      custom[key] = value;
      continue;
    }
    const def = leadFields.find((d) => d.key === f.leadField);
    if (!def) continue;
    if (def.type === 'text[]') {
      const current = ((lead as unknown as Record<string, unknown>)[def.column] as string[] | null) ?? [];
      const rest = current.slice(1).filter((v) => v !== value);
      input[def.key] = value === null ? rest : [value, ...rest];
    } else if (def.key === 'name') {
      if (value !== null) input.name = value;
    } else {
      input[def.key] = value;
    }
  }
  if (Object.keys(custom).length > 0) input.customFields = custom;
  return input;
}
