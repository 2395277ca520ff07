import { Alert, Badge, Button, Card, Group, Progress, Select, Stack, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import { useCustomFields } from '../leads/customFields.queries';
import { LoadingRows } from '../settings/SettingsSection';
import {
  type Backfill,
  type FormMapping,
  leadTargets,
  useBackfill,
  useFormMapping,
  useSaveMapping,
  useStartBackfill,
} from './facebook.queries';

const TIMELINE = '';

function BackfillPanel({
  formId,
  canManage,
  connectionId,
}: {
  formId: string;
  canManage: boolean;
  connectionId: string;
}) {
  const backfill = useBackfill(formId);
  const start = useStartBackfill(formId);
  const state: Backfill | undefined = backfill.data;
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" fw={600}>
          Earlier leads
        </Text>
        {canManage && (
          <Button
            size="xs"
            variant="light"
            loading={start.isPending}
            disabled={state?.status === 'running'}
            onClick={() =>
              start.mutate(connectionId, {
                onSuccess: () => notifySuccess('Leads already here are not created again.', 'Backfill started'),
                onError: (error) => notifyError(error, 'Backfill not started'),
              })
            }
          >
            Fetch earlier leads
          </Button>
        )}
      </Group>
      {state && state.status !== 'idle' && (
        <Stack gap={4} aria-label="Backfill progress">
          <Group gap="xs">
            <Badge color={state.status === 'done' ? 'teal' : state.status === 'running' ? 'blue' : 'red'}>
              {state.status}
            </Badge>
            <Text size="sm">
              {state.fetched} fetched · {state.created} new leads · {state.pages} pages
            </Text>
            <Text size="xs" c="dimmed">
              started {formatDateTime(state.startedAt)}
            </Text>
          </Group>
          {state.status === 'running' && <Progress value={100} animated aria-label="Fetching" />}
          {state.error && (
            <Text size="sm" c="red">
              {state.error}
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function MappingTable({ mapping, canManage }: { mapping: FormMapping; canManage: boolean }) {
  const customFields = useCustomFields('active');
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(mapping.fields.map((f) => [f.key, f.target ?? TIMELINE])),
  );
  const save = useSaveMapping(mapping.formId);
  const options = useMemo(
    () => [
      { value: TIMELINE, label: 'Keep on the timeline only' },
      ...leadTargets,
      ...(customFields.data ?? []).map((f) => ({ value: `customFields.${f.key}`, label: `${f.label} (custom)` })),
    ],
    [customFields.data],
  );
  const submit = () =>
    save.mutate(
      { fields: mapping.fields.map((f) => ({ key: f.key, target: draft[f.key] ? (draft[f.key] as string) : null })) },
      {
        onSuccess: () => notifySuccess('The next leads of this form follow it.', 'Mapping saved'),
        onError: (error) => notifyError(error, 'Mapping not saved'),
      },
    );
  if (mapping.fields.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No question seen yet: the mapping is suggested when the form's first lead arrives.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      {mapping.suggested && (
        <Alert color="blue" role="status">
          Suggested from the question keys; leads follow it until you save your own.
        </Alert>
      )}
      <Table fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Question</Table.Th>
            <Table.Th>Fills</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {mapping.fields.map((f) => (
            <Table.Tr key={f.key}>
              <Table.Td>
                <code>{f.key}</code>
              </Table.Td>
              <Table.Td>
                <Select
                  aria-label={`Lead field for ${f.key}`}
                  data={options}
                  value={draft[f.key] ?? TIMELINE}
                  onChange={(value) => setDraft((current) => ({ ...current, [f.key]: value ?? TIMELINE }))}
                  disabled={!canManage}
                  allowDeselect={false}
                  searchable
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canManage && (
        <Group justify="flex-end">
          <Button onClick={submit} loading={save.isPending}>
            Save mapping
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A lead form's mapping of questions to lead fields, and its backfill. */
export function FormMappingCard({
  formId,
  canManage,
  connectionId,
}: {
  formId: string;
  canManage: boolean;
  connectionId: string;
}) {
  const mapping = useFormMapping(formId);
  return (
    <Card aria-label={`Lead form ${formId}`}>
      <Stack gap="md">
        <Text fw={600}>
          Lead form {mapping.data?.formName ?? formId}
          {mapping.data?.formName && (
            <Text span size="xs" c="dimmed" ml="xs">
              id {formId}
            </Text>
          )}
        </Text>
        {mapping.isPending ? (
          <LoadingRows rows={3} />
        ) : mapping.isError ? (
          <ErrorAlert error={mapping.error} title={errorMessage(mapping.error)} />
        ) : (
          <>
            <MappingTable key={mapping.dataUpdatedAt} mapping={mapping.data} canManage={canManage} />
            <BackfillPanel formId={formId} canManage={canManage} connectionId={connectionId} />
          </>
        )}
      </Stack>
    </Card>
  );
}
