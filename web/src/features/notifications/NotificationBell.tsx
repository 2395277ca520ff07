import {
  ActionIcon,
  Button,
  Center,
  Group,
  Indicator,
  Loader,
  Popover,
  ScrollArea,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBell, IconBellOff, IconChecks } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative, formatWallTimesIn } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { activitiesKeys } from '../activities/activities.queries';
import { leadsKeys } from '../leads/leads.queries';
import { kindLook, notificationTarget } from './notificationKinds';
import classes from './notifications.module.css';
import {
  type AppNotification,
  useMarkAllRead,
  useMarkRead,
  useNotificationList,
  useUnreadCount,
} from './notifications.queries';
import { useNotificationStream } from './useNotificationStream';

/** The moment a notification speaks of, in the reader's own zone: "Due 5 Dec 2026, 4:00 pm". */
function momentLabel(n: AppNotification): string {
  if (!n.at) return '';
  return `${n.kind === 'activity.missed' ? 'Was due' : 'Due'} ${formatDateTime(n.at)}`;
}

function Item({ notification, onOpen }: { notification: AppNotification; onOpen: (n: AppNotification) => void }) {
  const { icon: Icon, color } = kindLook(notification.kind);
  const unread = !notification.readAt;
  return (
    <UnstyledButton className={classes.item} data-unread={unread || undefined} onClick={() => onOpen(notification)}>
      <ThemeIcon variant="light" color={color} radius="xl" size={32}>
        <Icon size={17} />
      </ThemeIcon>
      <div className={classes.itemMain}>
        <Text size="sm" fw={unread ? 600 : 400} className={classes.itemTitle}>
          {formatWallTimesIn(notification.title)}
        </Text>
        {notification.at && (
          <Text size="xs" fw={500} className={classes.itemTitle}>
            {momentLabel(notification)}
          </Text>
        )}
        {notification.body && (
          <Text size="xs" c="dimmed" lineClamp={2} className={classes.itemTitle}>
            {formatWallTimesIn(notification.body)}
          </Text>
        )}
        <Text size="xs" c="dimmed" title={formatDateTime(notification.createdAt)}>
          {formatRelative(notification.createdAt)}
        </Text>
      </div>
      {unread && <span className={classes.unreadDot} role="img" aria-label="Unread" />}
    </UnstyledButton>
  );
}

function NotificationList({ unreadOnly, onOpen }: { unreadOnly: boolean; onOpen: (n: AppNotification) => void }) {
  const list = useNotificationList(unreadOnly, true);
  const items = list.data?.pages.flatMap((p) => p.data) ?? [];
  if (list.isPending) {
    return (
      <Stack p="md" gap="sm" aria-busy="true">
        <Skeleton h={44} />
        <Skeleton h={44} />
        <Skeleton h={44} />
      </Stack>
    );
  }
  if (list.isError) {
    return (
      <Stack p="md">
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load notifications" />
      </Stack>
    );
  }
  if (items.length === 0) {
    return (
      <Center py="xl">
        <Stack align="center" gap={6}>
          <IconBellOff size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
          <Text size="sm" c="dimmed">
            {unreadOnly ? 'You are all caught up.' : 'No notifications yet.'}
          </Text>
        </Stack>
      </Center>
    );
  }
  return (
    <div>
      <ul className={classes.list} aria-label="Notifications">
        {items.map((n) => (
          <li key={n.id}>
            <Item notification={n} onOpen={onOpen} />
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <Group justify="center" p="xs">
          <Button variant="subtle" size="xs" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Show older
          </Button>
        </Group>
      )}
    </div>
  );
}

/**
 * The bell in the header: the unread count, kept live over Server-Sent Events, a toast for each new notification,
 * and the list with mark-read and mark-all-read.
 */
export function NotificationBell() {
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();

  const open = (n: AppNotification) => {
    if (!n.readAt) markRead.mutate(n.id);
    const target = notificationTarget(n);
    if (target) {
      setOpened(false);
      navigate(target);
    }
  };

  const queryClient = useQueryClient();
  const state = useNotificationStream((n) => {
    // What the notification is about has changed: the lists showing it are refreshed.
    if (n.kind.startsWith('activity.')) void queryClient.invalidateQueries({ queryKey: activitiesKeys.all });
    if (n.leadId) void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(n.leadId) });
    const { icon: Icon, color } = kindLook(n.kind);
    const target = notificationTarget(n);
    notifications.show({
      id: `notification-${n.id}`,
      color,
      icon: <Icon size={18} />,
      title: formatWallTimesIn(n.title),
      autoClose: 8000,
      message: (
        <Stack gap={4}>
          {n.at && (
            <Text size="sm" fw={500}>
              {momentLabel(n)}
            </Text>
          )}
          {n.body && (
            <Text size="sm" lineClamp={3}>
              {formatWallTimesIn(n.body)}
            </Text>
          )}
          {target && (
            <Group>
              <Button
                size="compact-xs"
                variant="light"
                onClick={() => {
                  notifications.hide(`notification-${n.id}`);
                  open(n);
                }}
              >
                Open
              </Button>
            </Group>
          )}
        </Stack>
      ),
    });
  });
  const unread = useUnreadCount(state === 'live' ? false : 60_000);
  const count = unread.data ?? 0;
  const label = count > 0 ? `Notifications, ${count} unread` : 'Notifications';

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width="min(400px, calc(100vw - 16px))"
      shadow="lg"
      withinPortal
      trapFocus={false}
    >
      <Popover.Target>
        <Indicator
          label={count > 99 ? '99+' : count}
          size={18}
          offset={6}
          color="red"
          disabled={count === 0}
          withBorder
        >
          <Tooltip label={label} openDelay={500} disabled={opened}>
            <ActionIcon
              variant="subtle"
              color="gray"
              size={38}
              radius="xl"
              aria-label={label}
              data-testid="notification-bell"
              onClick={() => setOpened((o) => !o)}
            >
              <IconBell size={21} stroke={1.7} />
            </ActionIcon>
          </Tooltip>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0} aria-label="Notifications">
        <Group justify="space-between" px="md" py="sm" className={classes.head} wrap="nowrap">
          <Group gap={6} wrap="nowrap">
            <Text fw={650}>Notifications</Text>
            {state === 'connecting' && <Loader size={12} />}
            {state === 'offline' && (
              <Text size="xs" c="dimmed">
                reconnecting…
              </Text>
            )}
          </Group>
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconChecks size={16} />}
            disabled={count === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate(undefined, { onError: (e) => notifyError(e, 'Not marked read') })}
          >
            Mark all read
          </Button>
        </Group>
        <div className={classes.filter}>
          <SegmentedControl
            size="xs"
            fullWidth
            aria-label="Show"
            value={unreadOnly ? 'unread' : 'all'}
            onChange={(v) => setUnreadOnly(v === 'unread')}
            data={[
              { value: 'all', label: 'All' },
              { value: 'unread', label: count > 0 ? `Unread (${count})` : 'Unread' },
            ]}
          />
        </div>
        <ScrollArea.Autosize mah="min(460px, calc(100vh - 180px))" type="auto">
          {opened && <NotificationList unreadOnly={unreadOnly} onOpen={open} />}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
