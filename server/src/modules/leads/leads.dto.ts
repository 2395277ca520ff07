import { besideFields, type LeadFieldType, leadFields } from './lead-catalog.ts';
import { type ControlledField, controlledFields, customAccess, type FieldAccess } from './lead-fields.ts';
import type { LeadRow } from './leads.repository.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const day = (value: Date | string | null) => {
  if (value === null) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  // A date column arrives as local midnight; print it as the calendar day it names.
  const y = value.getFullYear();
  const m = String(value.getMonth() + 1).padStart(2, '0');
  const d = String(value.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
};

/** The catalog's person-facing fields: everything but the system ones, which every response carries as they are. */
const valueFields = leadFields.filter((f) => f.access !== 'system');

function apiValue(type: LeadFieldType, value: unknown): unknown {
  if (type === 'numeric') return value === null ? null : Number(value);
  if (type === 'date') return day(value as Date | string | null);
  if (type === 'jsonb') return (value ?? {}) as Record<string, unknown>;
  return value;
}

/** Every field of a lead row in API terms, before field permissions are applied (read from the catalog). */
export function leadValues(row: LeadRow): Record<ControlledField | string, unknown> {
  const values: Record<string, unknown> = {};
  const cells = row as unknown as Record<string, unknown>;
  for (const f of valueFields) values[f.key] = apiValue(f.type, cells[f.column]);
  return values;
}

/** The lead as the caller may see it: hidden fields are left out, custom fields filtered one by one. */
export function toLead(row: LeadRow, access: FieldAccess) {
  const values = leadValues(row);
  const lead: Record<string, unknown> = { id: row.id, name: row.name, stage: row.stage };
  const editable: string[] = access.canWrite ? ['name'] : [];
  for (const field of controlledFields) {
    const level = access.fields[field];
    if (level === 'hidden') continue;
    if (field === 'customFields') {
      const custom: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(values.customFields as Record<string, unknown>)) {
        const customLevel = customAccess(access, key);
        if (customLevel !== 'hidden') custom[key] = value;
        if (customLevel === 'write') editable.push(`customFields.${key}`);
      }
      lead.customFields = custom;
    } else {
      lead[field] = values[field];
    }
    if (level === 'write') editable.push(field);
  }
  if (access.fields.ownerId !== 'hidden') lead.ownerName = row.owner_name;
  // Names of the warriors and co-sales on the lead, for whoever sees them (their users may be outside the
  // caller's own user scope).
  const people = (row.people ?? []) as { id: string; name: string }[];
  const nameOf = (ids: string[]) => ids.map((id) => ({ id, name: people.find((p) => p.id === id)?.name ?? '' }));
  if (access.fields.warriorIds !== 'hidden') lead.warriors = nameOf(row.warrior_ids);
  if (access.fields.coSalesIds !== 'hidden') lead.coSales = nameOf(row.co_sales_ids);
  if (access.fields.partnerId !== 'hidden') lead.partnerName = row.partner_name;
  // The fields kept beside the lead (the score): null when it has no row there yet.
  const cells = row as unknown as Record<string, unknown>;
  for (const f of besideFields) lead[f.key] = apiValue(f.type, cells[f.column] ?? null);
  return {
    ...lead,
    createdBy: row.created_by,
    createdVia: row.created_via,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    stageChangedAt: iso(row.stage_changed_at),
    lastTouchedAt: iso(row.last_touched_at),
    editable,
  } as unknown as LeadDto;
}

export interface LeadDto {
  id: string;
  name: string;
  stage: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** What the audit log keeps of a lead: the fields people change, for the timeline's "field changed" entries. */
export function leadSnapshot(row: LeadRow): Record<string, unknown> {
  const { customFields, ...rest } = leadValues(row);
  return {
    ...rest,
    ...Object.fromEntries(Object.entries(customFields as object).map(([k, v]) => [`customFields.${k}`, v])),
  };
}
