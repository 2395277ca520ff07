import {
  ActionIcon,
  Badge,
  Button,
  Center,
  EmptyState,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconMailCode, IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { formatRelative } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useDeleteTemplate, useTemplates } from '../../messaging/email.queries';
import type { EmailTemplate } from '../../messaging/messaging.types';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import classes from '../settings.module.css';
import { TemplateEditorModal } from './TemplateEditorModal';

type Scope = 'all' | 'company' | 'personal';

function ScopeBadge({ template }: { template: EmailTemplate }) {
  return template.scope === 'company' ? (
    <Badge size="sm" color="brand">
      Company
    </Badge>
  ) : (
    <Badge size="sm" color="gray">
      Mine
    </Badge>
  );
}

function Actions({
  template,
  onEdit,
  onDelete,
}: {
  template: EmailTemplate;
  onEdit: () => void;
  onDelete: () => void;
}) {
  if (!template.editable) {
    return (
      <Tooltip label="Company templates are kept by admins and managers">
        <ActionIcon variant="subtle" color="gray" aria-label={`View ${template.name}`} onClick={onEdit}>
          <IconSearch size={16} />
        </ActionIcon>
      </Tooltip>
    );
  }
  return (
    <Group gap={2} wrap="nowrap" justify="flex-end">
      <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${template.name}`} onClick={onEdit}>
        <IconPencil size={16} />
      </ActionIcon>
      <ActionIcon variant="subtle" color="red" aria-label={`Delete ${template.name}`} onClick={onDelete}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** Email templates: the company's (kept by admins and managers) and one's own. */
export function TemplatesPage() {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const [scope, setScope] = useState<Scope>('all');
  const [editing, setEditing] = useState<EmailTemplate | 'new' | null>(null);
  const [deleting, setDeleting] = useState<EmailTemplate | null>(null);
  const list = useTemplates(q.trim());
  const remove = useDeleteTemplate();
  const templates = (list.data?.data ?? []).filter((t) => scope === 'all' || t.scope === scope);
  const filtered = Boolean(q.trim()) || scope !== 'all';

  return (
    <>
      <SectionHeader
        title="Email templates"
        description="Reusable emails with the lead’s details filled in: {{ lead.firstName }}, {{ owner.name }}, {{ company.name }} and more."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
            New template
          </Button>
        }
      />
      <ListCard>
        <div className={classes.toolbar}>
          <TextInput
            aria-label="Search templates"
            placeholder="Search by name"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            type="search"
            style={{ flex: '1 1 220px' }}
          />
          <SegmentedControl
            aria-label="Whose"
            value={scope}
            onChange={(value) => setScope(value as Scope)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'company', label: 'Company' },
              { value: 'personal', label: 'Mine' },
            ]}
          />
        </div>
        {list.isPending ? (
          <LoadingRows />
        ) : list.isError ? (
          <LoadFailed error={list.error} onRetry={() => list.refetch()} title="Could not load the templates" />
        ) : templates.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconMailCode size={26} />}
              title={filtered ? 'No templates match' : 'No templates yet'}
              description={
                filtered
                  ? 'Try another search.'
                  : 'Write the emails you send again and again once: a first reply, a quote follow-up, a meeting confirmation.'
              }
            />
          </Center>
        ) : compact ? (
          <div>
            {templates.map((template) => (
              <div key={template.id} className={classes.card}>
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
                  <Stack gap={4} miw={0}>
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        {template.name}
                      </Text>
                      <ScopeBadge template={template} />
                    </Group>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {template.subject}
                    </Text>
                  </Stack>
                  <Actions
                    template={template}
                    onEdit={() => setEditing(template)}
                    onDelete={() => setDeleting(template)}
                  />
                </Group>
              </div>
            ))}
          </div>
        ) : (
          <Table.ScrollContainer minWidth={660} type="native">
            <Table className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Whose</Table.Th>
                  <Table.Th>Changed</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {templates.map((template) => (
                  <Table.Tr key={template.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {template.name}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={260}>
                      <Text size="sm" truncate>
                        {template.subject}
                      </Text>
                    </Table.Td>
                    <Table.Td miw={110} style={{ whiteSpace: 'nowrap' }}>
                      <ScopeBadge template={template} />
                    </Table.Td>
                    <Table.Td w={130}>
                      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {formatRelative(template.updatedAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" w={90}>
                      <Actions
                        template={template}
                        onEdit={() => setEditing(template)}
                        onDelete={() => setDeleting(template)}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListCard>
      <TemplateEditorModal
        opened={editing !== null}
        template={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete template"
        confirmLabel="Delete"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`${deleting.name} was deleted.`, 'Template deleted');
              setDeleting(null);
            },
            onError: (error) => notifyError(error, 'Not deleted'),
          })
        }
      >
        <Text size="sm">
          Delete <b>{deleting?.name}</b>? Emails already sent with it keep their content.
        </Text>
      </ConfirmModal>
    </>
  );
}
