import { Alert, Button, Card, Group, NumberInput, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { ScoreTierBadge } from './ScoreTierBadge';
import { useSaveScoringSettings, useScoringSettings } from './scoring.queries';
import type { ScoringSettings } from './scoring.types';

const settingFields = ['hotFrom', 'warmFrom', 'horizonDays', 'retrainDays'] as const;

function ThresholdsForm({ settings }: { settings: ScoringSettings }) {
  const save = useSaveScoringSettings();
  const [draft, setDraft] = useState(settings);
  const errors = useFormErrors(settingFields);
  const set = (key: keyof ScoringSettings, value: string | number) =>
    setDraft((d) => ({ ...d, [key]: typeof value === 'number' ? value : Number.NaN }));
  const badOrder = draft.warmFrom >= draft.hotFrom;
  const changed = JSON.stringify(draft) !== JSON.stringify(settings);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (badOrder) return;
    errors.clear();
    save.mutate(draft, {
      onSuccess: () => notifySuccess('Saved: the leads are scored again with the new tiers'),
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Tiers and schedule">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <NumberInput
            label={
              <Group gap={6} component="span">
                <ScoreTierBadge tier="hot" size="sm" /> from score
              </Group>
            }
            min={1}
            max={100}
            allowDecimal={false}
            value={draft.hotFrom}
            onChange={(v) => set('hotFrom', v)}
            error={errors.fieldErrors.hotFrom}
          />
          <NumberInput
            label={
              <Group gap={6} component="span">
                <ScoreTierBadge tier="warm" size="sm" /> from score
              </Group>
            }
            min={0}
            max={99}
            allowDecimal={false}
            value={draft.warmFrom}
            onChange={(v) => set('warmFrom', v)}
            error={badOrder ? 'Must be below the hot tier' : errors.fieldErrors.warmFrom}
          />
          <NumberInput
            label="A lead counts as won if it is won within (days)"
            description="What the model predicts, and what its quality is measured on"
            min={7}
            max={730}
            allowDecimal={false}
            value={draft.horizonDays}
            onChange={(v) => set('horizonDays', v)}
            error={errors.fieldErrors.horizonDays}
          />
          <NumberInput
            label="Train a new model every (days)"
            description="The new model waits for you to switch it on"
            min={1}
            max={90}
            allowDecimal={false}
            value={draft.retrainDays}
            onChange={(v) => set('retrainDays', v)}
            error={errors.fieldErrors.retrainDays}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          Below {Number.isFinite(draft.warmFrom) ? draft.warmFrom : '…'} a lead is{' '}
          <ScoreTierBadge tier="cold" size="xs" />
        </Text>
        {errors.formError && (
          <Alert color="red" variant="light">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" disabled={!changed} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The tier thresholds, the model's horizon and how often it is retrained. */
export function ThresholdsCard() {
  const settings = useScoringSettings();
  return (
    <Card>
      <Text fw={650} mb="sm">
        Tiers
      </Text>
      {settings.isPending ? (
        <Skeleton h={140} />
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} title="Could not load the settings" />
      ) : (
        <ThresholdsForm key={JSON.stringify(settings.data)} settings={settings.data} />
      )}
    </Card>
  );
}
