import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Input,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { currencySymbol, formatSettings } from '../../lib/format';
import type { FieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import type { Target } from '../dashboard/dashboards.types';
import { UserPicker } from '../leads/UserPicker';
import { usePartnerOptions } from '../settings/partners/partners.queries';
import {
  checkTargetDraft,
  monthAndQuarter,
  newTargetDraft,
  periodChoices,
  periodLabel,
  placeTargetErrors,
  type ScopeKind,
  scopeLabels,
  type TargetDraft,
  type TargetField,
  targetDraftOf,
  targetItem,
} from './targetForm';
import { useRemoveTarget, useSetTargets } from './targets.queries';

/**
 * Sets one target (no `target`: a new one for `period`) or changes one: whose it is (fixed once set), the month or
 * quarter, and the won value and count to reach, with new leads and calls if wanted. Setting a scope's target
 * for a period that already has one replaces it.
 */
export function TargetModal({
  opened,
  target,
  period,
  kinds,
  existing,
  territories,
  onClose,
}: {
  opened: boolean;
  target: Target | null;
  period: string;
  /** The kinds of target the caller may set. */
  kinds: readonly ScopeKind[];
  /** The targets already set for `period`, to say when a new one replaces one. */
  existing: readonly Target[];
  /** Territories to suggest. */
  territories: readonly string[];
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>{target ? `Target of ${target.scope.name}` : 'Set a target'}</Text>}
      size="lg"
    >
      {opened && (
        <TargetForm
          key={target?.id ?? 'new'}
          target={target}
          period={period}
          kinds={kinds}
          existing={existing}
          territories={territories}
          onDone={onClose}
        />
      )}
    </Modal>
  );
}

