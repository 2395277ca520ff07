import { Badge, Button, Card, Code, Group, Modal, Progress, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconEye, IconPencil, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
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
import { SourceFormModal } from './SourceForm';

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
      {(run.status === 'running' || run.status === 'queued') && (
        <Progress value={Math.max(run.progress, 0.05) * 100} animated aria-label="Run progress" />
      )}
      {run.error && (
        <Text size="sm" c="red">
          {run.error}
        </Text>
      )}
    </Stack>
  );
}

const kindLabels: Record<string, string> = {
  mysql: 'MySQL / MariaDB',
  postgres: 'PostgreSQL',
  http: 'HTTP JSON API',
  file: 'File',
};

/** Where a source reads from, in a line: a database's host and name, or the URL (its query string left out). */
function whereOf(source: ExtractorSource): string {
  if (source.kind === 'http' || source.kind === 'file') {
    const url = (source.url ?? '').split('?')[0] ?? '';
    return source.kind === 'file' ? `${(source.format ?? 'csv').toUpperCase()} at ${url}` : url;
  }
  return `${source.host}:${source.port}/${source.database}`;
}

function SourceCard({
  source,
  canManage,
  onPreview,
  onEdit,
}: {
  source: ExtractorSource;
  canManage: boolean;
  onPreview: (p: ExtractorPreview) => void;
  onEdit: () => void;
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
            <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {kindLabels[source.kind] ?? source.kind} · {whereOf(source)}
            </Text>
            <Text size="sm" c="dimmed">
              {source.cursorColumn ? (
                <>
                  cursor <Code>{source.cursorColumn}</Code>{' '}
                  {source.cursorValue === null ? '(from the start)' : `after ${source.cursorValue}`}
                </>
              ) : (
                'no cursor: every run reads everything'
              )}
              {source.nextRunAt ? ` · next run ${formatDateTime(source.nextRunAt)}` : ' · on demand'}
            </Text>
          </div>
          {canManage && (
            <Group gap="xs">
              <Button variant="default" size="xs" leftSection={<IconPencil size={14} />} onClick={onEdit}>
                Edit
              </Button>
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
                Run now
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

const cell = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** The first rows of a source as the leads they would make, one column per lead field, and each row's error. */
function PreviewModal({ preview, onClose }: { preview: ExtractorPreview | null; onClose: () => void }) {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const rows = preview?.rows ?? [];
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r.lead ?? {})))];
  const failed = rows.filter((r) => r.error).length;
  return (
    <Modal
      opened={preview !== null}
      onClose={onClose}
      fullScreen={compact}
      title={<Text fw={650}>Preview: the first {rows.length} rows mapped (nothing is saved)</Text>}
      size="90rem"
    >
      <Stack gap="sm">
        <Text size="sm" c={failed ? 'red' : 'dimmed'}>
          {rows.length === 0
            ? 'The source gave no rows.'
            : `${rows.length - failed} would become leads; ${failed} would fail.`}
        </Text>
        <ScrollArea type="auto">
          <Table striped withTableBorder fz="sm" miw={Math.max(400, (fields.length + 2) * 130)}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                {fields.map((f) => (
                  <Table.Th key={f}>{f}</Table.Th>
                ))}
                <Table.Th>Error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id of their own.
                <Table.Tr key={i} bg={r.error ? 'var(--mantine-color-red-light)' : undefined}>
                  <Table.Td title={JSON.stringify(r.row)}>{i + 1}</Table.Td>
                  {fields.map((f) => (
                    <Table.Td key={f}>{cell(r.lead?.[f])}</Table.Td>
                  ))}
                  <Table.Td>
                    {r.error && (
                      <Text c="red" size="sm">
                        {r.error}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Stack>
    </Modal>
  );
}

/**
 * Settings › Extractor: the company's outside sources (databases, HTTP JSON APIs, CSV/XLSX files at a URL), with
 * the form to add and edit them, Preview, Run now and the runs' progress.
 */
export function ExtractorPage() {
  const sources = useExtractorSources();
  const canManage = useCan('extractor:manage');
  const [preview, setPreview] = useState<ExtractorPreview | null>(null);
  const [editing, setEditing] = useState<ExtractorSource | 'new' | null>(null);
  return (
    <Stack>
      <SectionHeader
        title="Extractor"
        description="Outside databases, HTTP JSON APIs and CSV/XLSX files at a URL, read into leads by a mapping."
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              Add source
            </Button>
          )
        }
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
            <SourceCard
              key={s.id}
              source={s}
              canManage={canManage}
              onPreview={setPreview}
              onEdit={() => setEditing(s)}
            />
          ))
        )}
      </ListCard>
      <PreviewModal preview={preview} onClose={() => setPreview(null)} />
      <SourceFormModal
        opened={editing !== null}
        source={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onPreview={setPreview}
      />
    </Stack>
  );
}
