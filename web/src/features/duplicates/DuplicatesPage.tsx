import { Button, Center, EmptyState, Group, SegmentedControl, Skeleton, Stack, Text } from '@mantine/core';
import { IconCopy, IconRadar, IconSettings } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDate } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { BackTo } from '../leads/BackTo';
import { useStages } from '../leads/pipeline.queries';
import { type DuplicateGroup, type GroupStatus, useDismissGroup, useDuplicateGroups } from './duplicates.queries';
import { GroupCard } from './GroupCard';
import { useMergeLeads } from './merges.queries';
import { ScanButton, ScanStatus } from './ScanButton';

const statusOptions: { value: GroupStatus; label: string }[] = [
  { value: 'open', label: 'To review' },
  { value: 'merged', label: 'Merged' },
  { value: 'dismissed', label: 'Dismissed' },
];

/** The oldest live lead stays: it is the record people have been working the longest. */
function survivorOf(group: DuplicateGroup) {
  const live = group.members.filter((m) => m.state === 'live').map((m) => m.lead);
  return [...live].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] ?? null;
}

/** The review queue: groups of leads that look alike, to merge in one click or dismiss. */
export function DuplicatesPage() {
  const navigate = useNavigate();
  const { stages } = useStages();
  const canMerge = useCan('leads:merge');
  const canManage = useCan('duplicates:manage');
  const canWrite = useCan('leads:write');
  const [status, setStatus] = useState<GroupStatus>('open');
  const groups = useDuplicateGroups(status);
  const dismiss = useDismissGroup();
  const merge = useMergeLeads();
  const [quick, setQuick] = useState<DuplicateGroup | null>(null);
  const list = groups.data?.pages.flatMap((page) => page.data) ?? [];

  const survivor = quick ? survivorOf(quick) : null;
  const merged = quick ? quick.members.filter((m) => m.state === 'live' && m.lead.id !== survivor?.id) : [];

  const runQuickMerge = () => {
    if (!survivor) return;
    merge.mutate(
      { survivorId: survivor.id, mergedIds: merged.map((m) => m.lead.id) },
      {
        onSuccess: (result) => {
          setQuick(null);
          notifySuccess(`Merged into ${survivor.name}. You can undo it from the lead's merge history.`, 'Leads merged');
          navigate(`/leads/${result.survivorId}`);
        },
        onError: (error) => {
          setQuick(null);
          notifyError(error, 'The leads were not merged');
        },
      },
    );
  };

  return (
    <>
      <PageHeader
        above={<BackTo to="/leads" label="Leads" />}
        title="Duplicates"
        description="Leads that look like the same person or company. Merge them into one record (you can undo it for 30 days), or dismiss a group that is not a duplicate. Confidence follows what matched: the same email and name is high, a shared phone alone medium, a similar name alone low."
        actions={
          canManage && (
            <>
              <Button
                component={Link}
                to="/settings/duplicates"
                variant="default"
                leftSection={<IconSettings size={18} />}
              >
                Settings
              </Button>
              <ScanButton />
            </>
          )
        }
      />
      <Group mb="md" justify="space-between" gap="sm">
        <SegmentedControl
          value={status}
          onChange={(value) => setStatus(value as GroupStatus)}
          data={statusOptions}
          aria-label="Which groups"
        />
        <ScanStatus />
      </Group>

      {groups.isPending ? (
        <Stack aria-busy="true" aria-label="Loading duplicate groups">
          {[0, 1, 2].map((row) => (
            <Skeleton key={row} h={140} radius="lg" />
          ))}
        </Stack>
      ) : groups.isError ? (
        <ErrorAlert error={groups.error} onRetry={() => groups.refetch()} title="Could not load the duplicates" />
      ) : list.length === 0 ? (
        <Center py={56}>
          <EmptyState
            icon={status === 'open' ? <IconCopy size={26} /> : <IconRadar size={26} />}
            title={status === 'open' ? 'No duplicates to review' : `No ${status} groups`}
            description={
              status === 'open'
                ? 'New leads are checked as they come in, and a scan runs every night.'
                : 'Groups you merge or dismiss are listed here.'
            }
          />
        </Center>
      ) : (
        <Stack gap="md">
          {list.map((group) => (
            <GroupCard
              key={group.id}
              group={group}
              stages={stages}
              canMerge={canMerge}
              canDismiss={canWrite}
              onQuickMerge={setQuick}
              dismissing={dismiss.isPending && dismiss.variables === group.id}
              onDismiss={(g) =>
                dismiss.mutate(g.id, {
                  onSuccess: () => notifySuccess('They will not be suggested again.', 'Group dismissed'),
                  onError: (error) => notifyError(error, 'The group was not dismissed'),
                })
              }
            />
          ))}
          {groups.hasNextPage && (
            <Group justify="center">
              <Button variant="light" onClick={() => groups.fetchNextPage()} loading={groups.isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </Stack>
      )}

      <ConfirmModal
        opened={quick !== null}
        title="Merge these leads?"
        confirmLabel="Merge"
        color="brand"
        loading={merge.isPending}
        onConfirm={runQuickMerge}
        onClose={() => setQuick(null)}
      >
        {survivor && (
          <Stack gap="xs">
            <Text size="sm">
              <b>{survivor.name}</b> (the oldest record, created {formatDate(survivor.createdAt)}) is kept;{' '}
              {merged.map((m) => m.lead.name).join(', ')} {merged.length === 1 ? 'is' : 'are'} merged into it.
            </Text>
            <Text size="sm" c="dimmed">
              It keeps its own values, fills its empty fields from the others, and gathers every email, phone, tag, note
              and activity. To choose values yourself, use “Choose values…”. You can undo the merge for 30 days.
            </Text>
          </Stack>
        )}
      </ConfirmModal>
    </>
  );
}
