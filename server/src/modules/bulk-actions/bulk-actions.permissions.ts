import type { Permission } from '../users/index.ts';
import type { BulkActionKind } from './bulk-actions.schemas.ts';

/** The permission each bulk action needs, as the single edit it stands for would. */
export const actionPermission: Record<BulkActionKind, Permission> = {
  assign: 'leads:assign',
  partner: 'leads:assign',
  stage: 'leads:write',
  tag: 'leads:write',
  untag: 'leads:write',
  delete: 'leads:delete',
};