function TargetForm({
  target,
  period,
  kinds,
  existing,
  territories,
  onDone,
}: {
  target: Target | null;
  period: string;
  kinds: readonly ScopeKind[];
  existing: readonly Target[];
  territories: readonly string[];
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<TargetDraft>(() =>
    target ? targetDraftOf(target) : newTargetDraft(period, kinds[0] ?? 'user'),
  );
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<TargetField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSetTargets();
  const remove = useRemoveTarget();
  const [confirming, setConfirming] = useState(false);
  const partners = usePartnerOptions();
  const { currency, locale } = formatSettings();
  // Amounts are typed grouped as the company reads them: 15,00,000 in India.
  const lakhs = /-IN$/i.test(locale ?? '');

  const set = <K extends keyof TargetDraft>(key: K, value: TargetDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setFieldErrors((current) => {
      if (!(key in current)) return current;
      const next = { ...current };
      delete next[key as TargetField];
      return next;
    });
  };

  const replaces =
    !target &&
    draft.key &&
    draft.period === period &&
    existing.find((t) => t.scope.kind === draft.kind && t.scope.key.toLowerCase() === draft.key.trim().toLowerCase());

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const found = checkTargetDraft(draft);
    setFieldErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate(
      { items: [targetItem(draft)] },
      {
        onSuccess: (saved) => {
          const one = saved.data[0];
          notifySuccess(
            one ? `${one.scope.name}, ${one.period.label}.` : 'The target is set.',
            target ? 'Target changed' : 'Target set',
          );
          onDone();
        },
        onError: (error) => {
          const placed = placeTargetErrors(error);
          setFieldErrors(placed.fieldErrors);
          setFormError(placed.formError);
        },
      },
    );
  };

  const removeTarget = () => {
    if (!target) return;
    setFormError(null);
    remove.mutate(target.id, {
      onSuccess: () => {
        notifySuccess(`${target.scope.name}, ${target.period.label}.`, 'Target removed');
        onDone();
      },
      onError: (error) => {
        setConfirming(false);
        setFormError(placeTargetErrors(error).formError ?? 'The target could not be removed.');
      },
    });
  };

  const current = target ? { id: target.scope.key, name: target.scope.name } : null;
  const scopeError = fieldErrors.key ?? fieldErrors.kind;
  let picker: ReactNode;
  if (draft.kind === 'user' || draft.kind === 'team') {
    picker = (
      <UserPicker
        key={draft.kind}
        label={draft.kind === 'user' ? 'Person' : 'Team of'}
        description={draft.kind === 'team' ? 'A manager and everyone below them' : undefined}
        placeholder={draft.kind === 'user' ? 'Choose a person' : 'Choose a manager'}
        userRole={draft.kind === 'team' ? 'MANAGER' : undefined}
        value={draft.key || null}
        onChange={(value) => set('key', value ?? '')}
        current={current}
        disabled={target !== null}
        error={scopeError}
        comboboxProps={{ keepMounted: false }}
      />
    );
  } else if (draft.kind === 'partner') {
    const data = [...(partners.data ?? [])];
    if (current && !data.some((o) => o.value === current.id)) data.unshift({ value: current.id, label: current.name });
    picker = (
      <Select
        label="Partner"
        placeholder="Choose a partner"
        data={data}
        value={draft.key || null}
        onChange={(value) => set('key', value ?? '')}
        searchable
        disabled={target !== null}
        error={scopeError}
        nothingFoundMessage="No partner by that name"
        comboboxProps={{ keepMounted: false }}
      />
    );
  } else {
    picker = (
      <Autocomplete
        label="Territory"
        description="Matched against the leads’ territory, ignoring case"
        placeholder="e.g. North"
        data={[...territories]}
        value={target ? target.scope.name : draft.key}
        onChange={(value) => set('key', value)}
        disabled={target !== null}
        error={scopeError}
        maxLength={120}
      />
    );
  }

  const around = monthAndQuarter(period);
  const periodGroups = [
    { group: 'Months', items: periodChoices(around.month, 3, 6) },
    { group: 'Quarters', items: periodChoices(around.quarter, 1, 3) },
  ];
  if (!periodGroups.some((g) => g.items.some((p) => p.value === draft.period)))
    periodGroups[0]?.items.unshift({ value: draft.period, label: periodLabel(draft.period) });

  return (
    <form onSubmit={submit} noValidate aria-label={target ? 'Change target' : 'Set target'}>
      <Stack gap="md">
        {!target && kinds.length > 1 && (
          <Input.Wrapper label="Whose target">
            <SegmentedControl
              aria-label="Whose target"
              fullWidth
              mt={4}
              data={kinds.map((kind) => ({ value: kind, label: scopeLabels[kind].one }))}
              value={draft.kind}
              onChange={(value) => {
                setDraft((d) => ({ ...d, kind: value as ScopeKind, key: '' }));
                setFieldErrors({});
              }}
            />
          </Input.Wrapper>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          {picker}
          <Select
            label="Period"
            data={periodGroups}
            value={draft.period}
            onChange={(value) => value && set('period', value)}
            allowDeselect={false}
            disabled={target !== null}
            error={fieldErrors.period}
            comboboxProps={{ keepMounted: false }}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          <NumberInput
            label="Won value"
            description={`In ${currency}: the value of deals won in the period`}
            leftSection={<Text size="sm">{currencySymbol()}</Text>}
            value={draft.wonValue}
            onChange={(value) => set('wonValue', value)}
            min={0}
            decimalScale={2}
            thousandSeparator=","
            thousandsGroupStyle={lakhs ? 'lakh' : 'thousand'}
            allowNegative={false}
            error={fieldErrors.wonValue}
            data-autofocus={target ? true : undefined}
          />
          <NumberInput
            label="Won deals"
            description="How many deals to win"
            value={draft.wonCount}
            onChange={(value) => set('wonCount', value)}
            min={0}
            allowDecimal={false}
            allowNegative={false}
            error={fieldErrors.wonCount}
          />
          <NumberInput
            label="New leads"
            description="Optional"
            value={draft.newLeads}
            onChange={(value) => set('newLeads', value)}
            min={0}
            allowDecimal={false}
            allowNegative={false}
            error={fieldErrors.newLeads}
          />
          <NumberInput
            label="Calls"
            description="Optional"
            value={draft.calls}
            onChange={(value) => set('calls', value)}
            min={0}
            allowDecimal={false}
            allowNegative={false}
            error={fieldErrors.calls}
          />
        </SimpleGrid>
        {replaces && (
          <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
            {replaces.scope.name} already has a target for {replaces.period.label}: saving replaces it.
          </Alert>
        )}
        {formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          {target &&
            (confirming ? (
              <Button color="red" onClick={removeTarget} loading={remove.isPending} mr="auto">
                Remove for good
              </Button>
            ) : (
              <Button variant="subtle" color="red" onClick={() => setConfirming(true)} mr="auto">
                Remove target
              </Button>
            ))}
          <Button variant="default" onClick={onDone} disabled={save.isPending || remove.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {target ? 'Save target' : 'Set target'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
