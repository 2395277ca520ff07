import { Alert, Button, Group, Modal, Select, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../../lib/forms';
import { notifySuccess } from '../../../lib/notify';
import { KEY_RE, keyFromName, sentence } from '../keys';
import type { CustomField, CustomFieldType, UpdateCustomFieldBody } from '../settings.types';
import { useCreateCustomField, useUpdateCustomField } from './fields.queries';
import { fieldTypes, hasOptions, isFieldType } from './fieldTypes';

const fields = ['label', 'key', 'type', 'options', 'required'] as const;
// The key's messages name the key themselves ("a custom field with the key x already exists").
const labels = { label: 'Label', type: 'Type', options: 'Options', required: 'Required' };

interface Draft {
  label: string;
  key: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
}

export function CustomFieldModal({
  opened,
  field,
  onClose,
}: {
  opened: boolean;
  field: CustomField | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>{field ? `Edit ${field.label}` : 'New custom field'}</Text>}
      size="lg"
    >
      {opened && <CustomFieldForm key={field?.key ?? 'new'} field={field} onDone={onClose} />}
    </Modal>
  );
}

function changesOf(field: CustomField, draft: Draft): UpdateCustomFieldBody {
  const changes: UpdateCustomFieldBody = {};
  if (draft.label.trim() !== field.label) changes.label = draft.label.trim();
  if (draft.type !== field.type) changes.type = draft.type;
  const options = hasOptions(draft.type) ? draft.options : [];
  if (JSON.stringify(options) !== JSON.stringify(field.options)) changes.options = options;
  if (draft.required !== field.required) changes.required = draft.required;
  return changes;
}

function CustomFieldForm({ field, onDone }: { field: CustomField | null; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>({
    label: field?.label ?? '',
    key: field?.key ?? '',
    type: field?.type ?? 'text',
    options: field?.options ?? [],
    required: field?.required ?? false,
  });
  const errors = useFormErrors(fields, labels);
  const create = useCreateCustomField();
  const update = useUpdateCustomField();
  const pending = create.isPending || update.isPending;
  const derivedKey = keyFromName(draft.label, 'field');

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const problems: Partial<Record<(typeof fields)[number], string>> = {};
    if (!draft.label.trim()) problems.label = 'Enter a label';
    if (!field && draft.key && !KEY_RE.test(draft.key)) {
      problems.key = 'Use lower-case letters, digits and _, starting with a letter';
    }
    if (hasOptions(draft.type) && draft.options.length === 0) problems.options = 'Add at least one option';
    if (Object.keys(problems).length > 0) {
      errors.setFieldErrors(problems);
      return;
    }
    if (field) {
      const changes = changesOf(field, draft);
      if (Object.keys(changes).length === 0) {
        onDone();
        return;
      }
      update.mutate(
        { key: field.key, body: changes },
        {
          onSuccess: (saved) => {
            notifySuccess(`${saved.label} was updated.`, 'Field saved');
            onDone();
          },
          onError: errors.fromError,
        },
      );
      return;
    }
    create.mutate(
      {
        label: draft.label.trim(),
        type: draft.type,
        required: draft.required,
        ...(draft.key ? { key: draft.key } : {}),
        ...(hasOptions(draft.type) ? { options: draft.options } : {}),
      },
      {
        onSuccess: (saved) => {
          notifySuccess(`Leads now have a ${saved.label} field.`, 'Field added');
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={field ? `Edit ${field.label}` : 'New custom field'}>
      <Stack gap="md">
        <TextInput
          label="Label"
          placeholder="e.g. Site visit date"
          value={draft.label}
          onChange={(event) => set('label', event.currentTarget.value)}
          error={errors.fieldErrors.label}
          maxLength={80}
          data-autofocus
        />
        {field ? (
          <TextInput
            label="Key"
            description="How leads and the API hold the value; it never changes."
            value={field.key}
            readOnly
            variant="filled"
          />
        ) : (
          <TextInput
            label="Key"
            description="How leads and the API hold the value (customFields.<key>). Leave empty to use the one shown."
            placeholder={derivedKey || 'e.g. site_visit_date'}
            value={draft.key}
            onChange={(event) => set('key', event.currentTarget.value.trim())}
            error={sentence(errors.fieldErrors.key)}
            maxLength={40}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
        )}
        <Select
          label="Type"
          description={field ? 'The type can change only while no lead has a value for the field.' : undefined}
          data={fieldTypes.map((type) => ({ value: type.value, label: `${type.label} · ${type.hint}` }))}
          value={draft.type}
          onChange={(value) => {
            if (isFieldType(value)) set('type', value);
          }}
          allowDeselect={false}
          error={errors.fieldErrors.type}
        />
        {hasOptions(draft.type) && (
          <TagsInput
            label="Options"
            description="Type an option and press Enter. Each must be different."
            placeholder={draft.options.length === 0 ? 'e.g. Residential' : undefined}
            value={draft.options}
            onChange={(value) => set('options', value)}
            error={errors.fieldErrors.options}
            clearable
            splitChars={[',']}
          />
        )}
        <Switch
          label="Required"
          description="A lead cannot be saved without it (when created, or when this field is changed)."
          checked={draft.required}
          onChange={(event) => set('required', event.currentTarget.checked)}
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
            {field ? 'Save field' : 'Add field'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
