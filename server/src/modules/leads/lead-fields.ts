import type { Tx } from '../../db/client.ts';
import { can, type Role } from '../users/index.ts';
import { assignmentFields, type ControlledField, controlledFields } from './lead-catalog.ts';

/**
 * The lead fields whose access is set per role come from the catalog (`access: controlled | assignment`).
 * Always shown: id, name, stage, version and the timestamps. Assignment fields (owner, warriors, co-sales,
 * partner) change through /assign, never through PATCH; their access here only decides whether they are shown.
 */
export { assignmentFields, type ControlledField, controlledFields };
export type Access = 'hidden' | 'read' | 'write';

const dataFields = controlledFields.filter((f) => !assignmentFields.includes(f));

function allAt(access: Access): Record<ControlledField, Access> {
  return Object.fromEntries(
    controlledFields.map((f) => [f, assignmentFields.includes(f) && access === 'write' ? 'read' : access]),
  ) as Record<ControlledField, Access>;
}

/** Built-in defaults; an admin overrides any of them per company (field_permissions). */
export const defaultFieldAccess: Record<Role, Record<ControlledField, Access>> = {
  ADMIN: allAt('write'),
  MANAGER: allAt('write'),
  SALESPERSON: allAt('write'),
  WARRIOR: allAt('write'),
  COSALES: allAt('write'),
  INTEGRATION: allAt('write'),
  // Customer success looks after won customers: it keeps notes and tags, the deal itself is read-only.
  CUSTOMER_SUCCESS: {
    ...allAt('read'),
    notes: 'write',
    tags: 'write',
    customFields: 'write',
    phones: 'write',
    emails: 'write',
  },
  // A partner works the contact, but does not see the deal's value, the owner's notes or who owns it inside.
  PARTNER: {
    ...allAt('write'),
    expectedValue: 'hidden',
    currency: 'hidden',
    notes: 'hidden',
    ownerId: 'hidden',
    warriorIds: 'hidden',
    coSalesIds: 'hidden',
    source: 'read',
  },
  DEV: allAt('read'),
  GUEST: allAt('read'),
};

/** A role's access to every controlled field, plus per-custom-field overrides (`customFields.<key>`). */
export interface FieldAccess {
  /** Whether the role may write leads at all (leads:write); without it every field is read-only. */
  canWrite: boolean;
  fields: Record<ControlledField, Access>;
  custom: Record<string, Access>;
}

export function isControlledField(field: string): boolean {
  return (controlledFields as readonly string[]).includes(field) || /^customFields\.[a-z][a-z0-9_]{0,39}$/.test(field);
}

export async function fieldAccessFor(trx: Tx, role: Role): Promise<FieldAccess> {
  const overrides = await trx
    .selectFrom('field_permissions')
    .select(['field', 'access'])
    .where('role', '=', role)
    .execute();
  const canWrite = can(role, 'leads:write');
  const fields = { ...defaultFieldAccess[role] };
  const custom: Record<string, Access> = {};
  for (const row of overrides) {
    const access = row.access as Access;
    if (row.field.startsWith('customFields.')) custom[row.field.slice('customFields.'.length)] = access;
    else if ((controlledFields as readonly string[]).includes(row.field)) {
      const field = row.field as ControlledField;
      // Assignment fields are never written through the record, whatever an override says.
      fields[field] = assignmentFields.includes(field) && access === 'write' ? 'read' : access;
    }
  }
  if (!canWrite) {
    for (const field of controlledFields) if (fields[field] === 'write') fields[field] = 'read';
    for (const key of Object.keys(custom)) if (custom[key] === 'write') custom[key] = 'read';
  }
  return { canWrite, fields, custom };
}

export function customAccess(access: FieldAccess, key: string): Access {
  const level = access.custom[key] ?? access.fields.customFields;
  return level === 'write' && !access.canWrite ? 'read' : level;
}

export { dataFields };
