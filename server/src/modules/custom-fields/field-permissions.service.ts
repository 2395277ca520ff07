import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { fieldError } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type Access,
  assignmentFields,
  type ControlledField,
  controlledFields,
  customAccess,
  defaultFieldAccess,
  fieldAccessFor,
  leadField,
} from '../leads/index.ts';

import { type Role, roles } from '../users/index.ts';
import * as repo from './custom-fields.repository.ts';

/** What the settings screen calls each controlled field: the catalog's label ("all" for the custom fields' default). */
export const fieldLabels = Object.fromEntries(
  controlledFields.map((field) => [field, field === 'customFields' ? 'Custom fields (all)' : leadField(field)?.label]),
) as Record<ControlledField, string>;

const rank: Record<Access, number> = { hidden: 0, read: 1, write: 2 };

/** Assignment fields change through /assign only: their access stops at read, whatever is stored. */
function clamp(field: string, access: Access): Access {
  return assignmentFields.includes(field as ControlledField) && access === 'write' ? 'read' : access;
}

interface Entry {
  role: Role;
  field: string;
  label: string;
  access: Access;
  isDefault: boolean;
  defaultAccess: Access;
}

/**
 * The effective access of one role to every controlled field and every active custom field, as stored: an
 * override where there is one, else the built-in default (a custom field's default is the role's access to
 * `customFields`).
 */
function entriesFor(
  role: Role,
  overrides: Map<string, Access>,
  customFields: { key: string; label: string }[],
): Entry[] {
  const entries: Entry[] = [];
  for (const field of controlledFields) {
    const defaultAccess = defaultFieldAccess[role][field];
    const override = overrides.get(`${role}|${field}`);
    entries.push({
      role,
      field,
      label: fieldLabels[field],
      access: override ? clamp(field, override) : defaultAccess,
      isDefault: override === undefined,
      defaultAccess,
    });
  }
  const inherited = entries.find((e) => e.field === 'customFields')?.access ?? 'hidden';
  for (const custom of customFields) {
    const field = `customFields.${custom.key}`;
    const override = overrides.get(`${role}|${field}`);
    entries.push({
      role,
      field,
      label: custom.label,
      // With `customFields` hidden the lead shows no custom field at all, whatever one field's override says.
      access: inherited === 'hidden' ? 'hidden' : (override ?? inherited),
      isDefault: override === undefined,
      defaultAccess: inherited,
    });
  }
  return entries;
}

export async function listFieldPermissions(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const [rows, customFields] = await Promise.all([
      repo.listFieldPermissions(trx),
      repo.listCustomFields(trx, { active: true }),
    ]);
    const overrides = new Map(rows.map((r) => [`${r.role}|${r.field}`, r.access as Access]));
    return { data: roles.flatMap((role) => entriesFor(role, overrides, customFields)) };
  });
}

export interface SetFieldPermissionInput {
  role: Role;
  field: string;
  access: Access | null;
}

/**
 * Sets (or, with null, removes) one role's override of one field. Assignment fields stop at read; an admin's
 * access is never lowered, so the company can always see and fix everything.
 */
export async function setFieldPermission(deps: Deps, ctx: RequestContext, input: SetFieldPermissionInput) {
  const { role, field, access } = input;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const customFields = await repo.listCustomFields(trx, { active: true });
    const isCustom = field.startsWith('customFields.');
    if (isCustom && !customFields.some((c) => `customFields.${c.key}` === field)) {
      throw fieldError('validation_failed', 'field', `${field} is not an active custom field`);
    }
    if (!isCustom && !(controlledFields as readonly string[]).includes(field)) {
      throw fieldError('validation_failed', 'field', `${field} is not a lead field whose access can be set`);
    }
    if (access === 'write' && assignmentFields.includes(field as ControlledField)) {
      throw fieldError('unprocessable', 'access', `${field} changes through assignment only; at most read`);
    }
    const defaultAccess = isCustom
      ? defaultFieldAccess[role].customFields
      : defaultFieldAccess[role][field as ControlledField];
    if (role === 'ADMIN' && access !== null && rank[access] < rank[defaultAccess]) {
      throw fieldError('unprocessable', 'access', "an admin's access to a field cannot be lowered");
    }
    const current = await repo.findFieldPermission(trx, role, field);
    const before = (current?.access as Access | undefined) ?? null;
    if (before !== access) {
      if (access === null) await repo.deleteFieldPermission(trx, role, field);
      else await repo.upsertFieldPermission(trx, { company_id: ctx.actor.companyId, role, field, access });
      // The value is the override; null means the built-in default applies.
      await recordAudit(trx, ctx, {
        action: 'field_permission.changed',
        entityType: 'field_permission',
        entityId: null,
        before: { [`${role}.${field}`]: before },
        after: { [`${role}.${field}`]: access },
      });
    }
    const rows = await repo.listFieldPermissions(trx);
    const overrides = new Map(rows.map((r) => [`${r.role}|${r.field}`, r.access as Access]));
    const entry = entriesFor(role, overrides, customFields).find((e) => e.field === field);
    if (!entry) throw new Error('field permission vanished after write');
    return entry;
  });
}

/** The caller's own access to each lead field: lead forms show hidden fields not at all, read fields read-only. */
export async function myFieldAccess(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const [access, customFields] = await Promise.all([
      fieldAccessFor(trx, ctx.actor.role),
      repo.listCustomFields(trx, { active: true }),
    ]);
    const data: { field: string; label: string; access: Access }[] = [
      { field: 'name', label: 'Name', access: access.canWrite ? 'write' : 'read' },
      ...controlledFields.map((field) => ({ field, label: fieldLabels[field], access: access.fields[field] })),
    ];
    const all = access.fields.customFields;
    for (const custom of customFields) {
      data.push({
        field: `customFields.${custom.key}`,
        label: custom.label,
        access: all === 'hidden' ? 'hidden' : customAccess(access, custom.key),
      });
    }
    return { data };
  });
}
