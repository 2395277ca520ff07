import type { ReactNode } from 'react';
import { ForbiddenPage } from '../../components/StatusPages';
import { type Permission, useCan } from './session';

/** Guards a page: a person without the permission sees why, instead of a page of failing requests. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan(permission) ? children : <ForbiddenPage />;
}
