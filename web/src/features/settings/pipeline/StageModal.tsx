import {
  Alert,
  Button,
  Group,
  Input,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../../lib/forms';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useCustomFields } from '../../leads/customFields.queries';
import { leadFieldOptions } from '../fieldOptions';
import { sentence } from '../keys';
import type { Stage, StageKind } from '../settings.types';
import { useCreateStage, useUpdateStage } from './pipeline.queries';
import { percentToProbability, probabilityToPercent } from './probability';
import { isStageKind, stageKinds } from './stageKinds';

const fields = ['name', 'key', 'kind', 'requiredFields', 'probability'] as const;
// The key's messages name the key themselves ("a stage with the key x already exists").
const labels = { name: 'Name', kind: 'Kind', requiredFields: 'Required fields', probability: 'Win probability' };

interface Draft {
  name: string;
  kind: StageKind;
  requiredFields: string[];
  /** Learnt from history, or the percentage typed. */
  learnt: boolean;
  percent: number | string;
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
    learnt: (stage?.probability ?? null) === null,
    percent: typeof stage?.probability === 'number' ? probabilityToPercent(stage.probability) : '',
  });
  const errors = useFormErrors(fields, labels);
  const customFields = useCustomFields('all');
  const create = useCreateStage();
  const update = useUpdateStage();
  const pending = create.isPending || update.isPending;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key === 'learnt' || key === 'percent' ? 'probability' : key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const name = draft.name.trim();
    if (!name) {
      errors.setFieldErrors({ name: 'Enter a name' });
      return;
    }
    // Only an open stage's probability weighs in the forecast; won and lost stages keep theirs as it is.
    let probability: number | null | undefined;
    if (draft.kind === 'open') {
      probability = draft.learnt ? null : percentToProbability(draft.percent);
      if (Number.isNaN(probability)) {
        errors.setFieldErrors({ probability: 'Enter a percentage from 0 to 100' });
        return;
      }
      if (probability === (stage?.probability ?? null)) probability = undefined;
    }
    if (stage) {
      update.mutate(
        {
          key: stage.key,
          body: {
            name,
            kind: draft.kind,
            requiredFields: draft.requiredFields,
            ...(probability !== undefined ? { probability } : {}),
          },
        },
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
          onSuccess: async (saved) => {
            // A new stage learns its probability unless one is given: that is a change of the stage made.
            if (probability !== undefined && probability !== null) {
              try {
                await update.mutateAsync({ key: saved.key, body: { probability } });
              } catch (error) {
                notifyError(error, `${saved.name} was added, but not its win probability`);
                onDone();
                return;
              }
            }
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
        {draft.kind === 'open' && (
          <Input.Wrapper
            label="Win probability"
            description="How likely a lead in this stage is to be won, for the weighted forecast."
            error={errors.fieldErrors.probability}
          >
            <Group gap="sm" mt={6} align="center" wrap="wrap">
              <SegmentedControl
                aria-label="Win probability"
                data={[
                  { value: 'learnt', label: 'Learn from history' },
                  { value: 'set', label: 'Set it' },
                ]}
                value={draft.learnt ? 'learnt' : 'set'}
                onChange={(value) => set('learnt', value === 'learnt')}
              />
              {!draft.learnt && (
                <NumberInput
                  aria-label="Win probability (%)"
                  value={draft.percent}
                  onChange={(value) => set('percent', value)}
                  min={0}
                  max={100}
                  decimalScale={2}
                  suffix="%"
                  placeholder="e.g. 40%"
                  allowNegative={false}
                  w={120}
                  error={Boolean(errors.fieldErrors.probability)}
                />
              )}
            </Group>
            {draft.learnt && (
              <Text size="xs" c="dimmed" mt={4}>
                Of the leads that entered this stage and have closed since, the share won.
              </Text>
            )}
          </Input.Wrapper>
        )}
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
