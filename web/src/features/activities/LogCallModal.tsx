import {
  Alert,
  Button,
  Collapse,
  Group,
  Input,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { notifySuccess } from '../../lib/notify';
import { useCreateActivity } from './activities.queries';
import { type CallResult, callResultLabels } from './activities.types';
import { DueInput } from './DueInput';
import { emptyFollowUp, type FollowUpDraft, FollowUpFields, followUpBody, followUpErrorsOf } from './FollowUpFields';
import { problemFields } from './formErrors';

const resultOptions = Object.entries(callResultLabels).map(([value, label]) => ({ value, label }));
const shownFields = ['direction', 'callResult', 'durationSeconds', 'dueAt', 'outcome', 'notes'] as const;
const nextFields = ['type', 'channel', 'title', 'dueAt', 'location'] as const;

/** Logs a call that happened (who called, how it went, how long) and, if wanted, plans the follow-up. */
export function LogCallModal({
  lead,
  opened,
  onClose,
}: {
  lead: { id: string; name: string };
  opened: boolean;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Log a call</Text>} size="lg">
      {opened && <LogCallForm lead={lead} onDone={onClose} />}
    </Modal>
  );
}

function LogCallForm({ lead, onDone }: { lead: { id: string; name: string }; onDone: () => void }) {
  const [direction, setDirection] = useState<'out' | 'in'>('out');
  const [result, setResult] = useState<CallResult>('connected');
  const [minutes, setMinutes] = useState<number | string>('');
  const [at, setAt] = useState<Date | null>(() => new Date());
  const [outcome, setOutcome] = useState('');
  const [withNext, setWithNext] = useState(false);
  const [next, setNext] = useState<FollowUpDraft>(() => emptyFollowUp());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [nextErrors, setNextErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [callLogged, setCallLogged] = useState(false);
  const create = useCreateActivity();
  const pending = create.isPending;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    setErrors({});
    setNextErrors({});
    const nextBody = withNext ? followUpBody(next) : null;
    if (withNext && !nextBody) {
      setNextErrors({ dueAt: 'Pick when to follow up' });
      return;
    }
    const duration = typeof minutes === 'number' ? Math.round(minutes * 60) : null;
    try {
      await create.mutateAsync({
        leadId: lead.id,
        type: 'call',
        direction,
        callResult: result,
        ...(duration !== null ? { durationSeconds: duration } : {}),
        ...(at ? { dueAt: at.toISOString() } : {}),
        ...(outcome.trim() ? { outcome: outcome.trim() } : {}),
      });
    } catch (error) {
      const { fields, message } = problemFields(error, shownFields);
      setErrors(fields);
      setFormError(message);
      return;
    }
    if (!nextBody) {
      notifySuccess(`Call with ${lead.name} logged.`, 'Call logged');
      onDone();
      return;
    }
    try {
      await create.mutateAsync({ leadId: lead.id, ...nextBody });
      notifySuccess(`Call logged and follow-up scheduled.`, 'Call logged');
      onDone();
    } catch (error) {
      // The call is kept; only the follow-up needs fixing, so the call part is switched off.
      const { fields, message } = problemFields(error, nextFields);
      setNextErrors(fields);
      setFormError(`The call was logged, but the follow-up was not scheduled${message ? `: ${message}` : '.'}`);
      setOutcome('');
      setMinutes('');
      setCallLogged(true);
    }
  };

  const retryNext = () => {
    const nextBody = followUpBody(next);
    if (!nextBody) return setNextErrors({ dueAt: 'Pick when to follow up' });
    create.mutate(
      { leadId: lead.id, ...nextBody },
      {
        onSuccess: () => {
          notifySuccess('Follow-up scheduled.', 'Scheduled');
          onDone();
        },
        onError: (error) => {
          const { fields, message } = problemFields(error, nextFields);
          setNextErrors(fields);
          setFormError(message);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Log a call" noValidate>
      <Stack gap="md">
        {!callLogged && (
          <>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              <Input.Wrapper label="Direction">
                <SegmentedControl
                  aria-label="Direction"
                  value={direction}
                  onChange={(value) => setDirection(value === 'in' ? 'in' : 'out')}
                  data={[
                    { value: 'out', label: 'I called' },
                    { value: 'in', label: 'They called' },
                  ]}
                  fullWidth
                />
              </Input.Wrapper>
              <Select
                label="How it went"
                data={resultOptions}
                value={result}
                onChange={(value) => value && setResult(value as CallResult)}
                allowDeselect={false}
                error={errors.callResult}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              <DueInput
                label="When"
                value={at}
                onChange={setAt}
                allowPast
                withQuickTimes={false}
                error={errors.dueAt}
              />
              <NumberInput
                label="Minutes"
                placeholder="How long"
                min={0}
                max={1440}
                value={minutes}
                onChange={setMinutes}
                error={errors.durationSeconds}
                allowDecimal={false}
              />
            </SimpleGrid>
            <Textarea
              label="Outcome"
              placeholder="What was said, what was agreed"
              value={outcome}
              onChange={(event) => setOutcome(event.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={6}
              maxLength={2000}
              error={errors.outcome}
            />
            <Switch
              label="Schedule a follow-up"
              checked={withNext}
              onChange={(event) => setWithNext(event.currentTarget.checked)}
            />
          </>
        )}
        <Collapse expanded={withNext || callLogged}>
          <FollowUpFields
            draft={next}
            onChange={(value) => {
              setNext(value);
              setNextErrors({});
            }}
            errors={followUpErrorsOf(nextErrors)}
            leadName={lead.name}
          />
        </Collapse>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={pending}>
            {callLogged ? 'Close' : 'Cancel'}
          </Button>
          {callLogged ? (
            <Button onClick={retryNext} loading={pending}>
              Schedule follow-up
            </Button>
          ) : (
            <Button type="submit" loading={pending}>
              {withNext ? 'Log call and schedule' : 'Log call'}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
