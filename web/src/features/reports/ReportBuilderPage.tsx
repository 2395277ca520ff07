import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconDeviceFloppy, IconLayoutDashboard, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useCan } from '../auth/session';
import { AddToDashboardModal } from '../dashboard/AddToDashboardModal';
import { BackTo } from '../leads/BackTo';
import { sourceOptions } from '../leads/fields';
import { useStages } from '../leads/pipeline.queries';
import { UserPicker } from '../leads/UserPicker';
import {
  type BuilderField,
  builderField,
  cleanDefinition,
  groupOptions,
  MAX_GROUPINGS,
  MAX_MEASURES,
  type ModelSubject,
  startDefinition,
  suggestedChart,
} from './builder';
import { chartLabels } from './chartLabels';
import { DateRangeControl } from './DateRangeControl';
import { type DateRangeValue, runPeriod } from './dateRange';
import { ReportChart } from './ReportChart';
import { ReportTable } from './ReportTable';
import {
  useDeleteSavedReport,
  useReportModel,
  useReportRun,
  useSavedReport,
  useSaveReport,
  useUpdateSavedReport,
} from './reports.queries';
import type { ChartKind, ReportDefinition } from './reports.types';
import { useChartColors } from './useChartColors';

const PREVIEW_ROWS = 25;

type Filters = NonNullable<ReportDefinition['filters']>;

const csvOf = (value: Filters[string] | undefined): string[] =>
  Array.isArray(value) ? value : typeof value === 'string' && value ? value.split(',') : [];

/** Errors the API tied to the builder's fields; the rest as one message. */
function placeErrors(error: unknown): { fields: Partial<Record<BuilderField, string>>; rest: string | null } {
  const fields: Partial<Record<BuilderField, string>> = {};
  const rest: string[] = [];
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const field = builderField(item.path);
      if (field && !fields[field]) fields[field] = item.message;
      else rest.push(item.message);
    }
    return { fields, rest: rest.length > 0 ? rest.join(' ') : null };
  }
  return { fields, rest: error ? errorMessage(error) : null };
}

/** The lead list's filters the builder offers (a subject about leads takes them all, as on GET /leads). */
function LeadFilterFields({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
  const { stages } = useStages();
  const canPickPeople = useCan('users:read');
  const set = (name: string, value: Filters[string] | null) => {
    const next = { ...filters };
    if (value === null || (Array.isArray(value) && value.length === 0) || value === '') delete next[name];
    else next[name] = value;
    onChange(next);
  };
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <MultiSelect
        label="Stage"
        placeholder={csvOf(filters.stage).length > 0 ? undefined : 'Any stage'}
        data={stages.map((s) => ({ value: s.key, label: s.name }))}
        value={csvOf(filters.stage)}
        onChange={(value) => set('stage', value.join(','))}
        clearable
      />
      <MultiSelect
        label="Source"
        placeholder={csvOf(filters.source).length > 0 ? undefined : 'Any source'}
        data={sourceOptions}
        value={csvOf(filters.source)}
        onChange={(value) => set('source', value.join(','))}
        clearable
      />
      {canPickPeople && (
        <UserPicker
          label="Owner"
          placeholder="Anyone"
          value={typeof filters.ownerId === 'string' ? filters.ownerId : null}
          onChange={(value) => set('ownerId', value)}
          clearable
        />
      )}
      {canPickPeople && (
        <UserPicker
          label="Team of"
          placeholder="Any team"
          userRole="MANAGER"
          value={typeof filters.team === 'string' ? filters.team : null}
          onChange={(value) => set('team', value)}
          clearable
        />
      )}
      <TagsInput
        label="Campaign"
        placeholder="Type a campaign, press Enter"
        value={Array.isArray(filters.campaign) ? filters.campaign : csvOf(filters.campaign)}
        onChange={(value) => set('campaign', value)}
        clearable
      />
      <TagsInput
        label="Tags"
        placeholder="Type a tag, press Enter"
        value={csvOf(filters.tags)}
        onChange={(value) => set('tags', value.join(','))}
        splitChars={[',']}
        clearable
      />
    </SimpleGrid>
  );
}

