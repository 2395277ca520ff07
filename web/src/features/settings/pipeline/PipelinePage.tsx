import { Alert, Button, Center, EmptyState, Text } from '@mantine/core';
import { IconAlertCircle, IconLayoutKanban, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { errorMessage } from '../../../lib/problem';
import { useCustomFields } from '../../leads/customFields.queries';
import { usePipelineStages } from '../../leads/pipeline.queries';
import { customLabels } from '../fieldOptions';
import { moveItem, useRowDrag } from '../ordering';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import type { Stage } from '../settings.types';
import classes from './PipelinePage.module.css';
import { useDeleteStage, useReorderStages } from './pipeline.queries';
import { StageModal } from './StageModal';
import { StageRow } from './StageRow';

function DeleteStageModal({ stage, onClose }: { stage: Stage | null; onClose: () => void }) {
  const remove = useDeleteStage();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={stage !== null}
      onClose={close}
      title={`Delete ${stage?.name ?? 'stage'}?`}
      confirmLabel="Delete stage"
      loading={remove.isPending}
      onConfirm={() => {
        if (!stage) return;
        remove.mutate(stage.key, {
          onSuccess: () => {
            notifySuccess(`${stage.name} is no longer part of your pipeline.`, 'Stage deleted');
            close();
          },
        });
      }}
    >
      <Text size="sm">Only a stage without leads can be deleted. Its history on past leads stays as it is.</Text>
      {remove.isError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} mt="md" role="alert" title="It cannot be deleted">
          {errorMessage(remove.error)}
        </Alert>
      )}
    </ConfirmModal>
  );
}

export function PipelinePage() {
  const stages = usePipelineStages();
  const customFields = useCustomFields('all');
  const reorder = useReorderStages();
  const [editing, setEditing] = useState<Stage | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Stage | null>(null);
  const list = stages.data ?? [];
  const labels = customLabels(customFields.data);

  const move = (from: number, to: number) => {
    if (to < 0 || to >= list.length || from === to) return;
    const keys = moveItem(list, from, to).map((stage) => stage.key);
    reorder.mutate(keys, { onError: (error) => notifyError(error, 'Could not reorder the stages') });
  };
  const { rowProps, handleProps } = useRowDrag(move, !reorder.isPending);

  return (
    <>
      <SectionHeader
        title="Pipeline stages"
        description="The columns of the lead board, left to right. Rename a stage by clicking its name; drag or use the arrows to reorder."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
            Add stage
          </Button>
        }
      />
      <ListCard>
        {stages.isPending ? (
          <LoadingRows rows={6} height={44} />
        ) : stages.isError ? (
          <LoadFailed error={stages.error} onRetry={() => stages.refetch()} title="Could not load the pipeline" />
        ) : list.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconLayoutKanban size={26} />}
              title="No stages yet"
              description="Add the stages a lead moves through, from first contact to won or lost."
            />
          </Center>
        ) : (
          <ul className={classes.list} aria-label="Pipeline stages">
            {list.map((stage, index) => (
              <StageRow
                key={stage.key}
                stage={stage}
                index={index}
                count={list.length}
                customLabels={labels}
                dragProps={rowProps(index)}
                handleProps={handleProps(index)}
                reordering={reorder.isPending}
                onMove={move}
                onEdit={() => setEditing(stage)}
                onDelete={() => setDeleting(stage)}
              />
            ))}
          </ul>
        )}
      </ListCard>
      <StageModal
        opened={editing !== null}
        stage={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
      <DeleteStageModal stage={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
