import { ActionIcon, Anchor, Badge, Group, Loader, Menu, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconCalendarTime, IconCheck, IconCircleCheck, IconDots, IconExternalLink, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { assigneeClock, formatWhen } from '../../lib/format';
import { useMe } from '../auth/session';
import classes from './activities.module.css';
import { type Activity, channelLabel, isPending, statusColors, statusLabels } from './activities.types';
import { activityIcon } from './activityIcons';
import { quickTimes } from './dates';
import type { ActivityActions } from './useActivityActions';

/** One follow-up in a list: complete with one click, reschedule from the clock menu, the rest under "more". */
export function ActivityRow({
  activity,
  actions,
  canWrite,
  showAssignee = false,
  showLead = true,
}: {
  activity: Activity;
  actions: ActivityActions;
  canWrite: boolean;
  showAssignee?: boolean;
  showLead?: boolean;
}) {
  const me = useMe();
  const Icon = activityIcon(activity);
  const pending = isPending(activity);
  const busy = actions.busyId === activity.id;
  const otherClock = assigneeClock(activity);
  const how =
    activity.type === 'follow_up' ? channelLabel(activity.channel) : activity.type === 'meeting' ? 'Meeting' : null;
  return (
    <div className={classes.row} data-status={activity.status} data-overdue={activity.overdue || undefined}>
      {canWrite && pending ? (
        <Tooltip label="Mark done" openDelay={300}>
          <ActionIcon
            variant="outline"
            color="teal"
            radius="xl"
            size={30}
            onClick={() => actions.complete(activity)}
            disabled={busy}
            aria-label={`Complete ${activity.title}`}
            className={classes.check}
          >
            {busy ? <Loader size={14} color="teal" /> : <IconCheck size={16} stroke={2.4} />}
          </ActionIcon>
        </Tooltip>
      ) : (
        <ThemeIcon variant="light" radius="xl" size={30} color={statusColors[activity.status]}>
          {activity.status === 'done' ? <IconCircleCheck size={17} /> : <Icon size={16} />}
        </ThemeIcon>
      )}
      <div className={classes.rowMain}>
        <Text
          size="sm"
          fw={600}
          className={classes.title}
          td={activity.status === 'cancelled' ? 'line-through' : undefined}
        >
          {activity.title}
        </Text>
        <Group gap={6} wrap="wrap" className={classes.meta}>
          <Text size="xs" c={activity.overdue ? 'red' : 'dimmed'} fw={activity.overdue ? 600 : 400}>
            <span title={otherClock ?? undefined}>{formatWhen(activity.dueAt)}</span>
          </Text>
          {how && (
            <Group gap={3} wrap="nowrap">
              <Icon size={13} stroke={1.7} />
              <Text size="xs" c="dimmed">
                {how}
              </Text>
            </Group>
          )}
          {showLead && (
            <Anchor component={Link} to={`/leads/${activity.leadId}`} size="xs" fw={500}>
              {activity.leadName}
            </Anchor>
          )}
          {showAssignee && activity.assignee.id !== me.user.id && (
            <Text size="xs" c="dimmed">
              · {activity.assignee.name}
            </Text>
          )}
          {activity.status !== 'open' && (
            <Badge size="xs" color={statusColors[activity.status]}>
              {statusLabels[activity.status]}
            </Badge>
          )}
        </Group>
        {(activity.outcome || activity.notes) && (
          <Text size="xs" c="dimmed" lineClamp={1} className={classes.notes}>
            {activity.outcome ?? activity.notes}
          </Text>
        )}
      </div>
      {canWrite && pending && (
        <Group gap={2} wrap="nowrap">
          <Menu position="bottom-end" withinPortal shadow="md">
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Reschedule ${activity.title}`} disabled={busy}>
                <IconCalendarTime size={18} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Move to</Menu.Label>
              {quickTimes().map((q) => (
                <Menu.Item key={q.label} onClick={() => actions.reschedule(activity, q.at)}>
                  {q.label}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={() => actions.pickTime(activity)}>Pick a date and time…</Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <Menu position="bottom-end" withinPortal shadow="md">
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`More for ${activity.title}`}>
                <IconDots size={18} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconCheck size={14} />} onClick={() => actions.completeWithDetails(activity)}>
                Complete with outcome…
              </Menu.Item>
              <Menu.Item
                leftSection={<IconCalendarTime size={14} />}
                onClick={() => actions.completeWithDetails(activity, true)}
              >
                Complete and schedule next…
              </Menu.Item>
              {showLead && (
                <Menu.Item
                  leftSection={<IconExternalLink size={14} />}
                  component={Link}
                  to={`/leads/${activity.leadId}`}
                >
                  Open lead
                </Menu.Item>
              )}
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconX size={14} />} onClick={() => actions.cancel(activity)}>
                Cancel follow-up…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      )}
    </div>
  );
}
