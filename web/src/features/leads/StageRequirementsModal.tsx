import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useMe } from '../auth/session';
import { useCustomFields } from './customFields.queries';
import { FieldInput, type FieldValue, fieldLabel, toInputValue } from './FieldInput';
import { fieldValue, isEmptyValue } from './fields';
import type { Lead } from './leads.types';
import type { Stage } from './stages';

export interface StagePrompt {
  lead: Lead;
  stage: Stage;
  /** The fields the stage needs, as the server (or the pipeline) named them. */
  fields: string[];
  errors: Record<string, string>;
  formError: string | null;
}

/**
 * Asks for what a stage needs before a lead may enter it (Won needs the deal's value, Lost a reason), then moves
 * the lead with those values in the same request.
 */
export function StageRequirementsModal({
  prompt,
  submitting,
  onSubmit,
  onCancel,
}: {
  prompt: StagePrompt | null;
  submitting: boolean;
  onSubmit: (values: Record<string, FieldValue>) => void;
  onCancel: () => void;
}) {
  return (
    <Modal
      opened={prompt !== null}
      onClose={onCancel}
      title={<Text fw={650}>{prompt ? `Move to ${prompt.stage.name}` : 'Move lead'}</Text>}
      size="md"
    >
      {prompt && (
        <PromptForm
          key={`${prompt.lead.id}:${prompt.stage.key}`}
          prompt={prompt}
          submitting={submitting}
          onSubmit={onSubmit}
          onCancel={onCancel}
        />
      )}
    </Modal>
  );
}

function PromptForm({
  prompt,
  submitting,
  onSubmit,
  onCancel,
}: {
  prompt: StagePrompt;
  submitting: boolean;
  onSubmit: (values: Record<string, FieldValue>) => void;
  onCancel: () => void;
}) {
  const me = useMe();
  const customFields = useCustomFields();
  const defs = customFields.data ?? [];
  const customOf = (field: string) => defs.find((d) => `customFields.${d.key}` === field);
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(prompt.fields.map((f) => [f, toInputValue(f, fieldValue(prompt.lead, f), customOf(f))])),
  );
  const [missing, setMissing] = useState<Record<string, string>>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const empty = prompt.fields.filter((f) => isEmptyValue(values[f]));
    if (empty.length > 0) {
      setMissing(Object.fromEntries(empty.map((f) => [f, `Enter the ${fieldLabel(f, customOf(f)).toLowerCase()}`])));
      return;
    }
    setMissing({});
    onSubmit(values);
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Move to ${prompt.stage.name}`}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          To move <b>{prompt.lead.name}</b> to {prompt.stage.name}, fill in what this stage needs.
        </Text>
        {prompt.fields.map((field, index) => (
          <FieldInput
            key={field}
            field={field}
            custom={customOf(field)}
            value={values[field] ?? null}
            onChange={(value) => {
              setValues((current) => ({ ...current, [field]: value }));
              setMissing((current) => ({ ...current, [field]: '' }));
            }}
            error={missing[field] || prompt.errors[field]}
            currency={prompt.lead.currency ?? me.company.currency}
            autoFocus={index === 0}
          />
        ))}
        {prompt.formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {prompt.formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onCancel} disabled={submitting}>
            Cancel
          </Button>
          <Button type="submit" loading={submitting}>
            Move
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
