import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { formatWhen } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useCan, useMe } from '../auth/session';
import { UserPicker } from '../leads/UserPicker';
import { useCreateActivity } from './activities.queries';
import { emptyFollowUp, type FollowUpDraft, FollowUpFields, followUpBody, followUpErrorsOf } from './FollowUpFields';
import { problemFields } from './formErrors';
import { ReminderSelect } from './ReminderSelect';

const shownFields = [
  'type',
  'channel',
  'title',
  'dueAt',
  'location',
  'assigneeId',
  'reminderMinutesBefore',
  'notes',
] as const;

export interface ScheduleDefaults {
  draft?: Partial<FollowUpDraft>;
  notes?: string;
}

/** Plans a follow-up or meeting on a lead: what, when, for whom, and when to be reminded. */
export function ScheduleModal({
  lead,
  opened,
  onClose,
  defaults,
}: {
  lead: { id: string; name: string };
  opened: boolean;
  onClose: () => void;
  defaults?: ScheduleDefaults;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Schedule a follow-up</Text>} size="lg">
      {opened && <ScheduleForm lead={lead} onDone={onClose} defaults={defaults} />}
    </Modal>
  );
}

function ScheduleForm({
  lead,
  onDone,
  defaults,
}: {
  lead: { id: string; name: string };
  onDone: () => void;
  defaults?: ScheduleDefaults;
}) {
  const me = useMe();
  const canPickPeople = useCan('users:read');
  const [draft, setDraft] = useState<FollowUpDraft>(() => emptyFollowUp(defaults?.draft));
  const [assignee, setAssignee] = useState<string>(me.user.id);
  const [reminder, setReminder] = useState<number | null>(null);
  const [notes, setNotes] = useState(defaults?.notes ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateActivity();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const body = followUpBody(draft);
    if (!body) {
      setErrors({ dueAt: 'Pick when it is due' });
      return;
    }
    setErrors({});
    create.mutate(
      {
        leadId: lead.id,
        ...body,
        ...(assignee !== me.user.id ? { assigneeId: assignee } : {}),
        ...(reminder !== null ? { reminderMinutesBefore: reminder } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      },
      {
        onSuccess: (activity) => {
          notifySuccess(
            `${activity.title}, ${formatWhen(activity.dueAt).toLowerCase()}${
              activity.assignee.id !== me.user.id ? ` (${activity.assignee.name})` : ''
            }.`,
            'Follow-up scheduled',
          );
          onDone();
        },
        onError: (error) => {
          const { fields, message } = problemFields(error, shownFields);
          setErrors(fields);
          setFormError(message);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Schedule a follow-up" noValidate>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          For <b>{lead.name}</b>
        </Text>
        <FollowUpFields
          draft={draft}
          onChange={(next) => {
            setDraft(next);
            setErrors({});
          }}
          errors={followUpErrorsOf(errors)}
          leadName={lead.name}
        />
        <SimpleGrid cols={{ base: 1, xs: canPickPeople ? 2 : 1 }} spacing="sm">
          {canPickPeople && (
            <UserPicker
              label="Assigned to"
              value={assignee}
              current={{ id: me.user.id, name: me.user.name }}
              onChange={(value) => value && setAssignee(value)}
              allowDeselect={false}
              error={errors.assigneeId}
            />
          )}
          <ReminderSelect value={reminder} onChange={setReminder} error={errors.reminderMinutesBefore} />
        </SimpleGrid>
        <Textarea
          label="Notes"
          placeholder="What to talk about, what was promised"
          value={notes}
          onChange={(event) => setNotes(event.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
          maxLength={10_000}
          error={errors.notes}
        />
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Schedule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
