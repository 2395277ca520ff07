import {
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  MultiSelect,
  Select,
  Skeleton,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCopy, IconEdit, IconLayoutDashboard, IconPlus, IconPrinter, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { today } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan, useMe } from '../auth/session';
import { ForecastCard } from '../forecasts/ForecastCard';
import { DrillFilters } from '../leads/DrillFilters';
import { sourceOptions } from '../leads/fields';
import { useStages } from '../leads/pipeline.queries';
import { UserPicker } from '../leads/UserPicker';
import { DateRangeControl } from '../reports/DateRangeControl';
import { type DateRangeValue, rangeOf, rangeParams, readRange, savedPeriod } from '../reports/dateRange';
import { useReportCatalog, useReportModel } from '../reports/reports.queries';
import { AtRiskCard } from '../risk/AtRiskCard';
import '../reports/print.css';
import { DashboardTile } from './DashboardTile';
import classes from './dashboard.module.css';
import { dashboardFilters, FILTER_PARAMS, filterParams, moveTile } from './dashboardState';
import {
  DEFAULT_DASHBOARD,
  useCreateDashboard,
  useDashboard,
  useDashboards,
  useDeleteDashboard,
  useUpdateDashboard,
} from './dashboards.queries';
import { type Dashboard, type DashboardTile as Tile, tileInput } from './dashboards.types';
import { EngineCard } from './EngineCard';
import { useLiveTiles } from './useLiveTiles';
import { WelcomeHome } from './WelcomeHome';

