import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ReactNode, useState } from 'react';
import { formatWhen } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useCancelActivity, useCompleteActivity, useRescheduleActivity } from './activities.queries';
import type { Activity, FollowUpChannel } from './activities.types';
import { CancelModal } from './CancelModal';
import { CompleteModal } from './CompleteModal';
import { PickTimeModal } from './PickTimeModal';
import { ScheduleModal } from './ScheduleModal';

export interface ActivityActions {
  /** Done at once, with nothing to say; the toast offers to plan the next step. */
  complete(activity: Activity): void;
  /** Done with an outcome and, optionally, the next step. */
  completeWithDetails(activity: Activity, withNext?: boolean): void;
  reschedule(activity: Activity, at: Date): void;
  pickTime(activity: Activity): void;
  cancel(activity: Activity): void;
  /** The activity being worked on right now (its buttons show a spinner). */
  busyId: string | null;
}

function failed(error: unknown, title: string) {
  if (error instanceof ApiError && error.code === 'version_conflict') {
    notifyError(new Error('Someone changed it a moment ago; it has been reloaded. Try again.'), title);
  } else notifyError(error, title);
}

/**
 * Complete, reschedule and cancel for any list of activities (My day, the calendar, a lead): the handlers and
 * the modals they open, kept by the page so a row that disappears after its change does not take them along.
 */
export function useActivityActions(): { actions: ActivityActions; modals: ReactNode } {
  const complete = useCompleteActivity();
  const reschedule = useRescheduleActivity();
  const cancel = useCancelActivity();
  const [completing, setCompleting] = useState<{ activity: Activity; withNext: boolean } | null>(null);
  const [picking, setPicking] = useState<Activity | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<Activity | null>(null);
  const [scheduleFor, setScheduleFor] = useState<Activity | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const doReschedule = (activity: Activity, at: Date, fromModal = false) => {
    setBusyId(activity.id);
    setPickError(null);
    reschedule.mutate(
      { activity, body: { dueAt: at.toISOString() } },
      {
        onSuccess: (moved) => {
          setPicking(null);
          notifySuccess(`${moved.title}: ${formatWhen(moved.dueAt).toLowerCase()}.`, 'Rescheduled');
        },
        onError: (error) => (fromModal ? setPickError(errorMessage(error)) : failed(error, 'Not rescheduled')),
        onSettled: () => setBusyId(null),
      },
    );
  };

  const actions: ActivityActions = {
    busyId,
    complete(activity) {
      setBusyId(activity.id);
      complete.mutate(
        { activity },
        {
          onSuccess: ({ activity: done }) => {
            const id = `done-${done.id}`;
            notifications.show({
              id,
              color: 'teal',
              title: 'Done',
              autoClose: 7000,
              message: (
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" truncate>
                    {done.title}
                  </Text>
                  <Button
                    size="compact-xs"
                    variant="light"
                    onClick={() => {
                      notifications.hide(id);
                      setScheduleFor(done);
                    }}
                  >
                    Schedule next
                  </Button>
                </Group>
              ),
            });
          },
          onError: (error) => failed(error, 'Not completed'),
          onSettled: () => setBusyId(null),
        },
      );
    },
    completeWithDetails(activity, withNext = false) {
      setCompleting({ activity, withNext });
    },
    reschedule: (activity, at) => doReschedule(activity, at),
    pickTime(activity) {
      setPickError(null);
      setPicking(activity);
    },
    cancel(activity) {
      setCancelling(activity);
    },
  };

  const modals = (
    <>
      <CompleteModal
        activity={completing?.activity ?? null}
        withNext={completing?.withNext ?? false}
        onClose={() => setCompleting(null)}
      />
      <PickTimeModal
        activity={picking}
        pending={reschedule.isPending}
        error={pickError}
        onPick={(activity, at) => doReschedule(activity, at, true)}
        onClose={() => setPicking(null)}
      />
      <CancelModal
        activity={cancelling}
        pending={cancel.isPending}
        onClose={() => setCancelling(null)}
        onConfirm={(activity, reason) =>
          cancel.mutate(
            { activity, body: reason ? { reason } : {} },
            {
              onSuccess: (cancelled) => {
                setCancelling(null);
                notifySuccess(`${cancelled.title} was cancelled.`, 'Cancelled');
              },
              onError: (error) => failed(error, 'Not cancelled'),
            },
          )
        }
      />
      {scheduleFor && (
        <ScheduleModal
          opened
          lead={{ id: scheduleFor.leadId, name: scheduleFor.leadName }}
          defaults={{ draft: { channel: (scheduleFor.channel as FollowUpChannel | null) ?? 'call' } }}
          onClose={() => setScheduleFor(null)}
        />
      )}
    </>
  );

  return { actions, modals };
}
