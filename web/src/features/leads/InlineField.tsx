import { ActionIcon, Badge, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { formatDay, formatMoney } from '../../lib/format';
import { ApiError, errorMessage } from '../../lib/problem';
import { useMe } from '../auth/session';
import type { CustomFieldDef } from './customFields.queries';
import { FieldInput, type FieldValue, fieldLabel, toApiValue, toInputValue } from './FieldInput';
import { canEdit, fieldValue, isBuiltinField, isEmptyValue, sourceLabel } from './fields';
import classes from './LeadPage.module.css';
import { useUpdateLead } from './leads.queries';
import type { Lead, UpdateLeadBody } from './leads.types';
import { formFieldOfPath } from './NewLeadModal';

/** A field's value as people read it. */
export function displayValue(lead: Lead, field: string, custom: CustomFieldDef | undefined, currency: string) {
  const value = fieldValue(lead, field);
  if (isEmptyValue(value)) return null;
  if (field === 'expectedValue') return formatMoney(value as number, lead.currency ?? currency);
  if (field === 'source') return sourceLabel(value as string);
  if (field === 'expectedCloseDate' || custom?.type === 'date') return formatDay(value as string);
  if (custom?.type === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value;
  return String(value);
}

function Shown({ value, field }: { value: ReturnType<typeof displayValue>; field: string }) {
  if (value === null) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  if (Array.isArray(value)) {
    if (field === 'tags' || !isBuiltinField(field)) {
      return (
        <Group gap={4}>
          {value.map((item) => (
            <Badge key={item} color="gray" size="sm">
              {item}
            </Badge>
          ))}
        </Group>
      );
    }
    return (
      <Stack gap={0}>
        {value.map((item) => (
          <Text key={item} size="sm" className={classes.breakable}>
            {item}
          </Text>
        ))}
      </Stack>
    );
  }
  return (
    <Text size="sm" className={classes.breakable} style={{ whiteSpace: field === 'notes' ? 'pre-wrap' : undefined }}>
      {value}
    </Text>
  );
}

/** The PATCH body for one field, carrying the version read so a concurrent change is caught (409). */
function patchFor(lead: Lead, field: string, value: FieldValue): UpdateLeadBody {
  const apiValue = toApiValue(value);
  if (field.startsWith('customFields.')) {
    return { version: lead.version, customFields: { [field.slice('customFields.'.length)]: apiValue } };
  }
  const empty = field === 'emails' || field === 'phones' || field === 'tags' ? [] : null;
  return { version: lead.version, [field]: apiValue ?? empty } as UpdateLeadBody;
}

/**
 * One field of a lead, shown as text and edited in place: a click opens the input, Enter (or Save) writes it,
 * Escape leaves it. Fields the caller may not change stay plain text.
 */
export function InlineField({
  lead,
  field,
  custom,
  label,
  render,
  readOnly = false,
}: {
  lead: Lead;
  field: string;
  custom?: CustomFieldDef;
  label?: string;
  /** Custom display of the value (the header's title). */
  render?: (value: ReactNode) => ReactNode;
  readOnly?: boolean;
}) {
  const me = useMe();
  const name = label ?? fieldLabel(field, custom);
  const editable = !readOnly && canEdit(lead, field);
  const update = useUpdateLead(lead.id);
  const [draft, setDraft] = useState<FieldValue | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const editing = draft !== undefined;

  const open = () => {
    setError(null);
    setDraft(toInputValue(field, fieldValue(lead, field), custom));
  };
  const cancel = () => {
    setDraft(undefined);
    setError(null);
  };
  const save = () => {
    if (draft === undefined) return;
    if (field === 'name' && isEmptyValue(toApiValue(draft))) {
      setError('Enter a name');
      return;
    }
    const before = toApiValue(toInputValue(field, fieldValue(lead, field), custom));
    if (JSON.stringify(before ?? null) === JSON.stringify(toApiValue(draft) ?? null)) {
      cancel();
      return;
    }
    update.mutate(patchFor(lead, field, draft), {
      onSuccess: cancel,
      onError: (err) => {
        if (err instanceof ApiError && err.code === 'version_conflict') {
          setError('Someone else changed this lead meanwhile. The latest version is shown; save again to keep yours.');
          return;
        }
        const mine =
          err instanceof ApiError ? err.problem.errors?.find((e) => formFieldOfPath(e.path) === field) : null;
        setError(mine ? `${name} ${mine.message}` : errorMessage(err));
      },
    });
  };

  const shown = displayValue(lead, field, custom, me.company.currency);

  if (editing) {
    return (
      <div className={classes.field} data-editing>
        <Text className={classes.fieldLabel}>{name}</Text>
        <FieldInput
          field={field}
          custom={custom}
          value={draft}
          onChange={setDraft}
          label={name}
          hideLabel
          autoFocus
          error={error ?? undefined}
          currency={lead.currency ?? me.company.currency}
          onSubmit={save}
          onCancel={cancel}
        />
        <Group gap={6} mt={6} justify="flex-end">
          <ActionIcon
            variant="default"
            onClick={cancel}
            aria-label={`Cancel editing ${name}`}
            disabled={update.isPending}
          >
            <IconX size={16} />
          </ActionIcon>
          <ActionIcon onClick={save} aria-label={`Save ${name}`} loading={update.isPending}>
            <IconCheck size={16} />
          </ActionIcon>
        </Group>
      </div>
    );
  }

  const content = render ? render(shown === null ? '—' : Array.isArray(shown) ? shown.join(', ') : shown) : null;
  if (!editable) {
    return (
      <div className={classes.field}>
        {!render && <Text className={classes.fieldLabel}>{name}</Text>}
        {content ?? <Shown value={shown} field={field} />}
      </div>
    );
  }
  return (
    <UnstyledButton className={classes.field} data-editable onClick={open} aria-label={`Edit ${name}`}>
      {!render && <Text className={classes.fieldLabel}>{name}</Text>}
      <Group gap={6} wrap="nowrap" align="flex-start" justify="space-between">
        <div style={{ minWidth: 0, flex: 1 }}>{content ?? <Shown value={shown} field={field} />}</div>
        <IconPencil size={14} className={classes.pencil} aria-hidden="true" />
      </Group>
    </UnstyledButton>
  );
}
