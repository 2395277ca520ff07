import { Alert, Anchor, Button, Group, List, Modal, Progress, Stack, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { formatNumber } from '../../lib/format';
import { errorMessage } from '../../lib/problem';
import { type BulkStarted, useBulkJob } from './bulkActions.queries';

export interface BulkRun {
  title: string;
  /** null while the request is on its way. */
  started: BulkStarted | null;
  error: unknown;
  /** Names of the selected leads, for failures the server reports by id. */
  names: ReadonlyMap<string, string>;
}

interface Progressed {
  total: number | null;
  done: number;
  failed: number;
  finished: boolean;
  error: string | null;
  failures: { id: string; name?: string; message: string }[];
}

function fromStarted(run: BulkRun, job: ReturnType<typeof useBulkJob>['data']): Progressed | null {
  if (!run.started) return null;
  if (run.started.kind === 'done') {
    const { result } = run.started;
    return {
      total: result.total,
      done: result.done,
      failed: result.failed,
      finished: true,
      error: null,
      failures: result.results
        .filter((item) => item.status === 'failed')
        .map((item) => ({ id: item.id, message: item.message ?? item.code ?? 'Not changed' })),
    };
  }
  if (!job) return null;
  return {
    total: job.total,
    done: job.done,
    failed: job.failed,
    finished: job.status === 'done' || job.status === 'failed',
    error: job.status === 'failed' ? (job.error ?? 'The action stopped') : null,
    failures: job.failures,
  };
}

/** The progress of a bulk action, from the answer itself (small ones) or its job (polled every second). */
export function BulkProgress({
  run,
  onClose,
  onFinished,
}: {
  run: BulkRun | null;
  onClose: (succeeded: boolean) => void;
  onFinished: () => void;
}) {
  const jobId = run?.started?.kind === 'job' ? run.started.id : null;
  const job = useBulkJob(jobId);
  const state = run ? fromStarted(run, job.data) : null;
  const failedToStart = run?.error ? errorMessage(run.error) : null;
  const finished = Boolean(failedToStart) || Boolean(state?.finished) || job.isError;

  useEffect(() => {
    if (state?.finished) onFinished();
  }, [state?.finished, onFinished]);

  const processed = state ? state.done + state.failed : 0;
  const percent = state?.total ? (processed / state.total) * 100 : state?.finished ? 100 : 0;
  const close = () => {
    if (!finished) return;
    onClose(!failedToStart && !state?.error && (state?.failed ?? 0) === 0);
  };

  return (
    <Modal opened={run !== null} onClose={close} title={<Text fw={650}>{run?.title}</Text>} withCloseButton={finished}>
      {run && (
        <Stack gap="md">
          {failedToStart ? (
            <Alert color="red" title="Nothing was changed" role="alert">
              {failedToStart}
            </Alert>
          ) : (
            <>
              <Progress
                value={percent}
                animated={!finished}
                striped={!finished && !state?.total}
                aria-label="Progress"
                size="lg"
              />
              <Text size="sm" aria-live="polite">
                {!state || state.total === null
                  ? 'Finding the leads…'
                  : `${formatNumber(processed)} of ${formatNumber(state.total)} done`}
                {state && state.failed > 0 ? `, ${formatNumber(state.failed)} could not be changed` : ''}
              </Text>
            </>
          )}
          {job.isError && <Alert color="red">{errorMessage(job.error)}</Alert>}
          {state?.error && (
            <Alert color="red" title="The action stopped">
              {state.error}
            </Alert>
          )}
          {state?.finished && !state.error && state.failed === 0 && (
            <Alert color="teal" icon={<IconCheck size={18} />}>
              All {state.total === 1 ? 'the lead was' : `${formatNumber(state.total ?? 0)} leads were`} updated.
            </Alert>
          )}
          {state && state.failures.length > 0 && (
            <Alert color="orange" title="Not changed">
              <List size="sm" spacing={4}>
                {state.failures.slice(0, 20).map((item) => (
                  <List.Item key={item.id}>
                    <Anchor component={Link} to={`/leads/${item.id}`} size="sm" fw={600}>
                      {item.name ?? run.names.get(item.id) ?? 'A lead'}
                    </Anchor>
                    : {item.message}
                  </List.Item>
                ))}
              </List>
              {state.failed > 20 && (
                <Text size="xs" mt={4}>
                  and {formatNumber(state.failed - 20)} more
                </Text>
              )}
            </Alert>
          )}
          {finished && (
            <Group justify="flex-end">
              <Button onClick={close}>Done</Button>
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
