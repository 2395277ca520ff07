import {
  Alert,
  Button,
  Group,
  Input,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { formatDateTime, today, userTimeZone } from '../../lib/format';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useMe } from '../auth/session';
import { useReportCatalog } from '../reports/reports.queries';
import {
  atOnUserClock,
  checkDraft,
  createBody,
  defaultRange,
  draftOf,
  frequencyLabels,
  MAX_DAY_OF_MONTH,
  newDraft,
  ordinal,
  patchBody,
  type RangeChoice,
  rangeLabels,
  type ScheduleDraft,
  scheduleFieldLabels,
  scheduleFields,
  scheduleRanges,
  weekdayNames,
} from './scheduleForm';
import { useCreateSchedule, useUpdateSchedule } from './schedules.queries';
import type { Frequency, Schedule } from './schedules.types';
import { useRecipientOptions } from './useRecipientOptions';

const frequencies: Frequency[] = ['daily', 'weekly', 'monthly'];

/**
 * Schedules a report by email (no `schedule`: a new one of `report`) or edits a schedule: how often and when (on
 * the company's clock), the period each run covers, who receives it and as which file.
 */
export function ScheduleModal({
  opened,
  schedule,
  report,
  onClose,
}: {
  opened: boolean;
  schedule: Schedule | null;
  report?: { key: string; name: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>{schedule ? `Edit “${schedule.name}”` : 'Schedule this report'}</Text>}
      size="lg"
    >
      {opened && (
        <ScheduleForm key={schedule?.id ?? report?.key ?? 'new'} schedule={schedule} report={report} onDone={onClose} />
      )}
    </Modal>
  );
}

