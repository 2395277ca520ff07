import { Alert, Button, Group, Modal, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../../lib/forms';
import { notifySuccess } from '../../../lib/notify';
import type { Partner, UpdatePartnerBody } from '../settings.types';
import { useCreatePartner, useUpdatePartner } from './partners.queries';

const fields = ['name', 'contactName', 'contactEmail', 'contactPhone', 'territories', 'active'] as const;
const labels = {
  name: 'Name',
  contactName: 'Contact name',
  contactEmail: 'Email',
  contactPhone: 'Phone',
  territories: 'Territories',
  active: 'Active',
};

interface Draft {
  name: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  territories: string[];
  active: boolean;
}

function draftOf(partner: Partner | null): Draft {
  return {
    name: partner?.name ?? '',
    contactName: partner?.contactName ?? '',
    contactEmail: partner?.contactEmail ?? '',
    contactPhone: partner?.contactPhone ?? '',
    territories: partner?.territories ?? [],
    active: partner?.active ?? true,
  };
}

const orNull = (value: string) => value.trim() || null;

function changesOf(partner: Partner, draft: Draft): UpdatePartnerBody {
  const changes: UpdatePartnerBody = {};
  if (draft.name.trim() !== partner.name) changes.name = draft.name.trim();
  if (orNull(draft.contactName) !== partner.contactName) changes.contactName = orNull(draft.contactName);
  if (orNull(draft.contactEmail) !== partner.contactEmail) changes.contactEmail = orNull(draft.contactEmail);
  // The server stores phones as E.164: send the phone only when the person changed what was shown.
  if (draft.contactPhone.trim() !== (partner.contactPhone ?? '')) changes.contactPhone = orNull(draft.contactPhone);
  if (JSON.stringify(draft.territories) !== JSON.stringify(partner.territories))
    changes.territories = draft.territories;
  if (draft.active !== partner.active) changes.active = draft.active;
  return changes;
}

export function PartnerModal({
  opened,
  partner,
  onClose,
}: {
  opened: boolean;
  partner: Partner | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>{partner ? `Edit ${partner.name}` : 'New partner'}</Text>}
      size="lg"
    >
      {opened && <PartnerForm key={partner?.id ?? 'new'} partner={partner} onDone={onClose} />}
    </Modal>
  );
}

function PartnerForm({ partner, onDone }: { partner: Partner | null; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(partner));
  const errors = useFormErrors(fields, labels);
  const create = useCreatePartner();
  const update = useUpdatePartner();
  const pending = create.isPending || update.isPending;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!draft.name.trim()) {
      errors.setFieldErrors({ name: 'Enter the partner’s name' });
      return;
    }
    if (partner) {
      const changes = changesOf(partner, draft);
      if (Object.keys(changes).length === 0) {
        onDone();
        return;
      }
      update.mutate(
        { id: partner.id, body: changes },
        {
          onSuccess: (saved) => {
            notifySuccess(`${saved.name} was updated.`, 'Partner saved');
            onDone();
          },
          onError: errors.fromError,
        },
      );
      return;
    }
    create.mutate(
      {
        name: draft.name.trim(),
        contactName: orNull(draft.contactName),
        contactEmail: orNull(draft.contactEmail),
        contactPhone: orNull(draft.contactPhone),
        territories: draft.territories,
        active: draft.active,
      },
      {
        onSuccess: (saved) => {
          notifySuccess(`${saved.name} can now be given leads and partner users.`, 'Partner added');
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={partner ? `Edit ${partner.name}` : 'New partner'}>
      <Stack gap="md">
        <TextInput
          label="Name"
          placeholder="e.g. Sunrise Realty"
          value={draft.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={errors.fieldErrors.name}
          maxLength={200}
          data-autofocus
        />
        <TextInput
          label="Contact name"
          placeholder="Who you deal with there"
          value={draft.contactName}
          onChange={(event) => set('contactName', event.currentTarget.value)}
          error={errors.fieldErrors.contactName}
          maxLength={200}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          <TextInput
            label="Email"
            type="email"
            placeholder="name@partner.com"
            value={draft.contactEmail}
            onChange={(event) => set('contactEmail', event.currentTarget.value)}
            error={errors.fieldErrors.contactEmail}
            maxLength={254}
          />
          <TextInput
            label="Phone"
            type="tel"
            placeholder="+91 98765 43210"
            value={draft.contactPhone}
            onChange={(event) => set('contactPhone', event.currentTarget.value)}
            error={errors.fieldErrors.contactPhone}
            maxLength={40}
          />
        </SimpleGrid>
        <TagsInput
          label="Territories"
          description="States, cities or regions it covers. Press Enter after each."
          placeholder={draft.territories.length === 0 ? 'e.g. Karnataka' : undefined}
          value={draft.territories}
          onChange={(value) => set('territories', value)}
          error={errors.fieldErrors.territories}
          splitChars={[',']}
          clearable
        />
        <Switch
          label="Active"
          description="An inactive partner gets no new leads and no new users."
          checked={draft.active}
          onChange={(event) => set('active', event.currentTarget.checked)}
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
            {partner ? 'Save partner' : 'Add partner'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