interface Initial {
  id: string | null;
  name: string;
  shared: boolean;
  definition: ReportDefinition | null;
}

function Builder({
  subjects,
  initial,
  onCreated,
}: {
  subjects: ModelSubject[];
  initial: Initial;
  onCreated: (id: string) => void;
}) {
  const navigate = useNavigate();
  const colorOf = useChartColors();
  const create = useSaveReport();
  const update = useUpdateSavedReport();
  const [id, setId] = useState(initial.id);
  const [name, setName] = useState(initial.name);
  const [shared, setShared] = useState(initial.shared);
  const first = subjects[0];
  const [definition, setDefinition] = useState<ReportDefinition>(
    initial.definition ?? (first ? startDefinition(first) : { subject: '', measures: [] }),
  );
  const [chartPicked, setChartPicked] = useState(initial.definition?.chart !== undefined);
  const [range, setRange] = useState<DateRangeValue>({ preset: 'default', from: '', to: '' });
  const [offset, setOffset] = useState(0);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [adding, addModal] = useDisclosure(false);
  const [deleting, deleteModal] = useDisclosure(false);
  const remove = useDeleteSavedReport();

  const subject = subjects.find((s) => s.key === definition.subject) ?? first;
  const groups = definition.groupBy ?? [];
  const clean = cleanDefinition({
    ...definition,
    chart: chartPicked ? definition.chart : suggestedChart({ ...definition, groupBy: groups.filter(Boolean) }),
  });
  const [debounced] = useDebouncedValue(clean, 350);
  const ready = debounced.subject !== '' && debounced.measures.length > 0;
  const preview = useReportRun(ready ? { report: debounced, ...runPeriod(range), limit: PREVIEW_ROWS, offset } : null);
  const runErrors = placeErrors(preview.error);
  const saveErrors = placeErrors(saveError);
  const fieldError = (field: BuilderField) => saveErrors.fields[field] ?? runErrors.fields[field];

  const change = (next: Partial<ReportDefinition>) => {
    setDefinition((current) => ({ ...current, ...next }));
    setOffset(0);
    setSaveError(null);
  };
  const pickSubject = (key: string) => {
    const next = subjects.find((s) => s.key === key);
    if (next) {
      setDefinition({
        ...startDefinition(next),
        ...(chartPicked && definition.chart ? { chart: definition.chart } : {}),
      });
      setOffset(0);
    }
  };
  const setGroup = (index: number, value: string | null) => {
    const next = [...groups];
    next[index] = value ?? '';
    change({ groupBy: next });
  };

  const save = async (): Promise<string | null> => {
    setSaveError(null);
    const body = { name: name.trim(), definition: clean, shared };
    try {
      if (id) {
        await update.mutateAsync({ id, ...body });
        notifySuccess('The report is saved.');
        return id;
      }
      const saved = await create.mutateAsync(body);
      setId(saved.id);
      notifySuccess('The report is saved.');
      // The address follows (a reload edits this report), while this builder stays as it is.
      onCreated(saved.id);
      navigate(`/reports/${saved.id}/edit`, { replace: true });
      return saved.id;
    } catch (error) {
      setSaveError(error);
      return null;
    }
  };

  const addToDashboard = async () => {
    const saved = id ?? (await save());
    if (saved) addModal.open();
  };

  const measureOptions = (subject?.measures ?? []).map((m) => ({ value: m.key, label: m.label }));
  const options = subject ? groupOptions(subject) : [];

  return (
    <>
      <PageHeader
        above={<BackTo to="/reports" label="Reports" />}
        title={id ? `Edit: ${name.trim() || 'report'}` : 'New report'}
        description="Pick what to count, how to group it and how to draw it; the preview follows as you go."
        actions={
          <>
            {id && (
              <Button variant="subtle" color="red" leftSection={<IconTrash size={18} />} onClick={deleteModal.open}>
                Delete
              </Button>
            )}
            {id && (
              <Button component={Link} to={`/reports/${id}`} variant="default">
                Open report
              </Button>
            )}
            <Button variant="default" leftSection={<IconLayoutDashboard size={18} />} onClick={addToDashboard}>
              Add to dashboard
            </Button>
            <Button
              leftSection={<IconDeviceFloppy size={18} />}
              onClick={() => void save()}
              loading={create.isPending || update.isPending}
              disabled={!ready || name.trim() === ''}
            >
              Save
            </Button>
          </>
        }
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" style={{ alignItems: 'start' }}>
        <Card component="section" aria-label="Definition">
          <Stack gap="sm">
            <TextInput
              label="Name"
              placeholder="e.g. My won deals by month"
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setSaveError(null);
              }}
              error={fieldError('name')}
              maxLength={120}
            />
            <Select
              label="Subject"
              description={subject?.description}
              data={subjects.map((s) => ({ value: s.key, label: s.label }))}
              value={subject?.key ?? null}
              onChange={(value) => value && pickSubject(value)}
              allowDeselect={false}
              error={fieldError('subject')}
            />
            <MultiSelect
              label="Measures"
              description={`Up to ${MAX_MEASURES}`}
              data={measureOptions}
              value={definition.measures}
              onChange={(value) => change({ measures: value })}
              maxValues={MAX_MEASURES}
              error={fieldError('measures') ?? (definition.measures.length === 0 ? 'Pick at least one' : undefined)}
              searchable
            />
            <div>
              <Text size="sm" fw={600}>
                Group by
              </Text>
              <Text size="xs" c="dimmed" mb={6}>
                Up to {MAX_GROUPINGS}: the first is the chart’s axis, the next ones its series.
              </Text>
              <Stack gap="xs">
                {groups.map((value, index) => (
                  // Groupings have no identity beyond their place in the list.
                  // biome-ignore lint/suspicious/noArrayIndexKey: the position is the grouping's identity
                  <Group key={index} gap="xs" wrap="nowrap">
                    <Select
                      aria-label={`Grouping ${index + 1}`}
                      placeholder="Pick a field or a time"
                      data={options}
                      value={value || null}
                      onChange={(next) => setGroup(index, next)}
                      searchable
                      style={{ flex: 1 }}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={`Remove grouping ${index + 1}`}
                      onClick={() => change({ groupBy: groups.filter((_, i) => i !== index) })}
                    >
                      <IconX size={16} />
                    </ActionIcon>
                  </Group>
                ))}
                {groups.length < MAX_GROUPINGS && (
                  <Button
                    variant="light"
                    size="xs"
                    leftSection={<IconPlus size={14} />}
                    onClick={() => change({ groupBy: [...groups, ''] })}
                    style={{ alignSelf: 'flex-start' }}
                  >
                    Add grouping
                  </Button>
                )}
                {fieldError('groupBy') && (
                  <Text size="xs" c="red">
                    {fieldError('groupBy')}
                  </Text>
                )}
              </Stack>
            </div>
            {subject && subject.timeFields.length > 0 && (
              <Select
                label="Period applies to"
                description="Which time of the records the date range picks"
                data={subject.timeFields.map((t) => ({ value: t.key, label: t.label }))}
                value={definition.timeField ?? subject.defaultTime}
                onChange={(value) => change({ timeField: value ?? undefined })}
                error={fieldError('timeField')}
              />
            )}
            {subject?.filters && (
              <div>
                <Text size="sm" fw={600} mb={6}>
                  Filters
                </Text>
                <LeadFilterFields filters={definition.filters ?? {}} onChange={(filters) => change({ filters })} />
                {fieldError('filters') && (
                  <Text size="xs" c="red" mt={4}>
                    {fieldError('filters')}
                  </Text>
                )}
              </div>
            )}
            <Select
              label="Chart"
              data={(Object.keys(chartLabels) as ChartKind[]).map((kind) => ({
                value: kind,
                label: chartLabels[kind],
              }))}
              value={clean.chart ?? 'bar'}
              onChange={(value) => {
                if (!value) return;
                setChartPicked(true);
                change({ chart: value as ChartKind });
              }}
              allowDeselect={false}
              error={fieldError('chart')}
            />
            <Switch
              label="Share with the company"
              description="Everyone who may run reports sees it (each only over what they may see)"
              checked={shared}
              onChange={(e) => setShared(e.currentTarget.checked)}
            />
            {saveErrors.rest && (
              <Alert color="red" title="Could not save the report">
                {saveErrors.rest}
              </Alert>
            )}
          </Stack>
        </Card>

        <Card component="section" aria-label="Preview" p={0}>
          <Stack gap="sm" p="md">
            <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
              <Title order={2} fz="lg">
                Preview
              </Title>
              <DateRangeControl
                value={range}
                onChange={(value) => {
                  setRange(value);
                  setOffset(0);
                }}
                defaultLabel="Its own period"
                current={
                  preview.data?.from && preview.data.to ? { from: preview.data.from, to: preview.data.to } : null
                }
              />
            </Group>
            {fieldError('period') && (
              <Text size="xs" c="red">
                {fieldError('period')}
              </Text>
            )}
            {!ready ? (
              <Text c="dimmed" size="sm">
                Pick at least one measure to see the figures.
              </Text>
            ) : preview.isPending ? (
              <Skeleton h={240} />
            ) : preview.isError && !preview.data ? (
              runErrors.rest ? (
                <ErrorAlert error={preview.error} title="The preview did not run" />
              ) : null
            ) : preview.data ? (
              <>
                {preview.isError && runErrors.rest && (
                  <ErrorAlert error={preview.error} title="The preview did not run" />
                )}
                <ReportChart run={preview.data} chart={clean.chart} colorOf={colorOf} height={260} />
                <Text size="xs" c="dimmed">
                  Updated {formatTime(preview.data.generatedAt)}
                </Text>
              </>
            ) : null}
          </Stack>
          {ready && preview.data && (
            <ReportTable run={preview.data} onPage={setOffset} fetching={preview.isFetching} caption="Preview" />
          )}
        </Card>
      </SimpleGrid>
      <ConfirmModal
        opened={deleting}
        title="Delete this report?"
        confirmLabel="Delete report"
        loading={remove.isPending}
        onClose={deleteModal.close}
        onConfirm={() =>
          id &&
          remove.mutate(id, {
            onSuccess: () => {
              notifySuccess(`“${name.trim() || 'The report'}” is deleted.`);
              navigate('/reports');
            },
            onError: (error) => {
              deleteModal.close();
              setSaveError(error);
            },
          })
        }
      >
        <Text size="sm">Dashboards that show it lose its tile. This cannot be undone.</Text>
      </ConfirmModal>
      {adding && id && (
        <AddToDashboardModal
          opened={adding}
          onClose={addModal.close}
          report={{ key: id, name: name.trim() || 'Report', chart: clean.chart ?? 'bar' }}
        />
      )}
    </>
  );
}

