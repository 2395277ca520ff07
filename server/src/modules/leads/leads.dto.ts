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

/** Every field of a lead row in API terms, before field permissions are applied. */
export function leadValues(row: LeadRow): Record<ControlledField | string, unknown> {
  return {
    name: row.name,
    companyName: row.company_name,
    emails: row.emails,
    phones: row.phones,
    source: row.source,
    campaign: row.campaign,
    product: row.product,
    city: row.city,
    state: row.state,
    country: row.country,
    territory: row.territory,
    expectedValue: row.expected_value === null ? null : Number(row.expected_value),
    currency: row.currency,
    expectedCloseDate: day(row.expected_close_date as Date | string | null),
    tags: row.tags,
    notes: row.notes,
    stage: row.stage,
    lostReason: row.lost_reason,
    ownerId: row.owner_id,
    warriorIds: row.warrior_ids,
    coSalesIds: row.co_sales_ids,
    partnerId: row.partner_id,
    customFields: (row.custom_fields ?? {}) as Record<string, unknown>,
  };
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
