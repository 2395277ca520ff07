import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useCustomFields } from '../../leads/customFields.queries';
import { keyFromName } from '../keys';
import { customFieldPath } from '../leadFields';
import { moveItem, OrderButtons } from '../ordering';
import classes from './FormEditor.module.css';
import {
  builtInTargets,
  type FieldDraft,
  fieldDraft,
  formFieldTypes,
  isFormFieldType,
  type RowErrors,
  typeForTarget,
} from './formDraft';

function FieldRow({
  field,
  index,
  count,
  targets,
  takenTargets,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  field: FieldDraft;
  index: number;
  count: number;
  targets: { group: string; items: { value: string; label: string; disabled?: boolean }[] }[];
  takenTargets: ReadonlySet<string>;
  errors: RowErrors[string] | undefined;
  onChange: (next: FieldDraft) => void;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
}) {
  const title = field.label.trim() || `Field ${index + 1}`;
  const data = targets.map((group) => ({
    group: group.group,
    items: group.items.map((item) => ({
      ...item,
      // One field per lead field: the others' targets are shown but cannot be picked twice.
      disabled: item.value !== field.mapsTo && takenTargets.has(item.value),
    })),
  }));
  return (
    <fieldset className={classes.field} aria-label={title}>
      <Group justify="space-between" gap="xs" mb="xs" wrap="nowrap">
        <Text size="sm" fw={600} truncate>
          {index + 1}. {title}
        </Text>
        <Group gap={2} wrap="nowrap">
          <OrderButtons name={title} index={index} count={count} onMove={onMove} />
          <Tooltip label="Remove field" openDelay={400}>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove ${title}`}
              onClick={onRemove}
              disabled={count === 1}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" verticalSpacing="sm">
        <TextInput
          label="Label"
          size="sm"
          value={field.label}
          onChange={(event) => {
            const label = event.currentTarget.value;
            onChange({ ...field, label, name: field.nameTouched ? field.name : keyFromName(label, 'field') });
          }}
          error={errors?.label}
          maxLength={120}
        />
        <Select
          label="Fills lead field"
          size="sm"
          data={data}
          value={field.mapsTo}
          onChange={(value) => {
            if (value) onChange({ ...field, mapsTo: value, type: typeForTarget(value, field.type) });
          }}
          allowDeselect={false}
          searchable
          error={errors?.mapsTo}
        />
        <Select
          label="Input type"
          size="sm"
          data={formFieldTypes}
          value={field.type}
          onChange={(value) => {
            if (isFormFieldType(value)) onChange({ ...field, type: value });
          }}
          allowDeselect={false}
          error={errors?.type}
        />
      </SimpleGrid>
      {field.type === 'select' && (
        <TagsInput
          mt="sm"
          size="sm"
          label="Choices"
          description="Press Enter after each."
          value={field.options}
          onChange={(options) => onChange({ ...field, options })}
          error={errors?.options}
          splitChars={[',']}
          clearable
        />
      )}
      <Group mt="sm" gap="lg" align="flex-end" wrap="wrap">
        <TextInput
          label="Input name"
          description="What the page posts; a-z, 0-9 and _."
          size="xs"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={field.name}
          onChange={(event) => onChange({ ...field, name: event.currentTarget.value.trim(), nameTouched: true })}
          error={errors?.name}
          maxLength={40}
          w={220}
        />
        <Checkbox
          label={field.mapsTo === 'name' ? 'Required (always, it fills the name)' : 'Required'}
          checked={field.required || field.mapsTo === 'name'}
          disabled={field.mapsTo === 'name'}
          onChange={(event) => onChange({ ...field, required: event.currentTarget.checked })}
          pb={6}
        />
      </Group>
    </fieldset>
  );
}

/** The form's fields: what each asks, the lead field it fills, and its order on the page. */
export function FormFieldsEditor({
  fields,
  errors,
  onChange,
}: {
  fields: FieldDraft[];
  errors: RowErrors;
  onChange: (fields: FieldDraft[]) => void;
}) {
  const customFields = useCustomFields('all');
  const custom = (customFields.data ?? [])
    .filter((field) => field.active)
    .map((field) => ({ value: customFieldPath(field.key), label: field.label }));
  const known = new Set([...builtInTargets.map((t) => t.value), ...custom.map((t) => t.value)]);
  const orphans = fields.filter((f) => !known.has(f.mapsTo)).map((f) => ({ value: f.mapsTo, label: f.mapsTo }));
  const targets = [
    { group: 'Lead fields', items: [...builtInTargets] },
    ...(custom.length > 0 ? [{ group: 'Custom fields', items: custom }] : []),
    ...(orphans.length > 0 ? [{ group: 'No longer active', items: orphans }] : []),
  ];
  const taken = new Set(fields.map((field) => field.mapsTo));
  const free = targets.flatMap((group) => group.items).find((item) => !taken.has(item.value));

  const add = () =>
    onChange([
      ...fields,
      fieldDraft({
        label: free?.label ?? 'New field',
        mapsTo: free?.value ?? 'notes',
        type: typeForTarget(free?.value ?? 'notes', 'text'),
      }),
    ]);

  return (
    <div>
      <div className={classes.fields}>
        {fields.map((field, index) => (
          <FieldRow
            key={field.uid}
            field={field}
            index={index}
            count={fields.length}
            targets={targets}
            takenTargets={taken}
            errors={errors[field.uid]}
            onChange={(next) => onChange(fields.map((f) => (f.uid === field.uid ? next : f)))}
            onMove={(from, to) => onChange(moveItem(fields, from, to))}
            onRemove={() => onChange(fields.filter((f) => f.uid !== field.uid))}
          />
        ))}
      </div>
      <Button
        variant="light"
        leftSection={<IconPlus size={16} />}
        onClick={add}
        mt="md"
        disabled={fields.length >= 40 || !free}
      >
        Add field
      </Button>
    </div>
  );
}
