import { Anchor, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCalendarTime, IconCheck, IconExternalLink, IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { assigneeClock, formatDateTime } from '../../lib/format';
import { type Activity, channelLabel, isPending, statusColors, statusLabels, typeLabels } from './activities.types';
import { activityIcon } from './activityIcons';
import type { ActivityActions } from './useActivityActions';

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={96} style={{ flex: 'none' }}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ minWidth: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {children}
      </Text>
    </Group>
  );
}

/** One follow-up as the calendar opens it: the facts, and what can be done with it. */
export function ActivityDetailModal({
  activity,
  actions,
  canWrite,
  onClose,
}: {
  activity: Activity | null;
  actions: ActivityActions;
  canWrite: boolean;
  onClose: () => void;
}) {
  const Icon = activity ? activityIcon(activity) : null;
  const run = (action: (a: Activity) => void) => () => {
    if (!activity) return;
    onClose();
    action(activity);
  };
  return (
    <Modal
      opened={activity !== null}
      onClose={onClose}
      size="md"
      title={
        activity && (
          <Group gap="xs" wrap="nowrap">
            {Icon && <Icon size={18} />}
            <Text fw={650} style={{ overflowWrap: 'anywhere' }}>
              {activity.title}
            </Text>
          </Group>
        )
      }
    >
      {activity && (
        <Stack gap="md">
          <Stack gap={6}>
            <Line label="Lead">
              <Anchor component={Link} to={`/leads/${activity.leadId}`} size="sm" onClick={onClose}>
                {activity.leadName}
              </Anchor>
            </Line>
            <Line label="Due">
              {formatDateTime(activity.dueAt)}
              {assigneeClock(activity) && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({assigneeClock(activity)})
                </Text>
              )}
            </Line>
            <Line label="Kind">
              {typeLabels[activity.type]}
              {activity.type === 'follow_up' && activity.channel ? ` · ${channelLabel(activity.channel)}` : ''}
            </Line>
            <Line label="Status">
              <Badge color={statusColors[activity.status]}>{statusLabels[activity.status]}</Badge>
              {activity.overdue && (
                <Badge color="red" variant="outline" ml={6}>
                  Overdue
                </Badge>
              )}
            </Line>
            <Line label="Assigned to">{activity.assignee.name}</Line>
            {activity.location && <Line label="Where">{activity.location}</Line>}
            {activity.notes && <Line label="Notes">{activity.notes}</Line>}
            {activity.outcome && <Line label="Outcome">{activity.outcome}</Line>}
            {activity.createdBy && activity.createdBy.id !== activity.assignee.id && (
              <Line label="Planned by">{activity.createdBy.name}</Line>
            )}
          </Stack>
          <Group gap="xs" justify="flex-end">
            <Button
              variant="default"
              component={Link}
              to={`/leads/${activity.leadId}`}
              leftSection={<IconExternalLink size={16} />}
              onClick={onClose}
            >
              Open lead
            </Button>
            {canWrite && isPending(activity) && (
              <>
                <Button variant="default" color="red" leftSection={<IconX size={16} />} onClick={run(actions.cancel)}>
                  Cancel
                </Button>
                <Button variant="default" leftSection={<IconCalendarTime size={16} />} onClick={run(actions.pickTime)}>
                  Reschedule
                </Button>
                <Button
                  color="teal"
                  leftSection={<IconCheck size={16} />}
                  onClick={run((a) => actions.completeWithDetails(a))}
                >
                  Complete
                </Button>
              </>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
