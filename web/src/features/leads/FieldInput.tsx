import { Input, MultiSelect, NumberInput, Select, Switch, TagsInput, Textarea, TextInput } from '@mantine/core';
import { type KeyboardEvent, useId } from 'react';
import type { CustomFieldDef } from './customFields.queries';
import { type BuiltinField, fieldDefs, isBuiltinField, sourceOptions } from './fields';
import { UserPicker } from './UserPicker';

export type FieldValue = string | number | boolean | string[] | null;

export interface FieldInputProps {
  /** A built-in field key or `customFields.<key>`. */
  field: string;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  /** The custom field's definition, for `customFields.<key>`. */
  custom?: CustomFieldDef;
  error?: string;
  label?: string;
  /** Hides the label visually (inline editing shows it beside the input already); it stays the accessible name. */
  hideLabel?: boolean;
  autoFocus?: boolean;
  currency?: string;
  description?: string;
  /** Enter in a one-line input. */
  onSubmit?: () => void;
  onCancel?: () => void;
  size?: 'xs' | 'sm' | 'md';
}

export function fieldLabel(field: string, custom?: CustomFieldDef): string {
  if (isBuiltinField(field)) return fieldDefs[field].label;
  return custom?.label ?? field.replace(/^customFields\./, '');
}

/** The value the API expects: trimmed text, empty text as null, dates as YYYY-MM-DD. */
export function toApiValue(value: FieldValue): FieldValue {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map((v) => v.trim()).filter(Boolean);
  return value;
}

/** The value an input starts from: lists as lists, missing as empty. */
export function toInputValue(field: string, value: unknown, custom?: CustomFieldDef): FieldValue {
  const kind = isBuiltinField(field) ? fieldDefs[field as BuiltinField].kind : custom?.type;
  if (kind === 'list' || kind === 'multi_select') return Array.isArray(value) ? (value as string[]) : [];
  if (kind === 'boolean') return value === true;
  if (value === undefined || value === null) return kind === 'money' || kind === 'number' ? null : '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** One input for any lead field, chosen by the field's kind (built-in) or type (custom). */
export function FieldInput({
  field,
  value,
  onChange,
  custom,
  error,
  label,
  hideLabel,
  autoFocus,
  currency,
  description,
  onSubmit,
  onCancel,
  size = 'sm',
}: FieldInputProps) {
  const name = label ?? fieldLabel(field, custom);
  const inputId = useId();
  const common = {
    label: hideLabel ? undefined : name,
    'aria-label': hideLabel ? name : undefined,
    error,
    description,
    size,
    autoFocus,
    'data-autofocus': autoFocus || undefined,
  };
  const keys = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape' && onCancel) {
      event.stopPropagation();
      onCancel();
    }
    if (event.key === 'Enter' && onSubmit && !(event.target instanceof HTMLTextAreaElement)) {
      event.preventDefault();
      onSubmit();
    }
  };
  const text = typeof value === 'string' ? value : value === null ? '' : String(value);
  const list = Array.isArray(value) ? value : [];
  const kind = isBuiltinField(field) ? fieldDefs[field].kind : (custom?.type ?? 'text');
  const placeholder = isBuiltinField(field) ? fieldDefs[field].placeholder : undefined;

  switch (kind) {
    case 'longtext':
      return (
        <Textarea
          {...common}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && onSubmit) onSubmit();
            else keys(e);
          }}
          autosize
          minRows={2}
          maxRows={8}
        />
      );
    case 'list':
      return (
        <TagsInput
          {...common}
          value={list}
          onChange={onChange}
          placeholder={placeholder}
          clearable
          onKeyDown={(e) => {
            if (e.key === 'Escape' && onCancel) onCancel();
          }}
          splitChars={[',']}
        />
      );
    case 'multi_select':
      return (
        <MultiSelect
          comboboxProps={{ keepMounted: false }}
          {...common}
          value={list}
          onChange={onChange}
          data={custom?.options ?? []}
          clearable
          searchable
        />
      );
    case 'money':
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(next) => onChange(typeof next === 'number' ? next : next === '' ? null : Number(next))}
          onKeyDown={keys}
          min={kind === 'money' ? 0 : undefined}
          thousandSeparator=","
          leftSection={kind === 'money' && currency ? <span style={{ fontSize: 12 }}>{currency}</span> : undefined}
          leftSectionWidth={kind === 'money' && currency ? 44 : undefined}
          hideControls
        />
      );
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={keys}
        />
      );
    case 'source':
      return (
        <Select
          {...common}
          data={sourceOptions}
          value={text || null}
          onChange={(next) => onChange(next)}
          allowDeselect={false}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={custom?.options ?? []}
          value={text || null}
          onChange={(next) => onChange(next)}
          clearable
        />
      );
    case 'boolean':
      return (
        <Input.Wrapper
          label={hideLabel ? undefined : name}
          labelElement="label"
          id={inputId}
          error={error}
          description={description}
          size={size}
        >
          <Switch
            id={inputId}
            aria-label={hideLabel ? name : undefined}
            label={value === true ? 'Yes' : 'No'}
            checked={value === true}
            onChange={(e) => onChange(e.currentTarget.checked)}
            mt={6}
          />
        </Input.Wrapper>
      );
    case 'user':
      return <UserPicker {...common} value={text || null} onChange={(next) => onChange(next)} clearable />;
    case 'currency':
      return (
        <TextInput
          {...common}
          value={text}
          placeholder={placeholder}
          maxLength={3}
          onChange={(e) => onChange(e.currentTarget.value.toUpperCase())}
          onKeyDown={keys}
        />
      );
    default:
      return <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} onKeyDown={keys} />;
  }
}
