import { Alert, Anchor, Button, Group, List, Modal, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useMe } from '../auth/session';
import { fieldLabel } from '../leads/FieldInput';
import { useStages } from '../leads/pipeline.queries';
import { displayValue } from './mergeDisplay';
import { type MergeDetail, useMerge, useUndoMerge } from './merges.queries';

/** "1 notes" reads badly: the server's labels are plurals. */
function singular(label: string): string {
  if (label.endsWith('ies')) return `${label.slice(0, -3)}y`;
  return label.endsWith('s') ? label.slice(0, -1) : label;
}

function plainValue(field: string, value: unknown, ctx: Parameters<typeof displayValue>[2]): string {
  if (field === 'ownerId' || field === 'partnerId') return value ? 'another person' : 'nobody';
  return displayValue(field, value, ctx, {}) ?? 'empty';
}

/** The later merge that stands in the way, named by its leads, with a way to undo it first. */
function BlockingMerge({ id, onSwitch }: { id: string; onSwitch: (id: string) => void }) {
  const later = useMerge(id);
  if (!later.data) return <Skeleton h={16} w="60%" />;
  return (
    <Stack gap={6} align="flex-start">
      <Text size="sm">
        The later merge of {later.data.merged.map((m) => m.name).join(', ')} into{' '}
        <Anchor component={Link} to={`/leads/${later.data.survivor.id}`} size="sm" fw={600}>
          {later.data.survivor.name}
        </Anchor>{' '}
        ({formatDateTime(later.data.at)}) has to be undone first.
      </Text>
      {!later.data.undoneAt && (
        <Button size="xs" variant="white" color="orange" onClick={() => onSwitch(id)}>
          Undo that merge first
        </Button>
      )}
    </Stack>
  );
}

function WhatUndoDoes({ detail }: { detail: MergeDetail }) {
  const me = useMe();
  const { stages } = useStages();
  const ctx = { stages, currency: me.company.currency, locale: me.company.locale };
  const { undo } = detail;
  return (
    <Stack gap="sm">
      <Text size="sm">
        <b>{undo.restores.map((l) => l.name).join(', ')}</b> {undo.restores.length === 1 ? 'comes' : 'come'} back as{' '}
        {undo.restores.length === 1 ? 'it was' : 'they were'} before the merge.
      </Text>
      {undo.moveBack.some((m) => m.count > 0) && (
        <Text size="sm">
          Moving back:{' '}
          {undo.moveBack
            .filter((m) => m.count > 0)
            .map((m) => `${m.count} ${m.count === 1 ? singular(m.label) : m.label}`)
            .join(', ')}
          .
        </Text>
      )}
      {undo.survivorChanges.length > 0 && (
        <div>
          <Text size="sm">{detail.survivor.name} gets back:</Text>
          <List size="sm" spacing={2} mt={4}>
            {undo.survivorChanges.map((change) => (
              <List.Item key={change.field}>
                {fieldLabel(change.field)}: {plainValue(change.field, change.restored, ctx)}
                <Text span size="xs" c="dimmed">
                  {' '}
                  (now {plainValue(change.field, change.current, ctx)})
                </Text>
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {undo.keptLaterEdits.length > 0 && (
        <Text size="xs" c="dimmed">
          Changed again since the merge, so kept as they are now:{' '}
          {undo.keptLaterEdits.map((f) => fieldLabel(f)).join(', ')}.
        </Text>
      )}
    </Stack>
  );
}

/** Undo of one merge: what it brings back, or why it cannot. */
export function UndoMergeModal({
  mergeId,
  onClose,
  onSwitch,
}: {
  mergeId: string | null;
  onClose: () => void;
  /** Shows another merge instead (the later one that blocks this). */
  onSwitch: (id: string) => void;
}) {
  const navigate = useNavigate();
  const detail = useMerge(mergeId);
  const undo = useUndoMerge();
  const refused = undo.error instanceof ApiError ? undo.error : null;

  const confirm = () => {
    if (!mergeId) return;
    undo.mutate(mergeId, {
      onSuccess: (result) => {
        const back = detail.data?.undo.restores.map((l) => l.name).join(', ') ?? 'The merged leads';
        notifySuccess(`${back} ${result.restoredIds.length === 1 ? 'is' : 'are'} back.`, 'Merge undone');
        onClose();
        navigate(`/leads/${result.survivorId}`);
      },
    });
  };

  const close = () => {
    undo.reset();
    onClose();
  };

  const switchTo = (id: string) => {
    undo.reset();
    onSwitch(id);
  };

  return (
    <Modal opened={mergeId !== null} onClose={close} title={<Text fw={650}>Undo this merge?</Text>}>
      {detail.isPending ? (
        <Stack aria-busy="true">
          <Skeleton h={16} />
          <Skeleton h={16} w="70%" />
        </Stack>
      ) : detail.isError ? (
        <Alert color="red">{errorMessage(detail.error)}</Alert>
      ) : (
        <Stack gap="md">
          {detail.data.undo.possible ? (
            <WhatUndoDoes detail={detail.data} />
          ) : (
            <Alert
              color="orange"
              icon={<IconAlertTriangle size={18} />}
              title="This merge cannot be undone"
              role="alert"
            >
              {detail.data.undo.blockingMergeId ? (
                <BlockingMerge id={detail.data.undo.blockingMergeId} onSwitch={switchTo} />
              ) : (
                <Text size="sm">{detail.data.undo.reason}</Text>
              )}
            </Alert>
          )}
          {refused && (
            <Alert color="red" title="The merge was not undone" role="alert">
              {refused.code === 'merge_dependency' && detail.data.undo.blockingMergeId ? (
                <BlockingMerge id={detail.data.undo.blockingMergeId} onSwitch={switchTo} />
              ) : (
                <Text size="sm">{errorMessage(refused)}</Text>
              )}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={undo.isPending}>
              {detail.data.undo.possible ? 'Cancel' : 'Close'}
            </Button>
            {detail.data.undo.possible && (
              <Button color="orange" onClick={confirm} loading={undo.isPending}>
                Undo merge
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
