import {
  ActionIcon,
  Anchor,
  Card,
  Group,
  Loader,
  Menu,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import {
  IconArrowDown,
  IconArrowUp,
  IconChartBar,
  IconColumns1,
  IconColumns2,
  IconColumns3,
  IconDotsVertical,
  IconTrash,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime, today } from '../../lib/format';
import { chartLabels } from '../reports/chartLabels';
import { type DateRangeValue, rangeOf, rangeParams, runPeriod } from '../reports/dateRange';
import { ReportChart } from '../reports/ReportChart';
import { ReportTable } from '../reports/ReportTable';
import { reportSearch } from '../reports/reportParams';
import { useReportRun } from '../reports/reports.queries';
import { type ChartKind, chartKinds, type RunBody } from '../reports/reports.types';
import { useChartColors } from '../reports/useChartColors';
import { usePreviousTotal } from '../reports/usePreviousTotal';
import classes from './dashboard.module.css';
import type { DashboardFilters } from './dashboardState';
import { targetsPeriod } from './dashboardState';
import { useTargets } from './dashboards.queries';
import type { DashboardTile as Tile, TileWidth } from './dashboards.types';
import { TargetsBody } from './TargetsTile';
import { tileLimit } from './tileLimit';

export interface TileEditing {
  onChange: (changes: Partial<Tile>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  first: boolean;
  last: boolean;
}

const widths: { width: TileWidth; label: string; icon: ReactNode }[] = [
  { width: 1, label: 'One third', icon: <IconColumns1 size={16} /> },
  { width: 2, label: 'Two thirds', icon: <IconColumns2 size={16} /> },
  { width: 3, label: 'Full width', icon: <IconColumns3 size={16} /> },
];

function EditBar({ tile, editing }: { tile: Tile; editing: TileEditing }) {
  return (
    <Group gap={4} wrap="nowrap">
      <TextInput
        aria-label="Tile title"
        size="xs"
        value={tile.customTitle ?? tile.title}
        onChange={(e) => editing.onChange({ customTitle: e.currentTarget.value, title: e.currentTarget.value })}
        style={{ flex: 1 }}
      />
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Arrange ${tile.title}`}>
            <IconDotsVertical size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Width</Menu.Label>
          {widths.map((w) => (
            <Menu.Item
              key={w.width}
              leftSection={w.icon}
              onClick={() => editing.onChange({ width: w.width })}
              fw={tile.width === w.width ? 700 : undefined}
            >
              {w.label}
            </Menu.Item>
          ))}
          {tile.kind === 'report' && (
            <>
              <Menu.Label>Chart</Menu.Label>
              {chartKinds.map((kind: ChartKind) => (
                <Menu.Item
                  key={kind}
                  leftSection={<IconChartBar size={16} />}
                  onClick={() => editing.onChange({ chart: kind })}
                  fw={tile.chart === kind ? 700 : undefined}
                >
                  {chartLabels[kind]}
                </Menu.Item>
              ))}
            </>
          )}
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconArrowUp size={16} />}
            disabled={editing.first}
            onClick={() => editing.onMove(-1)}
          >
            Move earlier
          </Menu.Item>
          <Menu.Item
            leftSection={<IconArrowDown size={16} />}
            disabled={editing.last}
            onClick={() => editing.onMove(1)}
          >
            Move later
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={editing.onRemove}>
            Remove tile
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

/**
 * One tile of a dashboard: its report run over the dashboard's period (or the tile's own, or the report's) and
 * the dashboard's filters, as its own query, drawn as the tile's chart, saying how fresh it is. A number compares
 * with the period before; a table shows its first rows; the targets tile shows each target's progress.
 */
export function DashboardTile({
  tile,
  range,
  filters,
  takesFilters,
  refetchInterval,
  editing,
}: {
  tile: Tile;
  /** The dashboard's period; `default`: each tile its own. */
  range: DateRangeValue;
  filters: DashboardFilters;
  /** Whether the tile's report takes the lead list's filters (a report on sign-ins does not). */
  takesFilters: boolean;
  refetchInterval: number | false;
  editing?: TileEditing;
}) {
  const colorOf = useChartColors();
  const own = range.preset === 'default' ? rangeOf(tile.range, tile.from, tile.to, today()) : null;
  const period = own ?? range;
  const applied = takesFilters && Object.keys(filters).length > 0 ? filters : null;
  const isReport = tile.kind === 'report' && tile.runnable;
  const body: RunBody = {
    report: tile.report,
    ...runPeriod(period),
    ...(applied ? { filters: applied } : {}),
    limit: tileLimit(tile.chart),
  };
  const run = useReportRun(isReport ? body : null, { refetchInterval });
  const data = run.data;
  // A number compares with the period before the one it shows (the report's own when the dashboard has none).
  const previousValue = usePreviousTotal(data, body, { enabled: isReport && tile.chart === 'kpi', refetchInterval });
  const targets = useTargets(
    targetsPeriod(period.from && period.to ? period : null),
    refetchInterval,
    tile.kind === 'targets',
  );
  const generatedAt = tile.kind === 'targets' ? targets.data?.generatedAt : data?.generatedAt;
  const fetching = tile.kind === 'targets' ? targets.isFetching : run.isFetching;

  const reportHref =
    tile.kind === 'targets'
      ? null
      : `/reports/${encodeURIComponent(tile.report)}${reportSearch(rangeParams(period), applied ?? {})}`;
  const ignoredFilters = tile.kind === 'report' && !takesFilters && Object.keys(filters).length > 0;

  let content: ReactNode;
  if (tile.kind === 'targets') {
    content = targets.isPending ? (
      <Skeleton h={120} />
    ) : targets.isError ? (
      <ErrorAlert error={targets.error} onRetry={() => targets.refetch()} title="Could not load the targets" />
    ) : (
      <TargetsBody data={targets.data} />
    );
  } else if (!tile.runnable) {
    content = (
      <Text size="sm" c="dimmed" py="md">
        Your role may not run this report.
      </Text>
    );
  } else if (run.isPending) {
    content = <Skeleton h={tile.chart === 'kpi' ? 80 : 200} />;
  } else if (run.isError && !data) {
    content = <ErrorAlert error={run.error} onRetry={() => run.refetch()} title="Could not run this tile" />;
  } else if (data && tile.chart === 'table') {
    content = (
      <ReportTable
        run={data}
        caption={tile.title}
        more={
          data.total > data.rows.length && reportHref ? (
            <Anchor component={Link} to={reportHref} size="sm">
              View all
            </Anchor>
          ) : null
        }
      />
    );
  } else if (data) {
    content = (
      <ReportChart
        run={data}
        chart={tile.chart}
        previous={previousValue}
        colorOf={colorOf}
        height={tile.width === 1 ? 220 : 260}
        size="md"
        moreWhere="in the full report"
      />
    );
  }

  return (
    <Card
      className={classes.tile}
      data-width={tile.width}
      component="section"
      aria-label={tile.title}
      data-testid="dashboard-tile"
      padding="md"
    >
      <Stack gap="xs" h="100%">
        {editing ? (
          <EditBar tile={tile} editing={editing} />
        ) : (
          <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
            {reportHref ? (
              <Anchor component={Link} to={reportHref} c="inherit" fw={650} size="sm" className={classes.tileTitle}>
                {tile.title}
              </Anchor>
            ) : (
              <Text fw={650} size="sm" className={classes.tileTitle}>
                {tile.title}
              </Text>
            )}
            <Group gap={6} wrap="nowrap" style={{ flex: 'none' }}>
              {fetching && <Loader size={12} aria-label="Refreshing" />}
              {generatedAt && (
                <Tooltip label={`Figures as of ${formatTime(generatedAt)}; they follow changes live`} withinPortal>
                  <Text size="xs" c="dimmed" data-testid="tile-freshness">
                    Updated {formatTime(generatedAt)}
                  </Text>
                </Tooltip>
              )}
            </Group>
          </Group>
        )}
        <div className={classes.tileBody}>{content}</div>
        {ignoredFilters && (
          <Text size="xs" c="dimmed">
            The dashboard’s filters do not apply to this report.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
