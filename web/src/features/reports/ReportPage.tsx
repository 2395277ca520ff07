import { Badge, Button, Card, Group, Menu, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconCalendarRepeat,
  IconChevronDown,
  IconDownload,
  IconEdit,
  IconFileSpreadsheet,
  IconFileTypeCsv,
  IconLayoutDashboard,
  IconPrinter,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDay, formatTime, today } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { useCan } from '../auth/session';
import { AddToDashboardModal } from '../dashboard/AddToDashboardModal';
import { BackTo } from '../leads/BackTo';
import { DrillFilters } from '../leads/DrillFilters';
import { useStages } from '../leads/pipeline.queries';
import { ScheduleModal } from '../report-schedules/ScheduleModal';
import { groupLabels } from './chartLabels';
import { DateRangeControl } from './DateRangeControl';
import { type DateRangeValue, rangeParams, readRange, runPeriod, serverPresetLabel } from './dateRange';
import { ReportChart } from './ReportChart';
import { ReportTable } from './ReportTable';
import { offsetFrom, reportFiltersFrom } from './reportParams';
import { exportReport, useReportCatalog, useReportRun, useSavedReport } from './reports.queries';
import './print.css';
import classes from './reports.module.css';
import type { RunBody } from './reports.types';
import { useChartColors } from './useChartColors';
import { usePreviousTotal } from './usePreviousTotal';

const PAGE_SIZE = 50;

/** "1 Dec 2026 – 31 Dec 2026" */
export function periodText(from: string | null | undefined, to: string | null | undefined): string {
  if (!from && !to) return 'All time';
  return `${formatDay(from ?? null, '…')} – ${formatDay(to ?? null, '…')}`;
}

function ExportMenu({ body }: { body: RunBody }) {
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    try {
      // The whole report, every row: the export pages nothing.
      const { limit: _limit, offset: _offset, ...all } = body;
      await exportReport(all, format);
    } catch (error) {
      notifyError(error, 'Could not export the report');
    } finally {
      setBusy(null);
    }
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="default"
          leftSection={<IconDownload size={18} />}
          rightSection={<IconChevronDown size={14} />}
          loading={busy !== null}
        >
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => run('csv')}>
          CSV
        </Menu.Item>
        <Menu.Item leftSection={<IconFileSpreadsheet size={16} />} onClick={() => run('xlsx')}>
          Excel (.xlsx)
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * One report over a period: its chart and its table (every row, page by page), each figure opening the list
 * behind it; exported whole as CSV or Excel, printed without the app around it, put on a dashboard.
 */
export function ReportPage() {
  const { key = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const catalog = useReportCatalog();
  const entry = catalog.data?.find((r) => r.key === key);
  const range = readRange((name) => params.get(name), today(), 'default');
  const offset = offsetFrom(params);
  const filters = reportFiltersFrom(params);
  const { stages } = useStages();
  const colorOf = useChartColors();
  const [adding, addModal] = useDisclosure(false);
  const [scheduling, scheduleModal] = useDisclosure(false);

  const body: RunBody = {
    report: key,
    ...runPeriod(range),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    limit: PAGE_SIZE,
    offset,
  };
  const run = useReportRun(body);
  const data = run.data;
  const canBuild = useCan('reports:build');
  const saved = useSavedReport(entry?.saved ? key : null);
  const name = data?.report.name ?? entry?.name ?? 'Report';
  const chart = data?.report.chart ?? entry?.chart ?? 'table';
  const description = data?.report.description ?? entry?.description;
  const previous = usePreviousTotal(data, body, { enabled: chart === 'kpi' });
  const group = data?.report.group ?? entry?.group;

  const setParamsWith = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  const setRange = (value: DateRangeValue) => setParamsWith({ ...rangeParams(value), offset: null });

  return (
    <div data-print-root>
      <PageHeader
        above={
          <div data-print-hide>
            <BackTo to="/reports" label="Reports" />
          </div>
        }
        title={name}
        description={
          <>
            {group && (
              <Badge color="gray" mr="xs" component="span">
                {groupLabels[group] ?? group}
              </Badge>
            )}
            {description}
          </>
        }
        actions={
          <Group gap="sm" data-print-hide>
            <ExportMenu body={body} />
            <Button variant="default" leftSection={<IconPrinter size={18} />} onClick={() => window.print()}>
              Print
            </Button>
            {saved.data?.editable && canBuild && (
              <Button
                component={Link}
                to={`/reports/${encodeURIComponent(key)}/edit`}
                variant="default"
                leftSection={<IconEdit size={18} />}
              >
                Edit
              </Button>
            )}
            {canBuild && (
              <Button variant="default" leftSection={<IconCalendarRepeat size={18} />} onClick={scheduleModal.open}>
                Schedule
              </Button>
            )}
            {canBuild && (
              <Button leftSection={<IconLayoutDashboard size={18} />} onClick={addModal.open}>
                Add to dashboard
              </Button>
            )}
          </Group>
        }
      />

      <Stack gap="md">
        <Group justify="space-between" align="flex-end" gap="sm" wrap="wrap">
          <div data-print-hide>
            <DateRangeControl
              value={range}
              onChange={setRange}
              defaultLabel={`${serverPresetLabel(entry?.range) ?? 'Its own period'} (default)`}
              current={data?.from && data.to ? { from: data.from, to: data.to } : null}
            />
          </div>
          <Text size="sm" c="dimmed" data-testid="report-meta">
            {periodText(data ? data.from : range.from, data ? data.to : range.to)}
            {data ? ` · Updated ${formatTime(data.generatedAt)}` : ''}
          </Text>
        </Group>
        {Object.keys(filters).length > 0 && (
          <Card p={0}>
            <DrillFilters
              extras={filters}
              via={null}
              stages={stages}
              onRemove={(name) => setParamsWith({ [name]: null, offset: null })}
              onClear={() =>
                setParamsWith({ ...Object.fromEntries(Object.keys(filters).map((n) => [n, null])), offset: null })
              }
            />
          </Card>
        )}

        {run.isPending ? (
          <Card>
            <Skeleton h={280} />
          </Card>
        ) : run.isError ? (
          <ErrorAlert error={run.error} onRetry={() => run.refetch()} title="Could not run this report" />
        ) : data ? (
          <>
            {chart !== 'table' && (
              <Card aria-label="Chart" component="section">
                <ReportChart run={data} chart={chart} colorOf={colorOf} height={320} previous={previous} />
                {data.total > data.rows.length && chart !== 'kpi' && (
                  <Text size="xs" c="dimmed" mt="xs">
                    The chart shows the rows of this page of the table.
                  </Text>
                )}
              </Card>
            )}
            <Card p={0} aria-label="Table" component="section" className={classes.chart}>
              <ReportTable
                run={data}
                onPage={(next) => setParamsWith({ offset: next > 0 ? String(next) : null })}
                fetching={run.isFetching}
              />
            </Card>
          </>
        ) : null}
      </Stack>

      {scheduling && (
        <ScheduleModal opened={scheduling} schedule={null} report={{ key, name }} onClose={scheduleModal.close} />
      )}
      {adding && <AddToDashboardModal opened={adding} onClose={addModal.close} report={{ key, name, chart }} />}
    </div>
  );
}
