import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Center,
  EmptyState,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconHeartHandshake, IconPencil, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { StatusBadge } from '../../../components/Badges';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import classes from '../settings.module.css';
import type { Partner } from '../settings.types';
import { PartnerModal } from './PartnerModal';
import { usePartnerList } from './partners.queries';

type StatusFilter = 'all' | 'active' | 'inactive';

function Territories({ partner }: { partner: Partner }) {
  if (partner.territories.length === 0) return <Text c="dimmed">—</Text>;
  const shown = partner.territories.slice(0, 4);
  const more = partner.territories.length - shown.length;
  return (
    <Group gap={4}>
      {shown.map((territory) => (
        <Badge key={territory} size="sm" variant="default" tt="none" fw={500}>
          {territory}
        </Badge>
      ))}
      {more > 0 && (
        <Text size="xs" c="dimmed">
          +{more}
        </Text>
      )}
    </Group>
  );
}

function Contact({ partner }: { partner: Partner }) {
  if (!partner.contactName && !partner.contactEmail && !partner.contactPhone) return <Text c="dimmed">—</Text>;
  return (
    <Stack gap={0}>
      {partner.contactName && <Text size="sm">{partner.contactName}</Text>}
      {partner.contactEmail && (
        <Anchor href={`mailto:${partner.contactEmail}`} size="xs" c="dimmed">
          {partner.contactEmail}
        </Anchor>
      )}
      {partner.contactPhone && (
        <Anchor href={`tel:${partner.contactPhone}`} size="xs" c="dimmed">
          {partner.contactPhone}
        </Anchor>
      )}
    </Stack>
  );
}

function EditButton({ partner, onEdit }: { partner: Partner; onEdit: () => void }) {
  return (
    <Tooltip label="Edit" openDelay={400}>
      <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${partner.name}`} onClick={onEdit}>
        <IconPencil size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

export function PartnersPage() {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const list = usePartnerList({ q, active: status === 'all' ? undefined : status === 'active' });
  const partners = list.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = Boolean(q.trim()) || status !== 'all';

  return (
    <>
      <SectionHeader
        title="Partners"
        description="Organisations that bring you leads or work them with you. Partner users belong to one of these."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
            New partner
          </Button>
        }
      />
      <ListCard>
        <div className={classes.toolbar}>
          <TextInput
            aria-label="Search partners"
            placeholder="Search by name, contact or territory"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            type="search"
            style={{ flex: '1 1 240px' }}
          />
          <SegmentedControl
            aria-label="Status"
            value={status}
            onChange={(value) => setStatus(value === 'active' || value === 'inactive' ? value : 'all')}
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'inactive', label: 'Inactive' },
            ]}
          />
        </div>
        {list.isPending ? (
          <LoadingRows />
        ) : list.isError ? (
          <LoadFailed error={list.error} onRetry={() => list.refetch()} title="Could not load the partners" />
        ) : partners.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconHeartHandshake size={26} />}
              title={filtered ? 'No partners match' : 'No partners yet'}
              description={
                filtered
                  ? 'Try another search or status.'
                  : 'Add the agencies, resellers or referrers you work with, and the territories they cover.'
              }
            />
          </Center>
        ) : compact ? (
          <div>
            {partners.map((partner) => (
              <div key={partner.id} className={classes.card} data-inactive={!partner.active || undefined}>
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
                  <Stack gap={6} miw={0} style={{ flex: 1 }}>
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        {partner.name}
                      </Text>
                      {!partner.active && <StatusBadge active={false} />}
                    </Group>
                    <Contact partner={partner} />
                    {partner.territories.length > 0 && <Territories partner={partner} />}
                  </Stack>
                  <EditButton partner={partner} onEdit={() => setEditing(partner)} />
                </Group>
              </div>
            ))}
          </div>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native">
            <Table className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Contact</Table.Th>
                  <Table.Th>Territories</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {partners.map((partner) => (
                  <Table.Tr key={partner.id} data-inactive={!partner.active || undefined}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {partner.name}
                      </Text>
                    </Table.Td>
                    <Table.Td miw={200}>
                      <Contact partner={partner} />
                    </Table.Td>
                    <Table.Td maw={240}>
                      <Territories partner={partner} />
                    </Table.Td>
                    <Table.Td w={140}>
                      <StatusBadge active={partner.active} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <EditButton partner={partner} onEdit={() => setEditing(partner)} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {partners.length > 0 && (list.hasNextPage || list.isFetching) && (
          <Group justify="center" p="sm">
            {list.hasNextPage ? (
              <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            ) : (
              <Loader size="xs" />
            )}
          </Group>
        )}
      </ListCard>
      <PartnerModal
        opened={editing !== null}
        partner={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
