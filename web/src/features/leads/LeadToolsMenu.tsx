import { ActionIcon, Menu } from '@mantine/core';
import { IconCopy, IconDots, IconFileImport, IconTrash } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useCan } from '../auth/session';

/** The lead list's less frequent tools: import, the duplicates queue, the trash (each for who may use it). */
export function LeadToolsMenu() {
  const canImport = useCan('leads:import');
  const canRead = useCan('leads:read');
  const canRestore = useCan('leads:restore');
  if (!canImport && !canRead && !canRestore) return null;
  return (
    <Menu position="bottom-end" shadow="md" withinPortal>
      <Menu.Target>
        <ActionIcon variant="default" size={36} aria-label="More lead tools" title="More lead tools">
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {canImport && (
          <Menu.Item component={Link} to="/leads/import" leftSection={<IconFileImport size={16} />}>
            Import leads
          </Menu.Item>
        )}
        {canRead && (
          <Menu.Item component={Link} to="/leads/duplicates" leftSection={<IconCopy size={16} />}>
            Review duplicates
          </Menu.Item>
        )}
        {canRestore && (
          <Menu.Item component={Link} to="/leads/trash" leftSection={<IconTrash size={16} />}>
            Trash
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
