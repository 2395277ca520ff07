import { Button, Group, Modal, Select, Stack, TagsInput, Text } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useMe } from '../auth/session';
import { usePartnerOptions } from '../settings/partners/partners.queries';
import type { BulkParams } from './bulkActions.queries';
import { FieldInput, type FieldValue, fieldLabel, toApiValue } from './FieldInput';
import { fieldValue, isEmptyValue } from './fields';
import type { Lead } from './leads.types';
import type { Stage } from './stages';
import { UserPicker } from './UserPicker';
import { toStageFields } from './useStageMove';

/** Who the action reaches, in words: "the 3 selected leads", "all 1,204 leads of this view". */
export type Reach = string;

function DialogForm({
  title,
  label,
  submit,
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  label: string;
  submit: string;
  onClose: () => void;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const handle = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>{title}</Text>}>
      <form onSubmit={handle} noValidate aria-label={label}>
        <Stack gap="md">
          {children}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">{submit}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AssignDialog({
  reach,
  onClose,
  onRun,
}: {
  reach: Reach;
  onClose: () => void;
  onRun: (params: BulkParams, ownerName: string) => void;
}) {
  const [owner, setOwner] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <DialogForm
      title="Assign owner"
      label="Assign owner"
      submit="Assign"
      onClose={onClose}
      onSubmit={() => (owner ? onRun({ ownerId: owner.id }, owner.name) : setError('Choose a salesperson'))}
    >
      <Text size="sm" c="dimmed">
        {reach.replace(/^./, (c) => c.toUpperCase())} go to this salesperson.
      </Text>
      <UserPicker
        label="Owner"
        placeholder="Search salespeople"
        userRole="SALESPERSON"
        value={owner?.id ?? null}
        onChange={(id, name) => {
          setOwner(id && name ? { id, name } : null);
          setError(null);
        }}
        error={error}
        data-autofocus
      />
    </DialogForm>
  );
}

export function MoveDialog({
  stage,
  reach,
  leads,
  onClose,
  onRun,
}: {
  stage: Stage;
  reach: Reach;
  /** The selected leads, to ask only for what they lack; null when acting on a whole view. */
  leads: Lead[] | null;
  onClose: () => void;
  onRun: (params: BulkParams) => void;
}) {
  const me = useMe();
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const needing = (field: string) => leads?.filter((lead) => isEmptyValue(fieldValue(lead, field))).length ?? null;
  const asked = stage.requiredFields.filter((f) => needing(f) !== 0);
  const submit = () => {
    const given = Object.fromEntries(
      asked.map((f) => [f, toApiValue(values[f] ?? null)] as const).filter(([, v]) => !isEmptyValue(v)),
    );
    onRun({ stage: stage.key, ...(Object.keys(given).length > 0 ? { fields: toStageFields(given) } : {}) });
  };
  return (
    <DialogForm
      title={`Move to ${stage.name}`}
      label={`Move to ${stage.name}`}
      submit="Move"
      onClose={onClose}
      onSubmit={submit}
    >
      <Text size="sm" c="dimmed">
        {reach.replace(/^./, (c) => c.toUpperCase())} move to {stage.name}.
      </Text>
      {asked.map((field, index) => {
        const count = needing(field);
        const who =
          count === null ? 'leads without one' : `the ${count} selected ${count === 1 ? 'lead' : 'leads'} without one`;
        return (
          <FieldInput
            key={field}
            field={field}
            value={values[field] ?? null}
            onChange={(value) => setValues((current) => ({ ...current, [field]: value }))}
            currency={me.company.currency}
            autoFocus={index === 0}
            description={`${stage.name} needs ${fieldLabel(field).toLowerCase()}: used for ${who}. Leave empty to skip those leads.`}
          />
        );
      })}
    </DialogForm>
  );
}

export function TagsDialog({
  mode,
  reach,
  onClose,
  onRun,
}: {
  mode: 'tag' | 'untag';
  reach: Reach;
  onClose: () => void;
  onRun: (params: BulkParams) => void;
}) {
  const [tags, setTags] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const adding = mode === 'tag';
  return (
    <DialogForm
      title={adding ? 'Add tags' : 'Remove tags'}
      label={adding ? 'Add tags' : 'Remove tags'}
      submit={adding ? 'Add tags' : 'Remove tags'}
      onClose={onClose}
      onSubmit={() => (tags.length > 0 ? onRun({ tags }) : setError('Type at least one tag'))}
    >
      <Text size="sm" c="dimmed">
        {adding ? 'These tags are added to' : 'These tags are removed from'} {reach}.
      </Text>
      <TagsInput
        label="Tags"
        placeholder="Type a tag, press Enter"
        value={tags}
        onChange={(next) => {
          setTags(next);
          setError(null);
        }}
        maxTags={30}
        error={error}
        data-autofocus
        clearable
      />
    </DialogForm>
  );
}

export function PartnerDialog({
  reach,
  onClose,
  onRun,
}: {
  reach: Reach;
  onClose: () => void;
  onRun: (params: BulkParams, partnerName: string) => void;
}) {
  const partners = usePartnerOptions();
  const options = [{ value: 'none', label: 'No partner (take the leads back)' }, ...(partners.data ?? [])];
  const [partner, setPartner] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!partner) return setError('Choose a partner');
    const label = options.find((o) => o.value === partner)?.label ?? 'the partner';
    onRun({ partnerId: partner === 'none' ? null : partner }, partner === 'none' ? 'no partner' : label);
  };
  return (
    <DialogForm title="Hand to partner" label="Hand to partner" submit="Hand over" onClose={onClose} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        {reach.replace(/^./, (c) => c.toUpperCase())} are handed to this partner organisation, whose users then see and
        work them.
      </Text>
      <Select
        label="Partner"
        placeholder={partners.isLoading ? 'Loading partners…' : 'Choose a partner'}
        data={options}
        value={partner}
        onChange={(value) => {
          setPartner(value);
          setError(null);
        }}
        searchable
        error={error}
        nothingFoundMessage="No active partner"
        data-autofocus
      />
    </DialogForm>
  );
}
