import { Badge } from '@mantine/core';
import { roleColor, roleLabel } from '../features/users/roles';

export function RoleBadge({ role }: { role: string }) {
  return <Badge color={roleColor(role)}>{roleLabel(role)}</Badge>;
}

export function StatusBadge({ active }: { active: boolean }) {
  return (
    <Badge color={active ? 'teal' : 'gray'} variant="dot">
      {active ? 'Active' : 'Inactive'}
    </Badge>
  );
}
