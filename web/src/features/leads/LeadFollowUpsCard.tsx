import { Button, Card, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ActivityRow } from '../activities/ActivityRow';
import { useActivities } from '../activities/activities.queries';
import { ScheduleModal } from '../activities/ScheduleModal';
import { useActivityActions } from '../activities/useActivityActions';
import { useCan } from '../auth/session';
import type { Lead } from './leads.types';

/** The lead's follow-ups and meetings still to do, each completable or movable right here. */
export function LeadFollowUpsCard({ lead }: { lead: Lead }) {
  const canRead = useCan('activities:read');
  const canWrite = useCan('activities:write');
  const [scheduling, setScheduling] = useState(false);
  const list = useActivities(
    { leadId: lead.id, type: 'follow_up,meeting', status: 'open,missed', limit: 20 },
    { enabled: canRead },
  );
  const { actions, modals } = useActivityActions();
  if (!canRead) return null;
  const items = list.data?.data ?? [];

  return (
    <Card p={0} component="section" aria-label="Follow-ups">
      <Group justify="space-between" p="md" pb="xs" gap="xs">
        <Text fw={650}>Follow-ups</Text>
        {canWrite && (
          <Button
            size="compact-xs"
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={() => setScheduling(true)}
          >
            Schedule
          </Button>
        )}
      </Group>
      {list.isPending ? (
        <Stack px="md" pb="md" gap="xs">
          <Skeleton h={36} />
        </Stack>
      ) : list.isError ? (
        <Stack px="md" pb="md">
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load the follow-ups" />
        </Stack>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" px="md" pb="md">
          Nothing planned. Schedule the next step so this lead is not forgotten.
        </Text>
      ) : (
        <div>
          {items.map((activity) => (
            <ActivityRow
              key={activity.id}
              activity={activity}
              actions={actions}
              canWrite={canWrite}
              showLead={false}
              showAssignee
            />
          ))}
          {list.data?.nextCursor && (
            <Text size="xs" c="dimmed" p="sm" ta="center">
              Showing the first {items.length}.
            </Text>
          )}
        </div>
      )}
      <ScheduleModal lead={lead} opened={scheduling} onClose={() => setScheduling(false)} />
      {modals}
    </Card>
  );
}
