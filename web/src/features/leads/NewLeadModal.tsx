import { Alert, Button, Divider, Group, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useCan, useMe } from '../auth/session';
import {
  type BlockedMatch,
  DuplicateLeadError,
  type OnDuplicate,
  useCreateLeadChecked,
} from '../duplicates/createLead';
import { BlockedDuplicate, DuplicateHint } from '../duplicates/DuplicateHint';
import { type CustomFieldDef, useCustomFields } from './customFields.queries';
import { FieldInput, type FieldValue, toApiValue } from './FieldInput';
import { isEmptyValue, isLeadSource } from './fields';
import type { CreateLeadBody, Lead } from './leads.types';
import { UserPicker } from './UserPicker';

type Values = Record<string, FieldValue>;

const contactFields = ['companyName', 'emails', 'phones'] as const;
const dealFields = ['source', 'campaign', 'product', 'expectedValue', 'expectedCloseDate', 'tags'] as const;
const placeFields = ['city', 'state', 'country'] as const;

const initialValues: Values = { name: '', source: 'manual', emails: [], phones: [], tags: [] };

/** The form's field a problem's error path names: `emails.1` is `emails`, `customFields.budget` stays whole. */
export function formFieldOfPath(path: string): string {
  const parts = path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .split(/[./]/);
  if (parts[0] === 'customFields' && parts[1]) return `customFields.${parts[1]}`;
  return parts[0] ?? '';
}

function toBody(values: Values, ownerId: string | null, defs: CustomFieldDef[]): CreateLeadBody {
  const body: Record<string, unknown> = {};
  const custom: Record<string, FieldValue> = {};
  for (const [field, raw] of Object.entries(values)) {
    const value = toApiValue(raw);
    if (isEmptyValue(value)) continue;
    if (field.startsWith('customFields.')) {
      const key = field.slice('customFields.'.length);
      if (defs.some((d) => d.key === key)) custom[key] = value;
    } else body[field] = value;
  }
  if (Object.keys(custom).length > 0) body.customFields = custom;
  if (ownerId) body.ownerId = ownerId;
  if (typeof body.source === 'string' && !isLeadSource(body.source)) delete body.source;
  return body as CreateLeadBody;
}

export function NewLeadModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated?: (lead: Lead) => void;
}) {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>New lead</Text>}
      size="xl"
      fullScreen={compact}
      closeOnClickOutside={false}
    >
      {opened && <NewLeadForm onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function NewLeadForm({ onClose, onCreated }: { onClose: () => void; onCreated?: (lead: Lead) => void }) {
  const me = useMe();
  const canAssign = useCan('leads:assign');
  const customFields = useCustomFields();
  const defs = customFields.data ?? [];
  const create = useCreateLeadChecked();
  const [blocked, setBlocked] = useState<{ matches: BlockedMatch[]; detail: string } | null>(null);
  const [values, setValues] = useState<Values>(initialValues);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (field: string, value: FieldValue) => {
    setBlocked(null);
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => (current[field] ? { ...current, [field]: '' } : current));
  };

  const input = (field: string, extra: { custom?: CustomFieldDef; autoFocus?: boolean; label?: string } = {}) => (
    <FieldInput
      key={field}
      field={field}
      value={values[field] ?? (field.startsWith('customFields.') ? null : '')}
      onChange={(value) => set(field, value)}
      error={errors[field] || undefined}
      currency={me.company.currency}
      {...extra}
    />
  );

  const send = (onDuplicate?: OnDuplicate) => {
    setFormError(null);
    create.mutate(
      { body: toBody(values, ownerId, defs), onDuplicate },
      {
        onSuccess: (answer) => {
          if (answer.kind === 'existing') {
            const lead = answer.outcome.lead;
            notifySuccess(
              lead ? `The details were added to ${lead.name}.` : 'Nothing was created: the lead already exists.',
              lead ? 'Added to the existing lead' : 'Lead already exists',
            );
            if (lead) onCreated?.(lead);
            onClose();
            return;
          }
          const lead = answer.lead;
          const alike = lead.duplicates ?? [];
          notifySuccess(
            `${lead.ownerName ? `${lead.name} was created and assigned to ${lead.ownerName}.` : `${lead.name} was created.`}${alike.length > 0 ? ` It looks like ${alike.map((d) => d.name).join(', ')}: see the lead's possible duplicates.` : ''}`,
            'Lead created',
          );
          onCreated?.(lead);
          onClose();
        },
        onError: (error) => {
          if (error instanceof DuplicateLeadError) {
            setErrors({});
            setBlocked({ matches: error.duplicates, detail: errorMessage(error) });
            return;
          }
          const next: Record<string, string> = {};
          const unplaced: string[] = [];
          const known = new Set([
            'name',
            'ownerId',
            ...contactFields,
            ...dealFields,
            ...placeFields,
            ...defs.map((d) => `customFields.${d.key}`),
          ]);
          for (const item of error instanceof ApiError ? (error.problem.errors ?? []) : []) {
            const field = formFieldOfPath(item.path);
            if (known.has(field) && !next[field]) next[field] = item.message.replace(/^[a-z]/, (c) => c.toUpperCase());
            else unplaced.push(item.message);
          }
          setErrors(next);
          if (Object.keys(next).length === 0) setFormError(errorMessage(error));
          else if (unplaced.length > 0) setFormError(unplaced.join(' '));
        },
      },
    );
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    setBlocked(null);
    const missing: Record<string, string> = {};
    if (!String(values.name ?? '').trim()) missing.name = 'Enter a name';
    for (const def of defs) {
      if (def.required && isEmptyValue(values[`customFields.${def.key}`])) {
        missing[`customFields.${def.key}`] = `Enter ${def.label.toLowerCase()}`;
      }
    }
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    send();
  };

  const asList = (value: FieldValue | undefined) => (Array.isArray(value) ? value : []);
  const probe = {
    name: String(values.name ?? ''),
    companyName: String(values.companyName ?? ''),
    emails: asList(values.emails),
    phones: asList(values.phones),
  };

  return (
    <form onSubmit={submit} noValidate aria-label="New lead">
      <Stack gap="md">
        {input('name', { autoFocus: true, label: 'Name' })}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          {contactFields.map((field) => input(field))}
        </SimpleGrid>
        {!blocked && <DuplicateHint probe={probe} />}

        <Divider label="Deal" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          {dealFields.map((field) => input(field))}
        </SimpleGrid>

        <Divider label="Location" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          {placeFields.map((field) => input(field))}
        </SimpleGrid>

        {defs.length > 0 && (
          <>
            <Divider label="More details" labelPosition="left" />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              {defs.map((def) => input(`customFields.${def.key}`, { custom: def }))}
            </SimpleGrid>
          </>
        )}

        {canAssign && (
          <>
            <Divider label="Assignment" labelPosition="left" />
            <UserPicker
              label="Owner"
              description="Leave empty to let the assignment rules choose."
              placeholder="Assign automatically"
              userRole="SALESPERSON"
              value={ownerId}
              onChange={(value) => {
                setOwnerId(value);
                setErrors((current) => ({ ...current, ownerId: '' }));
              }}
              error={errors.ownerId || undefined}
              clearable
              maw={{ sm: 360 }}
            />
          </>
        )}

        {blocked && (
          <BlockedDuplicate
            matches={blocked.matches}
            detail={blocked.detail}
            onRetry={(onDuplicate) => send(onDuplicate)}
            busy={create.isPending}
          />
        )}
        {formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create lead
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
