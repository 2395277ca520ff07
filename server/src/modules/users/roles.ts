/**
 * The one permission matrix: role -> permissions, and which users each role may see.
 * Later modules add their permissions here; routes name one and the guard checks it.
 */
export const roles = [
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
] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'profile:self',
  'company:read',
  'company:manage',
  'roles:read',
  'users:read',
  'users:manage',
  'users:reset-passwords',
  'audit:read',
  'api-keys:manage',
  'notifications:self',
  'leads:read',
  'leads:create',
  'leads:write',
  'leads:assign',
  'leads:reopen',
  'leads:export',
  'leads:merge',
  'leads:delete',
  'leads:restore',
  'leads:import',
  'leads:backdate',
  'views:share',
  'pipeline:manage',
  'fields:manage',
  'assignment:manage',
  'availability:manage',
  'partners:read',
  'partners:manage',
  'forms:manage',
  'duplicates:manage',
  'duplicates:override',
  'activities:read',
  'activities:write',
  'users:activity',
  'whatsapp:manage',
  'whatsapp:send',
  'email:manage',
  'email:templates',
  'email:send',
  'reports:read',
  'reports:build',
  'targets:manage',
  'webhooks:manage',
  'webhooks:read',
  'files:read',
  'files:write',
  'folders:manage',
  'facebook:manage',
  'facebook:read',
  'tickets:read',
  'tickets:write',
  'integrations:read',
  'integrations:manage',
  'extractor:manage',
  'extractor:read',
  'erp:manage',
  'erp:read',
  'erp:push',
  'scoring:manage',
  'insights:read',
  'insights:manage',
] as const;
export type Permission = (typeof permissions)[number];

/** Which users a role sees: everyone, its reporting subtree, itself and its warriors, or only itself. */
export type UserScope = 'all' | 'subtree' | 'self_and_warriors' | 'self';

interface RoleDefinition {
  label: string;
  userScope: UserScope;
  permissions: readonly Permission[];
}

const everyone: Permission[] = ['profile:self', 'company:read', 'notifications:self', 'files:read', 'tickets:read'];

/** Whoever may work a lead may also log its activities and write to it by email and WhatsApp. */
const worksLeads: Permission[] = [
  'leads:read',
  'leads:write',
  'activities:read',
  'activities:write',
  'email:send',
  'whatsapp:send',
  'reports:read',
  'reports:build',
  'files:write',
  'tickets:write',
];

export const roleMatrix: Record<Role, RoleDefinition> = {
  ADMIN: { label: 'Admin', userScope: 'all', permissions: [...permissions] },
  MANAGER: {
    label: 'Manager',
    userScope: 'subtree',
    permissions: [
      ...everyone,
      ...worksLeads,
      'email:templates',
      'roles:read',
      'users:read',
      'users:manage',
      'leads:create',
      'users:activity',
      'leads:assign',
      'leads:import',
      'leads:merge',
      'duplicates:override',
      'leads:delete',
      'leads:reopen',
      'leads:export',
      'views:share',
      'availability:manage',
      'partners:read',
      'targets:manage',
      'folders:manage',
      'erp:push',
      'insights:read',
    ],
  },
  SALESPERSON: {
    label: 'Salesperson',
    userScope: 'self_and_warriors',
    permissions: [
      ...everyone,
      ...worksLeads,
      'roles:read',
      'users:read',
      'leads:create',
      'users:activity',
      'leads:assign',
      'leads:import',
      'leads:merge',
      'leads:delete',
      'leads:export',
      'erp:push',
      'partners:read',
      'insights:read',
    ],
  },
  WARRIOR: {
    label: 'Warrior',
    userScope: 'self',
    permissions: [...everyone, ...worksLeads, 'users:read', 'leads:create'],
  },
  COSALES: {
    label: 'Co-sales',
    userScope: 'self',
    permissions: [...everyone, ...worksLeads, 'users:read'],
  },
  CUSTOMER_SUCCESS: {
    label: 'Customer success',
    userScope: 'self',
    permissions: [...everyone, ...worksLeads, 'users:read', 'leads:export', 'insights:read'],
  },
  PARTNER: {
    label: 'Partner',
    userScope: 'self',
    permissions: [...everyone, ...worksLeads.filter((p) => p !== 'tickets:write'), 'leads:create'],
  },
  INTEGRATION: {
    label: 'Integration',
    userScope: 'self',
    permissions: [
      ...everyone,
      ...worksLeads,
      'api-keys:manage',
      'leads:create',
      'leads:assign',
      'leads:import',
      'leads:backdate',
      'duplicates:override',
      'webhooks:read',
      'extractor:read',
      'erp:read',
      'facebook:read',
      'integrations:read',
    ],
  },
  DEV: {
    label: 'Dev',
    userScope: 'all',
    permissions: [
      ...everyone,
      'roles:read',
      'users:read',
      'api-keys:manage',
      'leads:read',
      'activities:read',
      'leads:export',
      'reports:read',
      'files:write',
      'tickets:write',
    ],
  },
  GUEST: {
    label: 'Guest',
    userScope: 'self',
    permissions: [...everyone, 'users:read', 'leads:read', 'activities:read'],
  },
};

export function can(role: Role, permission: Permission): boolean {
  return roleMatrix[role].permissions.includes(permission);
}

/** Roles an actor may give when creating or editing users (ADMIN: any; MANAGER: its field team). */
export function assignableRoles(role: Role): readonly Role[] {
  if (role === 'ADMIN') return roles;
  if (role === 'MANAGER') return ['SALESPERSON', 'WARRIOR'];
  return [];
}

/** Who a role reports to: a violation is a 422 naming the rule. */
export const requiredManagerRole: Partial<Record<Role, Role>> = {
  WARRIOR: 'SALESPERSON',
  SALESPERSON: 'MANAGER',
};
