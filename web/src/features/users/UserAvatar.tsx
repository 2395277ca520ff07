import { Avatar, type AvatarProps } from '@mantine/core';
import { initials } from '../../lib/format';
import { roleColor } from './roles';

export function UserAvatar({ name, role, ...props }: { name: string; role: string } & AvatarProps) {
  return (
    <Avatar color={roleColor(role)} radius="xl" {...props}>
      {initials(name)}
    </Avatar>
  );
}
