import type { MantineColor } from '@mantine/core';
import type { RoleName } from '../../lib/api';

/** Every role, in the order people think of them (the server's order). */
export const roleNames: readonly RoleName[] = [
  'ADMIN',
  'MANAGER',
  'SALESPERSON',
  'WARRIOR',
  'COSALES',
  'CUSTOMER_SUCCESS',
  'PARTNER',
  'INTEGRATION',
  'DEV',
  'GUEST',
];

const labels: Record<RoleName, string> = {
  ADMIN: 'Admin',
  MANAGER: 'Manager',
  SALESPERSON: 'Salesperson',
  WARRIOR: 'Warrior',
  COSALES: 'Co-sales',
  CUSTOMER_SUCCESS: 'Customer success',
  PARTNER: 'Partner',
  INTEGRATION: 'Integration',
  DEV: 'Dev',
  GUEST: 'Guest',
};

const colors: Record<RoleName, MantineColor> = {
  ADMIN: 'grape',
  MANAGER: 'brand',
  SALESPERSON: 'teal',
  WARRIOR: 'orange',
  COSALES: 'cyan',
  CUSTOMER_SUCCESS: 'pink',
  PARTNER: 'lime',
  INTEGRATION: 'violet',
  DEV: 'dark',
  GUEST: 'gray',
};

export function isRoleName(value: string): value is RoleName {
  return (roleNames as readonly string[]).includes(value);
}

export function roleLabel(role: string): string {
  return isRoleName(role) ? labels[role] : role;
}

export function roleColor(role: string): MantineColor {
  return isRoleName(role) ? colors[role] : 'gray';
}

export const roleOptions = (roles: readonly RoleName[] = roleNames) =>
  roles.map((role) => ({ value: role, label: labels[role] }));

/**
 * The role a new report of this role must report to (the server enforces it; the form uses it to offer only
 * plausible managers).
 */
export const requiredManagerRole: Partial<Record<RoleName, RoleName>> = {
  WARRIOR: 'SALESPERSON',
  SALESPERSON: 'MANAGER',
};

/** Roles an actor may hand out; mirrors the server's rule so the form does not offer what will be refused. */
export function assignableRoles(actorRole: RoleName): readonly RoleName[] {
  if (actorRole === 'ADMIN') return roleNames;
  if (actorRole === 'MANAGER') return ['SALESPERSON', 'WARRIOR'];
  return [];
}
