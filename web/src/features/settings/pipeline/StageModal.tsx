import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../../lib/forms';
import { notifySuccess } from '../../../lib/notify';
import { useCustomFields } from '../../leads/customFields.queries';
import { leadFieldOptions } from '../fieldOptions';
import { sentence } from '../keys';
import type { Stage, StageKind } from '../settings.types';
import { useCreateStage, useUpdateStage } from './pipeline.queries';
import { isStageKind, stageKinds } from './stageKinds';

const fields = ['name', 'key', 'kind', 'requiredFields'] as const;
// The key's messages name the key themselves ("a stage with the key x already exists").
const labels = { name: 'Name', kind: 'Kind', requiredFields: 'Required fields' };

interface Draft {
  name: string;
  kind: StageKind;
  requiredFields: string[];
}

/** Adds a stage (no `stage`) or edits one: its name, kind and the fields a lead needs to enter it. */
export function StageModal({ opened, stage, onClose }: { opened: boolean; stage: Stage | null; onClose: () => void }) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>{stage ? `Edit ${stage.name}` : 'New stage'}</Text>}
      size="lg"
    >
      {/* Keyed so each opening starts from the stage as it is now. */}
      {opened && <StageForm key={stage?.key ?? 'new'} stage={stage} onDone={onClose} />}
    </Modal>
  );
}

function StageForm({ stage, onDone }: { stage: Stage | null; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>({
    name: stage?.name ?? '',
    kind: stage?.kind ?? 'open',
    requiredFields: stage?.requiredFields ?? [],
  });
  const errors = useFormErrors(fields, labels);
  const customFields = useCustomFields('all');
  const create = useCreateStage();
  const update = useUpdateStage();
  const pending = create.isPending || update.isPending;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const name = draft.name.trim();
    if (!name) {
      errors.setFieldErrors({ name: 'Enter a name' });
      return;
    }
    if (stage) {
      update.mutate(
        { key: stage.key, body: { name, kind: draft.kind, requiredFields: draft.requiredFields } },
        {
          onSuccess: (saved) => {
            notifySuccess(`${saved.name} was updated.`, 'Stage saved');
            onDone();
          },
          onError: errors.fromError,
        },
      );
    } else {
      create.mutate(
        { name, kind: draft.kind, requiredFields: draft.requiredFields },
        {
          onSuccess: (saved) => {
            notifySuccess(`${saved.name} is now a stage of your pipeline.`, 'Stage added');
            onDone();
          },
          onError: errors.fromError,
        },
      );
    }
  };

  // A required field that is no longer active still shows, so saving does not silently drop it.
  const options = leadFieldOptions(customFields.data ?? []);
  const known = new Set(options.flatMap((group) => group.items.map((item) => item.value)));
  const orphans = draft.requiredFields.filter((field) => !known.has(field));
  if (orphans.length > 0) options.push({ group: 'Other', items: orphans.map((f) => ({ value: f, label: f })) });

  return (
    <form onSubmit={submit} noValidate aria-label={stage ? `Edit ${stage.name}` : 'New stage'}>
      <Stack gap="md">
        <TextInput
          label="Name"
          placeholder="e.g. Negotiation"
          value={draft.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={errors.fieldErrors.name ?? sentence(errors.fieldErrors.key)}
          maxLength={60}
          data-autofocus
        />
        <Select
          label="Kind"
          description="Won and lost stages close a lead; open stages are the work in between."
          data={stageKinds.map((kind) => ({ value: kind.value, label: `${kind.label} · ${kind.hint}` }))}
          value={draft.kind}
          onChange={(value) => {
            if (isStageKind(value)) set('kind', value);
          }}
          allowDeselect={false}
          error={errors.fieldErrors.kind}
        />
        <MultiSelect
          label="Required fields"
          description="A lead needs these filled in to move into this stage."
          placeholder={draft.requiredFields.length === 0 ? 'None' : undefined}
          data={options}
          value={draft.requiredFields}
          onChange={(value) => set('requiredFields', value)}
          searchable
          clearable
          nothingFoundMessage="No such field"
          error={errors.fieldErrors.requiredFields}
          comboboxProps={{ keepMounted: false }}
        />
        {errors.formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {stage ? 'Save stage' : 'Add stage'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
