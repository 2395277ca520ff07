import { Badge, Button, Card, Center, EmptyState, Group, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconArrowBackUp, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { BackTo } from '../leads/BackTo';
import classes from './trash.module.css';
import { type TrashedLead, useRestoreLead, useTrash } from './trash.queries';

const RESTORE_DAYS = 30;

function DaysLeft({ lead }: { lead: TrashedLead }) {
  const color = lead.daysLeft <= 3 ? 'red' : lead.daysLeft <= 7 ? 'orange' : 'gray';
  const text = lead.daysLeft === 0 ? 'last day' : `${lead.daysLeft} ${lead.daysLeft === 1 ? 'day' : 'days'} left`;
  return (
    <Badge color={color} variant="light" title={`Removed for good around ${formatDateTime(lead.purgeAt)}`}>
      {text}
    </Badge>
  );
}

function Deleted({ lead }: { lead: TrashedLead }) {
  return (
    <Text size="sm" title={formatDateTime(lead.deletedAt)}>
      {formatRelative(lead.deletedAt)}
      <Text span size="sm" c="dimmed">
        {' '}
        by {lead.deletedByName ?? (lead.deletedBy ? 'someone' : 'an import undo')}
      </Text>
    </Text>
  );
}

function RestoreButton({ lead }: { lead: TrashedLead }) {
  const restore = useRestoreLead();
  return (
    <Button
      size="xs"
      variant="light"
      leftSection={<IconArrowBackUp size={16} />}
      loading={restore.isPending}
      aria-label={`Restore ${lead.name}`}
      onClick={(event) => {
        event.stopPropagation();
        restore.mutate(lead.id, {
          onSuccess: (restored) => {
            notifySuccess(`${restored.name} is back in the lead list.`, 'Lead restored');
          },
          onError: (error) => notifyError(error, `${lead.name} was not restored`),
        });
      }}
    >
      Restore
    </Button>
  );
}

export function TrashPage() {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const trash = useTrash(q);
  const leads = trash.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <>
      <PageHeader
        above={<BackTo to="/leads" label="Leads" />}
        title="Trash"
        description={`Deleted leads stay here for ${RESTORE_DAYS} days. Restoring one brings it back with everything recorded on it; after that it is removed for good.`}
      />
      <Card p={0}>
        <div className={classes.toolbar}>
          <TextInput
            leftSection={<IconSearch size={16} />}
            placeholder="Search by name, company, email or phone"
            aria-label="Search the trash"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            maw={420}
          />
        </div>
        {trash.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading the trash">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : trash.isError ? (
          <Stack p="md">
            <ErrorAlert error={trash.error} onRetry={() => trash.refetch()} title="Could not load the trash" />
          </Stack>
        ) : leads.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconTrash size={26} />}
              title={q ? 'No deleted lead matches this search' : 'The trash is empty'}
              description={
                q ? 'Try other words.' : `Leads deleted in the last ${RESTORE_DAYS} days show here, ready to restore.`
              }
            />
          </Center>
        ) : compact ? (
          <Stack gap={0}>
            {leads.map((lead) => (
              <div key={lead.id} className={classes.card}>
                <Stack gap={2} miw={0} style={{ flex: 1 }}>
                  <Text fw={600} size="sm" className={classes.name}>
                    {lead.name}
                  </Text>
                  {lead.companyName && (
                    <Text size="xs" c="dimmed">
                      {lead.companyName}
                    </Text>
                  )}
                  <Deleted lead={lead} />
                  <Group gap="xs" mt={4}>
                    <DaysLeft lead={lead} />
                  </Group>
                </Stack>
                <RestoreButton lead={lead} />
              </div>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={640} type="native">
            <Table aria-label="Deleted leads" className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Lead</Table.Th>
                  <Table.Th>Deleted</Table.Th>
                  <Table.Th>Restore within</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {leads.map((lead) => (
                  <Table.Tr key={lead.id}>
                    <Table.Td>
                      <Text fw={600} size="sm" className={classes.name}>
                        {lead.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {[lead.companyName, lead.emails?.[0], lead.phones?.[0]].filter(Boolean).join(' · ') || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Deleted lead={lead} />
                    </Table.Td>
                    <Table.Td>
                      <DaysLeft lead={lead} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <RestoreButton lead={lead} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {leads.length > 0 && (
          <Group justify="space-between" p="md" className={classes.footer}>
            <Text size="sm" c="dimmed">
              {leads.length} deleted {leads.length === 1 ? 'lead' : 'leads'}
              {trash.hasNextPage ? ' so far' : ''}
            </Text>
            {trash.hasNextPage && (
              <Button variant="light" onClick={() => trash.fetchNextPage()} loading={trash.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </Group>
        )}
      </Card>
    </>
  );
}