/** The report builder: a new report (`/reports/new`) or a saved one of one's own (`/reports/:key/edit`). */
export function ReportBuilderPage() {
  const { key } = useParams();
  const model = useReportModel();
  // A report this builder has just created keeps the builder open as it was (and is not loaded again).
  const [created, setCreated] = useState<string | null>(null);
  const fresh = key !== undefined && key === created;
  const saved = useSavedReport(key && !fresh ? key : null);

  if (model.isError)
    return <ErrorAlert error={model.error} onRetry={() => model.refetch()} title="Could not load the builder" />;
  if (key && !fresh && saved.isError)
    return <ErrorAlert error={saved.error} onRetry={() => saved.refetch()} title="Could not load the report" />;
  if (model.isPending || (key && !fresh && saved.isPending)) {
    return (
      <Stack>
        <Skeleton h={40} w={240} />
        <Skeleton h={420} />
      </Stack>
    );
  }
  const subjects = (model.data?.subjects ?? []) as ModelSubject[];
  const report = fresh ? undefined : saved.data;
  const initial: Initial = report
    ? { id: report.id, name: report.name, shared: report.shared, definition: report.definition as ReportDefinition }
    : { id: null, name: '', shared: false, definition: null };
  return <Builder key={fresh ? 'new' : (key ?? 'new')} subjects={subjects} initial={initial} onCreated={setCreated} />;
}
