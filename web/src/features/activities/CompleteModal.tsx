import { Alert, Button, Collapse, Group, Modal, Stack, Switch, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { formatWhen } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useCompleteActivity } from './activities.queries';
import type { Activity, FollowUpChannel } from './activities.types';
import { emptyFollowUp, type FollowUpDraft, FollowUpFields, followUpBody, followUpErrorsOf } from './FollowUpFields';
import { problemFields } from './formErrors';

const shownFields = [
  'outcome',
  'next.type',
  'next.channel',
  'next.title',
  'next.dueAt',
  'next.location',
  'next.assigneeId',
] as const;

/** Marks a follow-up done with what came of it and, in the same step, plans the next one. */
export function CompleteModal({
  activity,
  onClose,
  withNext = false,
}: {
  activity: Activity | null;
  onClose: () => void;
  /** Open with "schedule the next step" already on. */
  withNext?: boolean;
}) {
  return (
    <Modal opened={activity !== null} onClose={onClose} title={<Text fw={650}>Complete follow-up</Text>} size="lg">
      {activity && <CompleteForm key={activity.id} activity={activity} withNext={withNext} onDone={onClose} />}
    </Modal>
  );
}

function CompleteForm({ activity, withNext, onDone }: { activity: Activity; withNext: boolean; onDone: () => void }) {
  const [outcome, setOutcome] = useState(activity.outcome ?? '');
  const [next, setNext] = useState(withNext);
  const [draft, setDraft] = useState<FollowUpDraft>(() =>
    emptyFollowUp({ channel: (activity.channel as FollowUpChannel | null) ?? 'call' }),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const complete = useCompleteActivity();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const nextBody = next ? followUpBody(draft) : null;
    if (next && !nextBody) {
      setErrors({ 'next.dueAt': 'Pick when the next step is due' });
      return;
    }
    setErrors({});
    complete.mutate(
      {
        activity,
        body: {
          ...(outcome.trim() ? { outcome: outcome.trim() } : {}),
          ...(nextBody ? { next: nextBody } : {}),
        },
      },
      {
        onSuccess: (result) => {
          notifySuccess(
            result.next
              ? `Next: ${result.next.title}, ${formatWhen(result.next.dueAt).toLowerCase()}.`
              : `${result.activity.title} is done.`,
            'Follow-up completed',
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
    <form onSubmit={submit} aria-label="Complete follow-up" noValidate>
      <Stack gap="md">
        <div>
          <Text fw={600} size="sm">
            {activity.title}
          </Text>
          <Text size="xs" c="dimmed">
            {activity.leadName} · due {formatWhen(activity.dueAt).toLowerCase()}
          </Text>
        </div>
        <Textarea
          label="Outcome"
          placeholder="What came of it (optional)"
          value={outcome}
          onChange={(event) => setOutcome(event.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
          maxLength={2000}
          error={errors.outcome}
          data-autofocus
        />
        <Switch
          label="Schedule the next step"
          checked={next}
          onChange={(event) => setNext(event.currentTarget.checked)}
        />
        <Collapse expanded={next}>
          <FollowUpFields
            draft={draft}
            onChange={(value) => {
              setDraft(value);
              setErrors({});
            }}
            errors={followUpErrorsOf(errors, 'next.')}
            leadName={activity.leadName}
          />
        </Collapse>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={complete.isPending}>
            Cancel
          </Button>
          <Button type="submit" color="teal" loading={complete.isPending}>
            {next ? 'Complete and schedule' : 'Complete'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
