import { Badge, Button, Card, Code, Group, Modal, Progress, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconEye, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import {
  type ExtractorPreview,
  type ExtractorRun,
  type ExtractorSource,
  useExtractorRuns,
  useExtractorSources,
  usePreview,
  useStartRun,
} from './extractor.queries';

const statusColor: Record<ExtractorRun['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  cancelled: 'yellow',
};

function RunLine({ run }: { run: ExtractorRun }) {
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={statusColor[run.status]} variant="light">
          {run.status}
        </Badge>
        <Text size="sm">{formatDateTime(run.createdAt)}</Text>
        <Text size="sm" c="dimmed">
          read {run.rowsRead} · created {run.created} · updated {run.updated} · skipped {run.skipped} · failed{' '}
          {run.failed}
        </Text>
      </Group>
      {run.status === 'running' && <Progress value={run.progress * 100} animated />}
      {run.error && (
        <Text size="sm" c="red">
          {run.error}
        </Text>
      )}
    </Stack>
  );
}

function SourceCard({
  source,
  canManage,
  onPreview,
}: {
  source: ExtractorSource;
  canManage: boolean;
  onPreview: (p: ExtractorPreview) => void;
}) {
  const runs = useExtractorRuns(source.id);
  const start = useStartRun();
  const preview = usePreview();
  const latest = runs.data?.data.slice(0, 3) ?? [];
  return (
    <Card withBorder m="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <div>
            <Text fw={600}>{source.name}</Text>
            <Text size="sm" c="dimmed">
              {source.kind} · {source.host}:{source.port}/{source.database} · cursor <Code>{source.cursorColumn}</Code>{' '}
              {source.cursorValue === null ? '(from the start)' : `after ${source.cursorValue}`}
              {source.nextRunAt ? ` · next run ${formatDateTime(source.nextRunAt)}` : ' · on demand'}
            </Text>
          </div>
          {canManage && (
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                leftSection={<IconEye size={14} />}
                loading={preview.isPending}
                onClick={() => preview.mutate(source.id, { onSuccess: onPreview, onError: (e) => notifyError(e) })}
              >
                Preview
              </Button>
              <Button
                size="xs"
                leftSection={<IconPlayerPlay size={14} />}
                loading={start.isPending}
                onClick={() =>
                  start.mutate(source.id, {
                    onSuccess: () => notifySuccess('Run started'),
                    onError: (e) => notifyError(e),
                  })
                }
              >
                Run
              </Button>
            </Group>
          )}
        </Group>
        {latest.length === 0 ? (
          <Text size="sm" c="dimmed">
            No runs yet.
          </Text>
        ) : (
          latest.map((run) => <RunLine key={run.id} run={run} />)
        )}
      </Stack>
    </Card>
  );
}

function PreviewModal({ preview, onClose }: { preview: ExtractorPreview | null; onClose: () => void }) {
  return (
    <Modal opened={preview !== null} onClose={onClose} title="Preview: the first rows and their leads" size="xl">
      <ScrollArea>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>Lead</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview?.rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id of their own.
              <Table.Tr key={i}>
                <Table.Td>
                  <Code>{JSON.stringify(r.row)}</Code>
                </Table.Td>
                <Table.Td>{r.error ? <Text c="red">{r.error}</Text> : <Code>{JSON.stringify(r.lead)}</Code>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Modal>
  );
}

/** Settings › Extractor: the company's outside database sources, with Run, Preview and the runs' progress. */
export function ExtractorPage() {
  const sources = useExtractorSources();
  const canManage = useCan('extractor:manage');
  const [preview, setPreview] = useState<ExtractorPreview | null>(null);
  return (
    <Stack>
      <SectionHeader
        title="Extractor"
        description="Outside databases (MySQL/MariaDB, PostgreSQL) read into leads. Sources are added through the API."
      />
      <ListCard>
        {sources.isPending ? (
          <LoadingRows />
        ) : sources.isError ? (
          <LoadFailed error={sources.error} onRetry={() => sources.refetch()} title="Could not load the sources" />
        ) : sources.data.data.length === 0 ? (
          <Text p="md" c="dimmed">
            No sources yet.
          </Text>
        ) : (
          sources.data.data.map((s) => (
            <SourceCard key={s.id} source={s} canManage={canManage} onPreview={setPreview} />
          ))
        )}
      </ListCard>
      <PreviewModal preview={preview} onClose={() => setPreview(null)} />
    </Stack>
  );
}