function greeting(hour: number): string {
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

interface Draft {
  name: string;
  shared: boolean;
  tiles: Tile[];
}

const TARGETS = 'targets';
let tempIds = 0;

/** Adds a report (or the targets) as a tile while editing, picked from the catalog by name. */
function AddTile({ onAdd }: { onAdd: (tile: Tile) => void }) {
  const catalog = useReportCatalog();
  const add = (key: string | null) => {
    tempIds += 1;
    const id = `new-${tempIds}`;
    if (key === TARGETS) {
      onAdd({
        id,
        report: TARGETS,
        kind: 'targets',
        title: 'Targets',
        customTitle: null,
        chart: 'table',
        width: 1,
        runnable: true,
      });
      return;
    }
    const report = catalog.data?.find((r) => r.key === key);
    if (!report) return;
    onAdd({
      id,
      report: report.key,
      kind: 'report',
      title: report.name,
      customTitle: null,
      chart: report.chart,
      width: report.chart === 'kpi' ? 1 : 2,
      runnable: true,
    });
  };
  return (
    <Select
      aria-label="Add a report"
      placeholder="Add a report…"
      data={[
        { value: TARGETS, label: 'Targets' },
        ...(catalog.data ?? []).map((r) => ({ value: r.key, label: r.name })),
      ]}
      value={null}
      searchable
      leftSection={<IconPlus size={16} />}
      onChange={add}
      w={260}
    />
  );
}

/**
 * The dashboard home: the role's default dashboard or one of the person's own, its tiles each running their
 * report over one period and one set of filters, live. People copy the default, build their own, and share them.
 */
function DashboardHome() {
  const me = useMe();
  const canPickPeople = useCan('users:read');
  const canBuild = useCan('reports:build');
  const { stages } = useStages();
  const [params, setParams] = useSearchParams();
  const id = params.get('dashboard') ?? DEFAULT_DASHBOARD;
  const list = useDashboards();
  const dashboard = useDashboard(id);
  const catalog = useReportCatalog();
  const model = useReportModel();
  const create = useCreateDashboard();
  const update = useUpdateDashboard();
  const remove = useDeleteDashboard();
  const { live, refetchInterval } = useLiveTiles();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [deleting, deleteModal] = useDisclosure(false);
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name;
  const current = dashboard.data;

  // A dashboard opens on its saved period and filters; the address bar then holds what is shown (and shares it).
  const saved = current ? rangeOf(current.range, current.from, current.to, today()) : null;
  const range = readRange((name) => params.get(name), today(), saved ?? 'default');
  const filters = dashboardFilters(params);
  const seeded = useRef<string | null>(null);
  useEffect(() => {
    if (!current || seeded.current === current.id) return;
    seeded.current = current.id;
    const shown = dashboardFilters(params);
    if (Object.keys(shown).length > 0 || Object.keys(current.filters).length === 0) return;
    setParams(
      (now) => {
        const next = new URLSearchParams(now);
        for (const [name, value] of filterParams(current.filters)) next.append(name, value);
        return next;
      },
      { replace: true },
    );
  }, [current, params, setParams]);

  const setParamsWith = (changes: Record<string, string | null>) =>
    setParams(
      (now) => {
        const next = new URLSearchParams(now);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  const setRange = (value: DateRangeValue) => {
    // The dashboard's own period needs nothing in the address bar.
    const isSaved = saved
      ? value.preset === saved.preset &&
        (value.preset !== 'custom' || (value.from === saved.from && value.to === saved.to))
      : value.preset === 'default';
    setParamsWith(isSaved ? { range: null, from: null, to: null } : rangeParams(value, null));
  };
  const open = (next: string) => {
    setDraft(null);
    seeded.current = null;
    setParams(next === DEFAULT_DASHBOARD ? {} : { dashboard: next }, { replace: true });
  };

  // Which reports take the lead list's filters: those whose subject does (a report on sign-ins does not).
  const subjectOf = new Map((catalog.data ?? []).map((r) => [r.key, r.subject]));
  const filtersOf = new Map((model.data?.subjects ?? []).map((s) => [s.key, s.filters]));
  const takesFilters = (report: string) => {
    const subject = subjectOf.get(report);
    return subject === undefined ? true : (filtersOf.get(subject) ?? true);
  };

  const period = savedPeriod(range);
  const createFrom = async (name: string, tiles: Tile[], editAfter: boolean) => {
    try {
      const created = await create.mutateAsync({
        name,
        shared: false,
        tiles: tiles.map((t) => tileInput(t, false)),
        filters,
        ...(period.range ? { range: period.range } : {}),
        ...(period.from && period.to ? { from: period.from, to: period.to } : {}),
      });
      open(created.id);
      if (editAfter) setDraft({ name: created.name, shared: created.shared, tiles: created.tiles });
      return created;
    } catch (error) {
      notifyError(error, 'Could not create the dashboard');
      return null;
    }
  };

  const copyAsMine = async (source: Dashboard) => {
    if (await createFrom(`${source.name} (mine)`, source.tiles, false)) notifySuccess('The copy is yours to change.');
  };

  const save = async () => {
    if (!draft || !current) return;
    try {
      await update.mutateAsync({
        id: current.id,
        name: draft.name.trim() || current.name,
        shared: draft.shared,
        tiles: draft.tiles.map((t) => tileInput(t, !t.id.startsWith('new-'))),
        filters,
        ...period,
      });
      setDraft(null);
      notifySuccess('The dashboard is saved.');
    } catch (error) {
      notifyError(error, 'Could not save the dashboard');
    }
  };

  const deleteCurrent = async () => {
    if (!current) return;
    try {
      await remove.mutateAsync(current.id);
      notifySuccess(`“${current.name}” is deleted.`);
      deleteModal.close();
      open(DEFAULT_DASHBOARD);
    } catch (error) {
      deleteModal.close();
      notifyError(error, 'Could not delete the dashboard');
    }
  };

  const tiles = draft?.tiles ?? current?.tiles ?? [];
  const editTile = (tileId: string, changes: Partial<Tile>) =>
    setDraft((d) => (d ? { ...d, tiles: d.tiles.map((t) => (t.id === tileId ? { ...t, ...changes } : t)) } : d));
  const options = (list.data ?? []).map((d) => ({
    value: d.isDefault ? DEFAULT_DASHBOARD : d.id,
    label: d.isDefault
      ? `${d.name} (default)`
      : d.shared && d.ownerName && !d.editable
        ? `${d.name} (${d.ownerName})`
        : d.name,
  }));
  if (current && !options.some((o) => o.value === id)) options.unshift({ value: id, label: current.name });
  const extraFilters = Object.fromEntries(
    Object.entries(filters).filter(([name]) => !(FILTER_PARAMS as readonly string[]).includes(name)),
  );

  return (
    <Stack gap="md" data-print-root>
      <ConfirmModal
        opened={deleting}
        title="Delete this dashboard?"
        confirmLabel="Delete dashboard"
        loading={remove.isPending}
        onClose={deleteModal.close}
        onConfirm={() => void deleteCurrent()}
      >
        <Text size="sm">Its tiles go with it; the reports stay. This cannot be undone.</Text>
      </ConfirmModal>
      <Group justify="space-between" align="flex-end" gap="md" wrap="wrap" data-testid="welcome-card">
        <div style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Title order={1}>
            {greeting(new Date().getHours())}, {firstName}
          </Title>
          <Group gap="xs" mt={4}>
            <Text c="dimmed" size="sm" data-testid="dashboard-name">
              {current ? current.name : 'Your dashboard'}
            </Text>
            <Badge color={live ? 'teal' : 'gray'} variant="dot" data-print-hide data-testid="live-badge">
              {live ? 'Live' : 'Refreshes every 30 s'}
            </Badge>
          </Group>
        </div>
        {!draft && (
          <Group gap="sm" wrap="wrap" data-print-hide>
            <Select
              aria-label="Dashboard"
              data={options}
              value={id}
              onChange={(value) => value && open(value)}
              allowDeselect={false}
              w={220}
              leftSection={<IconLayoutDashboard size={16} />}
            />
            {current?.editable && (
              <Button
                variant="default"
                leftSection={<IconEdit size={18} />}
                onClick={() => setDraft({ name: current.name, shared: current.shared, tiles: current.tiles })}
              >
                Edit
              </Button>
            )}
            {current && !current.editable && canBuild && (
              <Button
                variant="default"
                leftSection={<IconCopy size={18} />}
                onClick={() => void copyAsMine(current)}
                loading={create.isPending}
              >
                Make my own copy
              </Button>
            )}
            {canBuild && (
              <Button
                variant="default"
                leftSection={<IconPlus size={18} />}
                onClick={() => void createFrom('New dashboard', [], true)}
              >
                New dashboard
              </Button>
            )}
            <Button
              variant="subtle"
              color="gray"
              leftSection={<IconPrinter size={18} />}
              onClick={() => window.print()}
            >
              Print
            </Button>
          </Group>
        )}
      </Group>

      {draft && (
        <Card data-print-hide aria-label="Edit dashboard" component="section">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Dashboard name"
              value={draft.name}
              onChange={(e) => {
                const name = e.currentTarget.value;
                setDraft((d) => (d ? { ...d, name } : d));
              }}
              maxLength={120}
              w={240}
            />
            <AddTile onAdd={(tile) => setDraft((d) => (d ? { ...d, tiles: [...d.tiles, tile] } : d))} />
            <Switch
              label="Share with the company"
              checked={draft.shared}
              onChange={(e) => {
                const shared = e.currentTarget.checked;
                setDraft((d) => (d ? { ...d, shared } : d));
              }}
              mb={8}
            />
            <Group gap="xs" ml="auto">
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={deleteModal.open}>
                Delete
              </Button>
              <Button variant="default" onClick={() => setDraft(null)}>
                Cancel
              </Button>
              <Button onClick={() => void save()} loading={update.isPending}>
                Save dashboard
              </Button>
            </Group>
          </Group>
          <Text size="xs" c="dimmed" mt="xs">
            The period and filters shown are saved with the dashboard.
          </Text>
        </Card>
      )}

      <div className={classes.toolbar} data-print-hide>
        <DateRangeControl
          value={range}
          onChange={setRange}
          defaultLabel="Each tile’s own"
          current={range.from && range.to ? range : null}
        />
        {canPickPeople && (
          <UserPicker
            aria-label="Owner"
            placeholder="Any owner"
            value={typeof filters.ownerId === 'string' ? filters.ownerId : null}
            onChange={(value) => setParamsWith({ ownerId: value })}
            clearable
            className={classes.filter}
          />
        )}
        {canPickPeople && (
          <UserPicker
            aria-label="Team of"
            placeholder="Any team"
            userRole="MANAGER"
            value={typeof filters.team === 'string' ? filters.team : null}
            onChange={(value) => setParamsWith({ team: value })}
            clearable
            className={classes.filter}
          />
        )}
        <MultiSelect
          aria-label="Source"
          placeholder={filters.source ? undefined : 'Any source'}
          data={sourceOptions}
          value={typeof filters.source === 'string' ? filters.source.split(',') : []}
          onChange={(value) => setParamsWith({ source: value.join(',') || null })}
          clearable
          className={classes.filter}
        />
        {Object.keys(filters).length > 0 && (
          <Button
            variant="subtle"
            color="gray"
            onClick={() => setParamsWith(Object.fromEntries(Object.keys(filters).map((name) => [name, null])))}
          >
            Clear filters
          </Button>
        )}
      </div>
      {Object.keys(extraFilters).length > 0 && (
        <Card p={0} data-print-hide>
          <DrillFilters
            extras={extraFilters}
            via={null}
            stages={stages}
            onRemove={(name) => setParamsWith({ [name]: null })}
            onClear={() => setParamsWith(Object.fromEntries(Object.keys(extraFilters).map((name) => [name, null])))}
          />
        </Card>
      )}

      {!draft && <AtRiskCard />}
      {!draft && <ForecastCard />}
      {dashboard.isPending ? (
        <div className={classes.grid}>
          {[2, 1, 2, 1].map((width, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <Skeleton key={i} h={220} radius="lg" className={classes.tile} data-width={width} />
          ))}
        </div>
      ) : dashboard.isError ? (
        <ErrorAlert error={dashboard.error} onRetry={() => dashboard.refetch()} title="Could not load the dashboard" />
      ) : tiles.length === 0 ? (
        <Center py={56}>
          <EmptyState
            icon={<IconLayoutDashboard size={26} />}
            title="No tiles yet"
            description={
              draft
                ? 'Add a report above: each becomes a tile.'
                : 'Edit the dashboard to add reports, or put one here from a report with “Add to dashboard”.'
            }
          />
        </Center>
      ) : (
        <div className={classes.grid} data-testid="dashboard-grid">
          {tiles.map((tile, index) => (
            <DashboardTile
              key={tile.id}
              tile={tile}
              range={range}
              filters={filters}
              takesFilters={takesFilters(tile.report)}
              refetchInterval={draft ? false : refetchInterval}
              editing={
                draft
                  ? {
                      onChange: (changes) => editTile(tile.id, changes),
                      onMove: (by) => setDraft((d) => (d ? { ...d, tiles: moveTile(d.tiles, index, by) } : d)),
                      onRemove: () =>
                        setDraft((d) => (d ? { ...d, tiles: d.tiles.filter((t) => t.id !== tile.id) } : d)),
                      first: index === 0,
                      last: index === tiles.length - 1,
                    }
                  : undefined
              }
            />
          ))}
        </div>
      )}
      {!draft && <EngineCard />}
    </Stack>
  );
}

export function DashboardPage() {
  const canReport = useCan('reports:read');
  return canReport ? <DashboardHome /> : <WelcomeHome />;
}
