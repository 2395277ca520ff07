import { ActionIcon, Menu, Text } from '@mantine/core';
import { IconDots, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import type { Lead } from '../leads/leads.types';
import { useTrashLead } from './trash.queries';

/** The lead page's menu of rarer actions: for now, moving the lead to the trash. */
export function DeleteLeadMenu({ lead }: { lead: Lead }) {
  const canDelete = useCan('leads:delete');
  const navigate = useNavigate();
  const trash = useTrashLead();
  const [confirming, setConfirming] = useState(false);
  if (!canDelete) return null;
  return (
    <>
      <Menu position="bottom-end" shadow="md" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size={32} aria-label="More actions for this lead">
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)}>
            Delete lead
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ConfirmModal
        opened={confirming}
        title={`Delete ${lead.name}?`}
        confirmLabel="Move to trash"
        loading={trash.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          trash.mutate(lead.id, {
            onSuccess: () => {
              notifySuccess(
                `${lead.name} is in the trash. An administrator can restore it for 30 days.`,
                'Lead deleted',
              );
              navigate('/leads');
            },
            onError: (error) => {
              setConfirming(false);
              notifyError(error, 'The lead was not deleted');
            },
          })
        }
      >
        <Text size="sm">
          It leaves every list, count and search at once. An administrator can restore it, with everything recorded on
          it, for 30 days.
        </Text>
      </ConfirmModal>
    </>
  );
}
