import { Alert, Button, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconArrowBackUp, IconCheck, IconDownload, IconFileImport, IconList } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { formatDateTime, formatNumber } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import classes from './imports.module.css';
import { downloadResult, type ImportDetail, useUndoImport } from './imports.queries';

function Count({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <div className={classes.stat}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={24} fw={700} c={color}>
        {formatNumber(value)}
      </Text>
    </div>
  );
}

function Counts({ detail }: { detail: ImportDetail }) {
  const { created, updated, skipped, failed } = detail.counts;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-label="Import counts">
      <Count label="Created" value={created} color="teal" />
      <Count label="Updated" value={updated} color="blue" />
      <Count label="Skipped" value={skipped} />
      <Count label="Failed" value={failed} color={failed > 0 ? 'red' : undefined} />
    </SimpleGrid>
  );
}

function RowsRead({ detail }: { detail: ImportDetail }) {
  const { rowsDone, totalRows } = detail.progress;
  const percent = totalRows > 0 ? Math.round((rowsDone / totalRows) * 100) : 100;
  return (
    <Stack gap={4}>
      <Progress
        value={percent}
        size="sm"
        color={detail.status === 'failed' ? 'red' : 'teal'}
        aria-label="Import progress"
      />
      <Text size="xs" c="dimmed" data-testid="import-progress-text">
        {formatNumber(rowsDone)} of {formatNumber(totalRows)} rows · {percent}%
      </Text>
    </Stack>
  );
}

/** Step 4: the import running in the background, its progress asked for every second. */
export function ProgressStep({ detail }: { detail: ImportDetail }) {
  const { rowsDone, totalRows } = detail.progress;
  const percent = totalRows > 0 ? Math.round((rowsDone / totalRows) * 100) : 0;
  return (
    <Stack gap="lg">
      <Stack gap={6}>
        <Group justify="space-between">
          <Text fw={600}>{detail.status === 'queued' ? 'Waiting to start…' : 'Importing…'}</Text>
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="import-progress-text">
            {formatNumber(rowsDone)} of {formatNumber(totalRows)} rows · {percent}%
          </Text>
        </Group>
        <Progress value={percent} animated size="xl" aria-label="Import progress" />
      </Stack>
      <Counts detail={detail} />
      <Text size="sm" c="dimmed">
        It runs on the server: you can leave this page and come back from the imports list.
      </Text>
    </Stack>
  );
}

/** Step 5: what the import did; the result file, and undo. */
export function ResultStep({ detail }: { detail: ImportDetail }) {
  const undo = useUndoImport(detail.id);
  const [confirming, setConfirming] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const { created, updated } = detail.counts;

  const getResult = async () => {
    setDownloading(true);
    try {
      await downloadResult(detail.id, detail.fileName);
    } catch (error) {
      notifyError(error, 'The result file could not be downloaded');
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack gap="lg">
      {detail.status === 'done' && (
        <Alert color="teal" icon={<IconCheck size={18} />} title="Import finished">
          {formatNumber(detail.progress.totalRows)} rows read
          {detail.finishedAt ? `, finished ${formatDateTime(detail.finishedAt)}` : ''}. The result file lists every row
          with what happened to it.
        </Alert>
      )}
      {detail.status === 'failed' && (
        <Alert color="red" title="The import stopped">
          {detail.error ?? 'Something went wrong on the server.'} Rows imported before it stopped are kept; undo takes
          them back.
        </Alert>
      )}
      {detail.status === 'undoing' && (
        <Stack gap={6}>
          <Text fw={600}>Undoing…</Text>
          <Progress
            value={
              created + updated > 0 ? ((detail.undone.trashed + detail.undone.reverted) / (created + updated)) * 100 : 0
            }
            animated
            size="lg"
            aria-label="Undo progress"
          />
        </Stack>
      )}
      {detail.status === 'undone' && (
        <Alert color="gray" icon={<IconArrowBackUp size={18} />} title="Import undone">
          {formatNumber(detail.undone.trashed)} created {detail.undone.trashed === 1 ? 'lead went' : 'leads went'} to
          the trash and {formatNumber(detail.undone.reverted)} updated{' '}
          {detail.undone.reverted === 1 ? 'lead was' : 'leads were'} put back as they were
          {detail.undoneAt ? ` (${formatDateTime(detail.undoneAt)})` : ''}.
        </Alert>
      )}
      {(detail.status === 'done' || detail.status === 'failed') && <RowsRead detail={detail} />}
      <Counts detail={detail} />
      {undo.isError && (
        <Alert color="red" title="The import was not undone">
          {errorMessage(undo.error)}
        </Alert>
      )}
      <Group justify="space-between" gap="sm">
        <Group gap="sm">
          <Button leftSection={<IconDownload size={16} />} variant="default" onClick={getResult} loading={downloading}>
            Download the result (CSV)
          </Button>
          {(detail.status === 'done' || detail.status === 'failed') && created + updated > 0 && (
            <Button
              color="red"
              variant="light"
              leftSection={<IconArrowBackUp size={16} />}
              onClick={() => setConfirming(true)}
            >
              Undo the import
            </Button>
          )}
        </Group>
        <Group gap="sm">
          <Button component={Link} to="/leads/import" variant="default" leftSection={<IconFileImport size={16} />}>
            Import another file
          </Button>
          <Button component={Link} to="/leads" leftSection={<IconList size={16} />}>
            Go to leads
          </Button>
        </Group>
      </Group>

      <ConfirmModal
        opened={confirming}
        title="Undo this import?"
        confirmLabel="Undo the import"
        loading={undo.isPending}
        onConfirm={() => undo.mutate(undefined, { onSettled: () => setConfirming(false) })}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm">
          The {formatNumber(created)} {created === 1 ? 'lead it created goes' : 'leads it created go'} to the trash
          {updated > 0
            ? `, and the ${formatNumber(updated)} ${updated === 1 ? 'lead it updated gets' : 'leads it updated get'} their earlier values back`
            : ''}
          . A field someone changed after the import keeps that later value, and an admin can restore trashed leads for
          30 days.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
