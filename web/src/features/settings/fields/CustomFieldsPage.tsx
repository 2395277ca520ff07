import {
  ActionIcon,
  Badge,
  Button,
  Center,
  Code,
  EmptyState,
  Group,
  Menu,
  SegmentedControl,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDots, IconListDetails, IconPencil, IconPlayerPlay, IconPlayerStop, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { StatusBadge } from '../../../components/Badges';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useCustomFields } from '../../leads/customFields.queries';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import classes from '../settings.module.css';
import type { CustomField } from '../settings.types';
import { CustomFieldModal } from './CustomFieldModal';
import { useDeactivateCustomField, useUpdateCustomField } from './fields.queries';
import { typeLabel } from './fieldTypes';

type Shown = 'active' | 'all';

function OptionsSummary({ field }: { field: CustomField }) {
  if (field.options.length === 0) return <Text c="dimmed">—</Text>;
  const shown = field.options.slice(0, 3).join(', ');
  const more = field.options.length - 3;
  return (
    <Text size="sm" lineClamp={1} title={field.options.join(', ')}>
      {shown}
      {more > 0 ? ` +${more} more` : ''}
    </Text>
  );
}

function FieldActions({
  field,
  onEdit,
  onDeactivate,
}: {
  field: CustomField;
  onEdit: () => void;
  onDeactivate: () => void;
}) {
  const update = useUpdateCustomField();
  const reactivate = () =>
    update.mutate(
      { key: field.key, body: { active: true } },
      {
        onSuccess: () => notifySuccess(`${field.label} is back on lead forms.`, 'Field reactivated'),
        onError: (error) => notifyError(error, 'Could not reactivate the field'),
      },
    );
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${field.label}`} loading={update.isPending}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit}>
          Edit
        </Menu.Item>
        {field.active ? (
          <Menu.Item color="red" leftSection={<IconPlayerStop size={16} />} onClick={onDeactivate}>
            Deactivate
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={reactivate}>
            Reactivate
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

export function CustomFieldsPage() {
  const query = useCustomFields('all');
  const deactivate = useDeactivateCustomField();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [shown, setShown] = useState<Shown>('active');
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const [deactivating, setDeactivating] = useState<CustomField | null>(null);
  const all = query.data ?? [];
  const list = shown === 'active' ? all.filter((field) => field.active) : all;
  const inactiveCount = all.filter((field) => !field.active).length;

  const actionsOf = (field: CustomField) => (
    <FieldActions field={field} onEdit={() => setEditing(field)} onDeactivate={() => setDeactivating(field)} />
  );

  return (
    <>
      <SectionHeader
        title="Custom fields"
        description="Fields your company records on leads beyond the built-in ones. They appear on lead forms in this order."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
            New field
          </Button>
        }
      />
      <ListCard>
        <div className={classes.toolbar}>
          <Text size="sm" c="dimmed">
            {all.length - inactiveCount} active
            {inactiveCount > 0 ? ` · ${inactiveCount} deactivated` : ''}
          </Text>
          <SegmentedControl
            size="xs"
            aria-label="Fields shown"
            value={shown}
            onChange={(value) => setShown(value === 'all' ? 'all' : 'active')}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'all', label: 'All' },
            ]}
          />
        </div>
        {query.isPending ? (
          <LoadingRows />
        ) : query.isError ? (
          <LoadFailed error={query.error} onRetry={() => query.refetch()} title="Could not load the custom fields" />
        ) : list.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconListDetails size={26} />}
              title={all.length === 0 ? 'No custom fields yet' : 'No active custom fields'}
              description="Add one for anything your team tracks that iPerform does not, such as a site visit date or a budget range."
            />
          </Center>
        ) : compact ? (
          <div>
            {list.map((field) => (
              <div key={field.key} className={classes.card} data-inactive={!field.active || undefined}>
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
                  <Stack gap={4} miw={0} style={{ flex: 1 }}>
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        {field.label}
                      </Text>
                      {field.required && (
                        <Badge size="xs" color="orange">
                          Required
                        </Badge>
                      )}
                      {!field.active && <StatusBadge active={false} />}
                    </Group>
                    <Group gap="xs">
                      <Code>{field.key}</Code>
                      <Text size="xs" c="dimmed">
                        {typeLabel(field.type)}
                      </Text>
                    </Group>
                    {field.options.length > 0 && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {field.options.join(', ')}
                      </Text>
                    )}
                  </Stack>
                  {actionsOf(field)}
                </Group>
              </div>
            ))}
          </div>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native">
            <Table className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Label</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Options</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((field) => (
                  <Table.Tr key={field.key} data-inactive={!field.active || undefined}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={600}>
                          {field.label}
                        </Text>
                        {field.required && (
                          <Badge size="xs" color="orange">
                            Required
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Code>{field.key}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{typeLabel(field.type)}</Text>
                    </Table.Td>
                    <Table.Td maw={220}>
                      <OptionsSummary field={field} />
                    </Table.Td>
                    <Table.Td w={140}>
                      <StatusBadge active={field.active} />
                    </Table.Td>
                    <Table.Td ta="right">{actionsOf(field)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListCard>

      <CustomFieldModal
        opened={editing !== null}
        field={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={deactivating !== null}
        onClose={() => setDeactivating(null)}
        title={`Deactivate ${deactivating?.label ?? 'field'}?`}
        confirmLabel="Deactivate"
        loading={deactivate.isPending}
        onConfirm={() => {
          if (!deactivating) return;
          const field = deactivating;
          deactivate.mutate(field.key, {
            onSuccess: () => {
              setDeactivating(null);
              notifySuccess(`${field.label} no longer shows on lead forms.`, 'Field deactivated');
            },
            onError: (error) => {
              setDeactivating(null);
              notifyError(error, 'Could not deactivate the field');
            },
          });
        }}
      >
        <Text size="sm">
          The field leaves lead forms, filters and rules. Values already on leads are kept, and you can reactivate it
          later.
        </Text>
      </ConfirmModal>
    </>
  );
}
