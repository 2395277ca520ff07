import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconCalendarRepeat,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconSend,
  IconTrash,
} from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative, userTimeZone } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan, useMe } from '../auth/session';
import { BackTo } from '../leads/BackTo';
import { ScheduleModal } from './ScheduleModal';
import { deliverySummary, describeSchedule, rangeLabels } from './scheduleForm';
import { useDeleteSchedule, useSchedules, useSendScheduleNow, useUpdateSchedule } from './schedules.queries';
import type { Schedule } from './schedules.types';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      {children}
    </div>
  );
}

function ScheduleCard({
  schedule,
  canBuild,
  showOwner,
  onEdit,
  onDelete,
}: {
  schedule: Schedule;
  canBuild: boolean;
  showOwner: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const update = useUpdateSchedule();
  const sendNow = useSendScheduleNow();
  const editable = schedule.editable && canBuild;
  const range = rangeLabels[schedule.range as keyof typeof rangeLabels] ?? schedule.range;

  const toggle = () =>
    update.mutate(
      { id: schedule.id, body: { active: !schedule.active } },
      {
        onSuccess: (saved) =>
          notifySuccess(
            saved.active ? `Next on ${formatDateTime(saved.nextRunAt)}.` : 'Nothing is sent until it is resumed.',
            saved.active ? `“${saved.name}” resumed` : `“${saved.name}” paused`,
          ),
        onError: (error) => notifyError(error, 'Could not change the schedule'),
      },
    );
  const send = () =>
    sendNow.mutate(schedule.id, {
      onSuccess: (result) => {
        const summary = deliverySummary(result.deliveries);
        notifications.show({
          color: summary.ok ? 'teal' : 'yellow',
          title: `${summary.title}: “${schedule.name}”`,
          message: summary.message,
          autoClose: summary.ok ? 5000 : 10_000,
        });
      },
      onError: (error) => notifyError(error, 'Could not send the report'),
    });

  return (
    <Card
      component="article"
      aria-label={schedule.name}
      data-testid="schedule"
      data-paused={!schedule.active || undefined}
      padding="md"
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
          <div style={{ minWidth: 0, flex: '1 1 240px' }}>
            <Group gap="xs" wrap="wrap">
              <Text fw={650}>{schedule.name}</Text>
              {schedule.active ? (
                <Badge color="teal" variant="light">
                  Active
                </Badge>
              ) : (
                <Badge color="gray" variant="light">
                  Paused
                </Badge>
              )}
              <Badge color="gray" variant="outline">
                {schedule.format.toUpperCase()}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed" mt={2}>
              {schedule.reportName ? (
                <Anchor component={Link} to={`/reports/${encodeURIComponent(schedule.report)}`} size="sm">
                  {schedule.reportName}
                </Anchor>
              ) : (
                'A report you can no longer see'
              )}
              {' · '}
              {describeSchedule(schedule)} ({schedule.timeZone}) · {range}
              {showOwner ? ` · by ${schedule.ownerName}` : ''}
            </Text>
          </div>
          {editable && (
            <Group gap={4} wrap="nowrap">
              <Button
                size="xs"
                variant="light"
                leftSection={<IconSend size={14} />}
                onClick={send}
                loading={sendNow.isPending}
              >
                Send now
              </Button>
              <Tooltip label={schedule.active ? 'Pause' : 'Resume'} openDelay={400}>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`${schedule.active ? 'Pause' : 'Resume'} ${schedule.name}`}
                  onClick={toggle}
                  loading={update.isPending}
                >
                  {schedule.active ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Edit" openDelay={400}>
                <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${schedule.name}`} onClick={onEdit}>
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Delete" openDelay={400}>
                <ActionIcon variant="subtle" color="red" aria-label={`Delete ${schedule.name}`} onClick={onDelete}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </Group>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Fact label="Next run">
            {schedule.active ? (
              <Text size="sm" data-testid="schedule-next-run">
                {formatDateTime(schedule.nextRunAt)}{' '}
                <Text span size="xs" c="dimmed">
                  ({formatRelative(schedule.nextRunAt)})
                </Text>
              </Text>
            ) : (
              <Text size="sm" c="dimmed" data-testid="schedule-next-run">
                Paused
              </Text>
            )}
          </Fact>
          <Fact label="Last run">
            <Text size="sm" data-testid="schedule-last-run">
              {schedule.lastRunAt ? formatDateTime(schedule.lastRunAt) : 'Not yet'}
            </Text>
          </Fact>
          <Fact label="Recipients">
            <Text size="sm" lineClamp={2}>
              {schedule.recipients.map((r) => (r.active ? r.name : `${r.name} (inactive)`)).join(', ')}
            </Text>
          </Fact>
        </SimpleGrid>
        {schedule.lastError && (
          <Group gap={6} wrap="nowrap" align="flex-start" data-testid="schedule-last-error">
            <IconAlertTriangle size={16} color="var(--mantine-color-red-6)" style={{ flex: 'none', marginTop: 2 }} />
            <Text size="sm" c="red">
              Last run: {schedule.lastError}
            </Text>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

/** Every report the person has scheduled by email (an admin: the company's), with when each goes out next. */
export function SchedulesPage() {
  const me = useMe();
  const canBuild = useCan('reports:build');
  const schedules = useSchedules();
  const remove = useDeleteSchedule();
  const [editing, setEditing] = useState<Schedule | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const list = schedules.data ?? [];

  const deleteNow = () => {
    if (!deleting) return;
    remove.mutate(deleting.id, {
      onSuccess: () => {
        notifySuccess(`“${deleting.name}” will not be sent again.`, 'Schedule deleted');
        setDeleting(null);
      },
      onError: (error) => {
        setDeleting(null);
        notifyError(error, 'Could not delete the schedule');
      },
    });
  };

  return (
    <>
      <PageHeader
        above={<BackTo to="/reports" label="Reports" />}
        title="Scheduled reports"
        description={`Reports emailed daily, weekly or monthly, each recipient seeing only what they may see. Times of the next and last runs are in your time zone (${userTimeZone()}).`}
      />
      {schedules.isPending ? (
        <Stack gap="sm">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={140} radius="md" />
          ))}
        </Stack>
      ) : schedules.isError ? (
        <ErrorAlert error={schedules.error} onRetry={() => schedules.refetch()} title="Could not load the schedules" />
      ) : list.length === 0 ? (
        <Center py={56}>
          <EmptyState
            icon={<IconCalendarRepeat size={26} />}
            title="No scheduled reports yet"
            description={
              canBuild ? 'Open a report and choose “Schedule” to have it emailed.' : 'Nothing is scheduled for you.'
            }
          />
        </Center>
      ) : (
        <Stack gap="sm" data-testid="schedules">
          {list.map((schedule) => (
            <ScheduleCard
              key={schedule.id}
              schedule={schedule}
              canBuild={canBuild}
              showOwner={schedule.ownerId !== me.user.id}
              onEdit={() => setEditing(schedule)}
              onDelete={() => setDeleting(schedule)}
            />
          ))}
        </Stack>
      )}
      <ScheduleModal opened={editing !== null} schedule={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete schedule"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={deleteNow}
      >
        <Text size="sm">Its recipients stop receiving it. The report itself stays.</Text>
      </ConfirmModal>
    </>
  );
}
