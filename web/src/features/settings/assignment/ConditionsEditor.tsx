import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { RuleCondition } from '../settings.types';
import {
  type ConditionField,
  conditionFor,
  fieldOf,
  opsFor,
  optionsWith,
  opValueOf,
  PLACE,
  withOp,
} from './conditions';
import classes from './RuleEditor.module.css';
import { type ConditionDraft, type ConditionPart, newUid } from './ruleDraft';

type Errors = Partial<Record<ConditionPart, string>> | undefined;

/** A single value as the field's kind wants it: a number, a date, yes/no, a known choice or text. */
function SingleValue({
  field,
  label,
  value,
  error,
  onChange,
}: {
  field: ConditionField | undefined;
  label: string;
  value: string | number | boolean | undefined;
  error: string | undefined;
  onChange: (value: string | number | boolean | undefined) => void;
}) {
  if (field?.kind === 'number') {
    return (
      <NumberInput
        thousandSeparator=","
        aria-label={label}
        size="sm"
        placeholder="Number"
        value={typeof value === 'number' ? value : ''}
        onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
        error={error}
      />
    );
  }
  if (field?.kind === 'date') {
    return (
      <TextInput
        aria-label={label}
        size="sm"
        type="date"
        value={typeof value === 'string' ? value : ''}
        onChange={(event) => onChange(event.currentTarget.value || undefined)}
        error={error}
      />
    );
  }
  if (field?.kind === 'boolean') {
    return (
      <Select
        aria-label={label}
        size="sm"
        data={[
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
        value={typeof value === 'boolean' ? String(value) : null}
        onChange={(next) => onChange(next === null ? undefined : next === 'true')}
        placeholder="Yes or no"
        error={error}
      />
    );
  }
  if (field?.options && field.options.length > 0) {
    return (
      <Select
        aria-label={label}
        size="sm"
        data={optionsWith(field.options, [value])}
        value={typeof value === 'string' ? value : null}
        onChange={(next) => onChange(next ?? undefined)}
        placeholder="Choose"
        searchable
        error={error}
      />
    );
  }
  return (
    <TextInput
      aria-label={label}
      size="sm"
      placeholder="Value"
      value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
      onChange={(event) => onChange(event.currentTarget.value || undefined)}
      error={error}
      maxLength={200}
    />
  );
}

function ValueInput({
  condition,
  field,
  errors,
  onChange,
}: {
  condition: RuleCondition;
  field: ConditionField | undefined;
  errors: Errors;
  onChange: (next: RuleCondition) => void;
}) {
  const name = field?.label ?? 'the field';
  const set = (key: 'value' | 'min' | 'max', value: string | number | boolean | undefined) => {
    const next: RuleCondition = { ...condition };
    if (value === undefined) delete next[key];
    else if (key === 'value') next.value = value;
    else if (typeof value !== 'boolean') next[key] = value;
    onChange(next);
  };
  switch (condition.op) {
    case 'is_empty':
      return null;
    case 'in':
    case 'territory':
      if (field?.options && field.options.length > 0) {
        return (
          <MultiSelect
            aria-label={`Values of ${name}`}
            size="sm"
            placeholder={(condition.values ?? []).length === 0 ? 'Choose' : undefined}
            data={optionsWith(field.options, condition.values ?? [])}
            value={condition.values ?? []}
            onChange={(values) => onChange({ ...condition, values })}
            error={errors?.values ?? errors?.value}
            searchable
            comboboxProps={{ keepMounted: false }}
          />
        );
      }
      return (
        <TagsInput
          aria-label={`Values of ${name}`}
          size="sm"
          placeholder={(condition.values ?? []).length === 0 ? 'Type and press Enter' : undefined}
          value={condition.values ?? []}
          onChange={(values) => onChange({ ...condition, values })}
          error={errors?.values ?? errors?.value}
          splitChars={[',']}
          clearable
        />
      );
    case 'range':
      return (
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <SingleValue
            field={field}
            label={`Lowest ${name}`}
            value={condition.min}
            error={errors?.min}
            onChange={(value) => set('min', value)}
          />
          <Text size="sm" c="dimmed" mt={6}>
            and
          </Text>
          <SingleValue
            field={field}
            label={`Highest ${name}`}
            value={condition.max}
            error={errors?.max}
            onChange={(value) => set('max', value)}
          />
        </Group>
      );
    case 'contains':
      return (
        <TextInput
          aria-label={`Text ${name} contains`}
          size="sm"
          placeholder="Text"
          value={typeof condition.value === 'string' ? condition.value : ''}
          onChange={(event) => set('value', event.currentTarget.value || undefined)}
          error={errors?.value}
          maxLength={200}
        />
      );
    default:
      return (
        <SingleValue
          field={field}
          label={`Value of ${name}`}
          value={condition.value}
          error={errors?.value}
          onChange={(value) => set('value', value)}
        />
      );
  }
}

function ConditionRow({
  item,
  index,
  fields,
  errors,
  onChange,
  onRemove,
}: {
  item: ConditionDraft;
  index: number;
  fields: readonly ConditionField[];
  errors: Errors;
  onChange: (next: RuleCondition) => void;
  onRemove: () => void;
}) {
  const { condition } = item;
  const fieldValue = fieldOf(condition);
  const field = fields.find((candidate) => candidate.value === fieldValue);
  const ops = opsFor(field);
  // A condition on a field that is gone (a deactivated custom field) still shows, so it can be seen and removed.
  const fieldData = field ? fields : [...fields, { value: fieldValue, label: fieldValue, kind: 'text' as const }];
  return (
    <fieldset className={classes.condition} aria-label={`Condition ${index + 1}`}>
      <Text size="xs" c="dimmed" fw={600} className={classes.joiner}>
        {index === 0 ? 'When' : 'and'}
      </Text>
      <Select
        aria-label={`Condition ${index + 1} field`}
        size="sm"
        data={fieldData.map((option) => ({ value: option.value, label: option.label }))}
        value={fieldValue || null}
        onChange={(next) => {
          const chosen = fields.find((candidate) => candidate.value === next);
          if (chosen) onChange(conditionFor(chosen));
        }}
        searchable
        allowDeselect={false}
        error={errors?.field}
        className={classes.conditionField}
      />
      <Select
        aria-label={`Condition ${index + 1} test`}
        size="sm"
        data={ops.map((op) => ({ value: op.value, label: op.label }))}
        value={opValueOf(condition)}
        onChange={(next) => {
          const op = ops.find((candidate) => candidate.value === next);
          if (op) onChange(withOp(condition, op));
        }}
        allowDeselect={false}
        error={errors?.op}
        className={classes.conditionOp}
      />
      <div className={classes.conditionValue}>
        <ValueInput condition={condition} field={field} errors={errors} onChange={onChange} />
      </div>
      <Tooltip label="Remove condition" openDelay={400}>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={`Remove condition ${index + 1}`}
          onClick={onRemove}
          className={classes.conditionRemove}
        >
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </fieldset>
  );
}

export function ConditionsEditor({
  conditions,
  fields,
  errors,
  onChange,
}: {
  conditions: ConditionDraft[];
  fields: readonly ConditionField[];
  errors: Record<string, Errors>;
  onChange: (conditions: ConditionDraft[]) => void;
}) {
  const add = () => {
    const first = fields.find((field) => field.value === 'source') ?? fields.find((field) => field.value !== PLACE);
    if (first) onChange([...conditions, { uid: newUid(), condition: conditionFor(first) }]);
  };
  return (
    <Stack gap="sm" className={classes.conditions}>
      {conditions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No conditions: this rule takes every lead that reaches it.
        </Text>
      ) : (
        conditions.map((item, index) => (
          <ConditionRow
            key={item.uid}
            item={item}
            index={index}
            fields={fields}
            errors={errors[item.uid]}
            onChange={(condition) =>
              onChange(conditions.map((other) => (other.uid === item.uid ? { ...other, condition } : other)))
            }
            onRemove={() => onChange(conditions.filter((other) => other.uid !== item.uid))}
          />
        ))
      )}
      <Group>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={add}
          disabled={conditions.length >= 20}
        >
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}
