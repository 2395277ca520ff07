import { IconHistory, IconKey, IconLayoutDashboard, IconUserCircle, IconUsers } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { Permission } from '../features/auth/session';

export interface NavItem {
  label: string;
  to: string;
  icon: ComponentType<{ size?: number | string; stroke?: number | string }>;
  /** Shown only to roles holding this permission; everyone sees items without one. */
  permission?: Permission;
}

export const navItems: readonly NavItem[] = [
  { label: 'Dashboard', to: '/', icon: IconLayoutDashboard },
  {
    label: 'Users',
    to: '/users',
    icon: IconUsers,
    permission: 'users:read',
  },
  {
    label: 'Audit log',
    to: '/audit',
    icon: IconHistory,
    permission: 'audit:read',
  },
  {
    label: 'API keys',
    to: '/api-keys',
    icon: IconKey,
    permission: 'api-keys:manage',
  },
  { label: 'My profile', to: '/profile', icon: IconUserCircle },
];

export function visibleNavItems(permissions: readonly string[]): NavItem[] {
  return navItems.filter((item) => !item.permission || permissions.includes(item.permission));
}

export function isActivePath(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  return pathname === to || pathname.startsWith(`${to}/`);
}
