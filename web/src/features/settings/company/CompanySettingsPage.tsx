import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { formatDay, today } from '../../../lib/format';
import { useFormErrors } from '../../../lib/forms';
import { notifySuccess } from '../../../lib/notify';
import { LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import { useCompany, useUpdateCompany } from './company.queries';
import {
  type Company,
  type CompanyDraft,
  companyDraftOf,
  companyFieldLabels,
  companyFields,
  companyPatch,
  fiscalYearOf,
  monthNames,
} from './companyForm';

const commonLocales = ['en-IN', 'en-US', 'en-GB', 'en-AE', 'en-SG', 'en-AU', 'hi-IN', 'fr-FR', 'de-DE', 'es-ES'];

function supported(kind: 'timeZone' | 'currency', current: string): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf(kind);
  } catch {
    all = [];
  }
  return all.includes(current) ? all : [current, ...all];
}

/** "₹4,50,000 · 7 Dec 2026" in the draft's locale and currency, or null while they are not valid. */
function preview(locale: string, currency: string): string | null {
  try {
    const money = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      maximumFractionDigits: 0,
    }).format(450000);
    const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2026, 11, 7)),
    );
    return `${money} · ${day}`;
  } catch {
    return null;
  }
}

/** The company's own settings: its name, clock, money and language, and the month its fiscal year starts. */
export function CompanySettingsPage() {
  const company = useCompany();
  return (
    <>
      <SectionHeader
        title="Company"
        description="Your company’s name, time zone, currency and language, and when its fiscal year starts."
      />
      {company.isPending ? (
        <Card p={0}>
          <LoadingRows rows={5} height={52} />
        </Card>
      ) : company.isError ? (
        <Card p={0}>
          <LoadFailed error={company.error} onRetry={() => company.refetch()} title="Could not load the company" />
        </Card>
      ) : (
        <CompanyForm key={company.dataUpdatedAt} company={company.data} />
      )}
    </>
  );
}

function CompanyForm({ company }: { company: Company }) {
  const [draft, setDraft] = useState<CompanyDraft>(() => companyDraftOf(company));
  const errors = useFormErrors(companyFields, companyFieldLabels);
  const save = useUpdateCompany();
  const zones = useMemo(() => supported('timeZone', company.timezone), [company.timezone]);
  const currencies = useMemo(() => supported('currency', company.currency), [company.currency]);
  const locales = commonLocales.includes(draft.locale) ? commonLocales : [draft.locale, ...commonLocales];
  const changes = companyPatch(draft, company);
  const dirty = Object.keys(changes).length > 0;
  const fiscal = fiscalYearOf(today(), draft.fiscalYearStartMonth);
  const sample = preview(draft.locale, draft.currency);

  const set = <K extends keyof CompanyDraft>(key: K, value: CompanyDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!draft.name.trim()) {
      errors.setFieldErrors({ name: 'Enter a name' });
      return;
    }
    if (!dirty) return;
    save.mutate(changes, {
      onSuccess: () => notifySuccess('Reports, dates and amounts follow the new settings.', 'Company saved'),
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Company settings">
      <Stack gap="md">
        <Card component="section" aria-label="Company details">
          <Stack gap="md">
            <TextInput
              label="Name"
              value={draft.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={errors.fieldErrors.name}
              maxLength={200}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <Select
                label="Time zone"
                description="The company’s clock: “today” in reports, schedules’ times"
                data={zones}
                value={draft.timezone}
                onChange={(value) => value && set('timezone', value)}
                searchable
                allowDeselect={false}
                error={errors.fieldErrors.timezone}
                comboboxProps={{ keepMounted: false }}
              />
              <Select
                label="Currency"
                description="Every amount and target"
                data={currencies}
                value={draft.currency}
                onChange={(value) => value && set('currency', value)}
                searchable
                allowDeselect={false}
                error={errors.fieldErrors.currency}
                comboboxProps={{ keepMounted: false }}
              />
              <Select
                label="Language and number format"
                description={sample ? `Shown as ${sample}` : 'Not a format this browser knows'}
                data={locales}
                value={draft.locale}
                onChange={(value) => value && set('locale', value)}
                searchable
                allowDeselect={false}
                error={errors.fieldErrors.locale}
              />
              <TextInput
                label="Phone country"
                description="Two letters (IN, US): numbers without a country code are read as this country’s"
                value={draft.phoneCountry}
                onChange={(e) => set('phoneCountry', e.currentTarget.value.toUpperCase())}
                maxLength={2}
                error={errors.fieldErrors.phoneCountry}
              />
            </SimpleGrid>
          </Stack>
        </Card>
        <Card component="section" aria-label="Fiscal year">
          <Stack gap="xs">
            <Text fw={650}>Fiscal year</Text>
            <Select
              label="Fiscal year starts in"
              data={monthNames.map((name, i) => ({ value: String(i + 1), label: name }))}
              value={String(draft.fiscalYearStartMonth)}
              onChange={(value) => value && set('fiscalYearStartMonth', Number(value))}
              allowDeselect={false}
              error={errors.fieldErrors.fiscalYearStartMonth}
              maw={320}
            />
            <Text size="sm" c="dimmed" data-testid="fiscal-year">
              Reports grouped by fiscal year count from this month. This fiscal year, {fiscal.label}, runs from{' '}
              {formatDay(fiscal.from)} to {formatDay(fiscal.to)}.
            </Text>
          </Stack>
        </Card>
        {errors.formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button
            variant="default"
            disabled={!dirty || save.isPending}
            onClick={() => setDraft(companyDraftOf(company))}
          >
            Discard changes
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!dirty}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
