import {
  IconActivity,
  IconAlertTriangle,
  IconCalendarMonth,
  IconChartBar,
  IconCoin,
  IconCopy,
  IconFileImport,
  IconFlag,
  IconFolder,
  IconHistory,
  IconKey,
  IconLayoutDashboard,
  IconLayoutKanban,
  IconLifebuoy,
  IconListCheck,
  IconSettings,
  IconTargetArrow,
  IconTrash,
  IconTrendingUp,
  IconUserCircle,
  IconUsers,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { Permission } from '../features/auth/session';
import { settingsPermissions } from '../features/settings/sections';

export interface NavItem {
  label: string;
  to: string;
  icon: ComponentType<{ size?: number | string; stroke?: number | string }>;
  /** Shown only to roles holding this permission (or any one of a list); everyone sees items without one. */
  permission?: Permission | readonly Permission[];
}

export const navItems: readonly NavItem[] = [
  { label: 'My day', to: '/my-day', icon: IconListCheck, permission: 'activities:read' },
  { label: 'Dashboard', to: '/', icon: IconLayoutDashboard },
  { label: 'Calendar', to: '/calendar', icon: IconCalendarMonth, permission: 'activities:read' },
  { label: 'Leads', to: '/leads', icon: IconTargetArrow, permission: 'leads:read' },
  { label: 'Board', to: '/leads/board', icon: IconLayoutKanban, permission: 'leads:read' },
  { label: 'Reports', to: '/reports', icon: IconChartBar, permission: 'reports:read' },
  { label: 'Targets', to: '/targets', icon: IconFlag, permission: 'targets:manage' },
  { label: 'At-risk leads', to: '/insights/at-risk', icon: IconAlertTriangle, permission: 'insights:read' },
  { label: 'Customer value', to: '/insights/customers', icon: IconCoin, permission: 'insights:read' },
  { label: 'Forecast', to: '/forecast', icon: IconTrendingUp, permission: 'insights:read' },
  { label: 'Tickets', to: '/tickets', icon: IconLifebuoy, permission: 'tickets:read' },
  { label: 'Files', to: '/files', icon: IconFolder, permission: 'files:read' },
  { label: 'Import', to: '/leads/import', icon: IconFileImport, permission: 'leads:import' },
  { label: 'Duplicates', to: '/leads/duplicates', icon: IconCopy, permission: 'leads:merge' },
  { label: 'Trash', to: '/leads/trash', icon: IconTrash, permission: 'leads:restore' },
  {
    label: 'Users',
    to: '/users',
    icon: IconUsers,
    permission: 'users:read',
  },
  { label: 'Who is active', to: '/users/active', icon: IconActivity, permission: 'users:activity' },
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
  {
    label: 'Settings',
    to: '/settings',
    icon: IconSettings,
    permission: settingsPermissions,
  },
  { label: 'My profile', to: '/profile', icon: IconUserCircle },
];

export function visibleNavItems(permissions: readonly string[]): NavItem[] {
  return navItems.filter((item) => {
    if (!item.permission) return true;
    const wanted: readonly Permission[] = typeof item.permission === 'string' ? [item.permission] : item.permission;
    return wanted.some((permission) => permissions.includes(permission));
  });
}

function matchesPath(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  return pathname === to || pathname.startsWith(`${to}/`);
}

export function isActivePath(pathname: string, to: string): boolean {
  if (!matchesPath(pathname, to)) return false;
  // The most specific item wins: on /leads/board the Board item is the active one, not Leads.
  return !navItems.some((item) => item.to.length > to.length && matchesPath(pathname, item.to));
}