function ScheduleForm({
  schedule,
  report,
  onDone,
}: {
  schedule: Schedule | null;
  report?: { key: string; name: string } | null;
  onDone: () => void;
}) {
  const me = useMe();
  const catalog = useReportCatalog();
  const [draft, setDraft] = useState<ScheduleDraft>(() =>
    schedule ? draftOf(schedule) : newDraft(report ?? { key: '', name: '' }, me.user.id),
  );
  const errors = useFormErrors(scheduleFields, scheduleFieldLabels);
  const create = useCreateSchedule();
  const update = useUpdateSchedule();
  const pending = create.isPending || update.isPending;
  const [search, setSearch] = useState('');
  // Names of the people picked so far, so a pill keeps its name when a later search no longer lists them.
  const [picked, setPicked] = useState<Map<string, string>>(() => new Map());
  const known = useMemo(
    () => [...(schedule?.recipients ?? []), ...[...picked].map(([id, name]) => ({ id, name, active: true }))],
    [schedule, picked],
  );
  const recipients = useRecipientOptions(search, known);

  const set = <K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    if ((scheduleFields as readonly string[]).includes(key)) errors.clearField(key as (typeof scheduleFields)[number]);
  };

  const companyZone = schedule?.timeZone ?? me.company.timezone;
  const onMyClock = atOnUserClock(draft.at, today(), companyZone, userTimeZone());
  const entry = catalog.data?.find((r) => r.key === draft.report);
  const reportOptions = (catalog.data ?? []).map((r) => ({ value: r.key, label: r.name }));
  if (draft.report && !reportOptions.some((o) => o.value === draft.report)) {
    reportOptions.unshift({ value: draft.report, label: schedule?.reportName ?? report?.name ?? draft.report });
  }
  const byDefault = rangeLabels[defaultRange(draft.frequency, entry?.range)];
  const rangeOptions = [
    ...(schedule ? [] : [{ value: 'default', label: `${byDefault} (default)` }]),
    ...scheduleRanges.map((r) => ({ value: r, label: rangeLabels[r] })),
  ];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const found = checkDraft(draft);
    if (Object.keys(found).length > 0) {
      errors.setFieldErrors(found);
      return;
    }
    if (schedule) {
      const body = patchBody(draft, schedule);
      if (Object.keys(body).length === 0) {
        onDone();
        return;
      }
      update.mutate(
        { id: schedule.id, body },
        {
          onSuccess: (saved) => {
            notifySuccess(`“${saved.name}” is saved.`, 'Schedule saved');
            onDone();
          },
          onError: errors.fromError,
        },
      );
    } else {
      create.mutate(createBody(draft), {
        onSuccess: (saved) => {
          notifySuccess(`“${saved.name}” goes out ${describeNext(saved)}.`, 'Report scheduled');
          onDone();
        },
        onError: errors.fromError,
      });
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={schedule ? 'Edit schedule' : 'Schedule report'}>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="The email's subject"
          value={draft.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={errors.fieldErrors.name}
          maxLength={120}
          data-autofocus
        />
        <Select
          label="Report"
          data={reportOptions}
          value={draft.report || null}
          onChange={(value) => set('report', value ?? '')}
          searchable
          allowDeselect={false}
          nothingFoundMessage="No report by that name"
          error={errors.fieldErrors.report}
          comboboxProps={{ keepMounted: false }}
        />
        <Input.Wrapper label="Frequency" error={errors.fieldErrors.frequency}>
          <SegmentedControl
            aria-label="Frequency"
            fullWidth
            data={frequencies.map((f) => ({ value: f, label: frequencyLabels[f] }))}
            value={draft.frequency}
            onChange={(value) => set('frequency', value as Frequency)}
            mt={4}
          />
        </Input.Wrapper>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          {draft.frequency === 'weekly' && (
            <Select
              label="Day of the week"
              data={weekdayNames.map((name, i) => ({ value: String(i + 1), label: name }))}
              value={String(draft.weekday)}
              onChange={(value) => set('weekday', Number(value ?? 1))}
              allowDeselect={false}
              error={errors.fieldErrors.weekday}
            />
          )}
          {draft.frequency === 'monthly' && (
            <Select
              label="Day of the month"
              description="Up to the 28th, which every month has"
              data={Array.from({ length: MAX_DAY_OF_MONTH }, (_, i) => ({
                value: String(i + 1),
                label: ordinal(i + 1),
              }))}
              value={String(draft.dayOfMonth)}
              onChange={(value) => set('dayOfMonth', Number(value ?? 1))}
              allowDeselect={false}
              error={errors.fieldErrors.dayOfMonth}
            />
          )}
          <TextInput
            label="Time"
            type="time"
            description={`On the company’s clock (${companyZone})${onMyClock ? ` · ${onMyClock} your time` : ''}`}
            value={draft.at}
            onChange={(e) => set('at', e.currentTarget.value)}
            error={errors.fieldErrors.at}
            required
          />
        </SimpleGrid>
        <Select
          label="Period"
          description="What each email covers, counted from the day it is sent"
          data={rangeOptions}
          value={draft.range}
          onChange={(value) => set('range', (value ?? 'default') as RangeChoice)}
          allowDeselect={false}
          error={errors.fieldErrors.range}
          comboboxProps={{ keepMounted: false }}
        />
        <MultiSelect
          label="Recipients"
          description={
            recipients.canList
              ? 'Each receives the report as they themselves may see it'
              : 'You can schedule reports to yourself'
          }
          data={recipients.options}
          value={draft.recipients}
          onChange={(value) => {
            setPicked((current) => {
              const next = new Map(current);
              for (const id of value) {
                const label = recipients.options.find((o) => o.value === id)?.label;
                if (label && !next.has(id)) next.set(id, label.replace(/ \(me\)$/, ''));
              }
              return next;
            });
            set('recipients', value);
          }}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage={recipients.isFetching ? 'Searching…' : 'Nobody found'}
          error={errors.fieldErrors.recipients}
          maxValues={50}
          hidePickedOptions
          comboboxProps={{ keepMounted: false }}
        />
        <Group justify="space-between" align="flex-end" gap="md" wrap="wrap">
          <Input.Wrapper
            label="File"
            error={errors.fieldErrors.format}
            style={{ display: 'flex', flexDirection: 'column' }}
          >
            <SegmentedControl
              aria-label="File format"
              data={[
                { value: 'csv', label: 'CSV' },
                { value: 'xlsx', label: 'Excel (.xlsx)' },
              ]}
              value={draft.format}
              onChange={(value) => set('format', value === 'xlsx' ? 'xlsx' : 'csv')}
              mt={4}
            />
          </Input.Wrapper>
          <Switch
            label="Active"
            description={draft.active ? 'Sent on schedule' : 'Paused: nothing is sent'}
            checked={draft.active}
            onChange={(e) => set('active', e.currentTarget.checked)}
          />
        </Group>
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
            {schedule ? 'Save schedule' : 'Schedule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function describeNext(schedule: Schedule): string {
  return schedule.active ? `first on ${formatDateTime(schedule.nextRunAt)}` : 'once it is resumed';
}
