import { AreaChart, BarChart, DonutChart, FunnelChart, LineChart } from '@mantine/charts';
import { Anchor, Box, Center, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { IconArrowDownRight, IconArrowUpRight, IconMinus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { type ChartCell, type ChartPoint, type ChartShape, pointHref, shapeChart } from './chartData';
import { formatMeasure, formatMeasureShort, formatPercent, shortLabel, tickLabel } from './reportFormat';
import classes from './reports.module.css';
import type { ChartKind, ReportColumn, ReportRun } from './reports.types';

/** A KPI's change against the period before: "+12.5%", with its direction. */
export function comparison(value: number | null, previous: number | null | undefined) {
  if (value === null || previous === null || previous === undefined) return null;
  if (previous === 0)
    return { direction: value === 0 ? 'same' : 'up', text: value === 0 ? 'no change' : 'new' } as const;
  const change = (value - previous) / Math.abs(previous);
  if (Math.abs(change) < 0.0005) return { direction: 'same', text: 'no change' } as const;
  return {
    direction: change > 0 ? 'up' : 'down',
    text: `${change > 0 ? '+' : '−'}${formatPercent(Math.abs(change))}`,
  } as const;
}

function Kpi({
  shape,
  currency,
  previous,
  size,
}: {
  shape: Extract<ChartShape, { kind: 'kpi' }>;
  currency: string;
  previous?: number | null;
  size: 'lg' | 'md';
}) {
  const text = formatMeasure(shape.value, shape.format, currency);
  const change = comparison(shape.value, previous);
  const Icon =
    change?.direction === 'up' ? IconArrowUpRight : change?.direction === 'down' ? IconArrowDownRight : IconMinus;
  const color = change?.direction === 'up' ? 'teal' : change?.direction === 'down' ? 'red' : 'dimmed';
  const figure = (
    <Text fz={size === 'lg' ? 44 : 34} fw={700} lh={1.1} data-testid="kpi-value">
      {text}
    </Text>
  );
  return (
    <Stack gap={6} py="xs">
      <Text size="sm" c="dimmed" fw={500}>
        {shape.label}
      </Text>
      {shape.href ? (
        <Anchor
          component={Link}
          to={shape.href}
          c="inherit"
          underline="hover"
          aria-label={`${shape.label}: ${text}, open the list`}
        >
          {figure}
        </Anchor>
      ) : (
        figure
      )}
      {change && (
        <Group gap={4} wrap="nowrap">
          <Icon
            size={16}
            color={`var(--mantine-color-${color === 'dimmed' ? 'dimmed' : `${color}-7`})`}
            aria-hidden="true"
          />
          <Text size="sm" c={color === 'dimmed' ? 'dimmed' : `${color}.7`} fw={600}>
            {change.text}
          </Text>
          <Text size="sm" c="dimmed">
            vs {formatMeasure(previous, shape.format, currency)} the period before
          </Text>
        </Group>
      )}
    </Stack>
  );
}

/** The steps or slices as a list beside the drawing: readable on a phone, each one a link to its records. */
function CellList({ cells, format, currency }: { cells: ChartCell[]; format: string; currency: string }) {
  return (
    <Stack gap={2} className={classes.cellList} component="ul" aria-label="Values">
      {cells.map((cell) => {
        const body = (
          <Group gap={8} wrap="nowrap" justify="space-between" w="100%">
            <Group gap={8} wrap="nowrap" miw={0}>
              <Box
                className={classes.swatch}
                style={{ background: `var(--mantine-color-${cell.color.replace('.', '-')})` }}
                aria-hidden="true"
              />
              <Text size="sm" truncate>
                {cell.name}
              </Text>
            </Group>
            <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
              {formatMeasure(cell.value, format, currency)}
            </Text>
          </Group>
        );
        return (
          <li key={cell.name}>
            {cell.href ? (
              <UnstyledButton
                component={Link}
                to={cell.href}
                className={classes.cellLink}
                aria-label={`${cell.name}: ${formatMeasure(cell.value, format, currency)}, open the list`}
              >
                {body}
              </UnstyledButton>
            ) : (
              <div className={classes.cellStatic}>{body}</div>
            )}
          </li>
        );
      })}
    </Stack>
  );
}

const CATEGORY_BARS = 6;

/**
 * A run of a report drawn as its chart: a number (with its change when the previous period's figure is
 * given), bars, lines, areas, a funnel or a donut. Every bar, point, step and slice whose figure has a list
 * behind it opens that list. Narrow screens get short labels, the legend below, and bars laid sideways.
 */
export function ReportChart({
  run,
  chart,
  previous,
  height = 280,
  colorOf,
  size = 'lg',
  moreWhere = 'in the table',
}: {
  run: ReportRun;
  chart?: ChartKind;
  previous?: number | null;
  height?: number;
  colorOf?: (column: ReportColumn, value: string | number | null) => string | null;
  size?: 'lg' | 'md';
  /** Where the figures the chart leaves out are: "in the table" (below it), "in the full report" (a tile). */
  moreWhere?: string;
}) {
  const navigate = useNavigate();
  const { ref, width } = useElementSize();
  const narrow = width > 0 && width < 480;
  const shape = shapeChart(run, chart ?? run.report.chart, { colorOf, maxSeries: narrow ? 5 : 8 });
  const currency = run.currency;

  if (shape.kind === 'table') return null;
  if (shape.kind === 'empty') {
    return (
      <Center h={120} ref={ref}>
        <Text c="dimmed" size="sm">
          Nothing to show for this period.
        </Text>
      </Center>
    );
  }
  if (shape.kind === 'kpi') {
    return (
      <div ref={ref}>
        <Kpi shape={shape} currency={currency} previous={previous} size={size} />
      </div>
    );
  }

  const full = (value: number) => formatMeasure(value, shape.format, currency);
  const short = (value: number) => formatMeasureShort(value, shape.format, currency);

  if (shape.kind === 'funnel' || shape.kind === 'donut') {
    const open = (cell: ChartCell | undefined) => {
      if (cell?.href) navigate(cell.href);
    };
    const drawing =
      shape.kind === 'funnel' ? (
        <FunnelChart
          data={shape.cells.map((c) => ({ name: c.name, value: c.value, color: c.color }))}
          size={size === 'md' ? 170 : narrow ? Math.min(220, width - 8) : 240}
          valueFormatter={full}
          withTooltip
          tooltipDataSource="segment"
          funnelProps={{
            onClick: (_data: unknown, index: number) => open(shape.cells[index]),
            style: { cursor: 'pointer' },
          }}
        />
      ) : (
        <DonutChart
          data={shape.cells.map((c) => ({ name: c.name, value: c.value, color: c.color }))}
          size={size === 'md' ? 150 : narrow ? 160 : 190}
          thickness={narrow ? 26 : 30}
          valueFormatter={full}
          tooltipDataSource="segment"
          chartLabel={short(shape.cells.reduce((sum, c) => sum + c.value, 0))}
          pieProps={{
            onClick: (_data: unknown, index: number) => open(shape.cells[index]),
            style: { cursor: 'pointer' },
          }}
        />
      );
    return (
      <div ref={ref} className={classes.splitChart} data-narrow={narrow || undefined}>
        <Center className={classes.splitDrawing}>{drawing}</Center>
        <CellList cells={shape.cells} format={shape.format} currency={currency} />
        {shape.omitted > 0 && (
          <Text size="xs" c="dimmed">
            {shape.omitted} more {moreWhere}
          </Text>
        )}
      </div>
    );
  }

  // Bars, lines, areas.
  if (shape.kind !== 'bar' && shape.kind !== 'line' && shape.kind !== 'area') return null;
  if (shape.data.every((p) => shape.series.every((s) => p[s.name] === null))) {
    return (
      <Center h={120} ref={ref}>
        <Text c="dimmed" size="sm">
          Nothing to show for this period.
        </Text>
      </Center>
    );
  }
  const many = shape.data.length;
  // Many categories (people, sources…) read better as bars laid sideways; a time stays along the x axis.
  const sideways = shape.kind === 'bar' && !shape.timeAxis && (many > CATEGORY_BARS || (narrow && many > 3));
  // Labels get the room their share of the width allows (about 7 px a character), never under six characters.
  // A time's ticks thin out instead (Recharts drops those that would overlap), so they keep their full text.
  const labelMax = Math.max(shape.timeAxis ? 11 : 6, Math.floor((width || 600) / Math.max(1, many) / 7));
  const xTick = (v: string) => (shape.timeAxis ? tickLabel(String(v), labelMax) : shortLabel(String(v), labelMax));
  // Counts and sums start at zero; a chart of nothing but zeros still gets an axis to stand on.
  const values = shape.data.flatMap((p) => shape.series.map((s) => (p[s.name] as number | null) ?? 0));
  const valueDomain: [number, number | 'auto'] | undefined = values.every((v) => v >= 0)
    ? [0, values.some((v) => v > 0) ? 'auto' : 1]
    : undefined;
  const allowDecimals = shape.format !== 'count';
  const open = (payload: unknown, series: string) => {
    const href = pointHref(payload as ChartPoint, series);
    if (href) navigate(href);
  };
  const legend = shape.series.length > 1;
  const common = {
    data: shape.data,
    dataKey: 'label',
    series: shape.series,
    valueFormatter: full,
    withLegend: legend,
    legendProps: { verticalAlign: 'bottom' as const, height: narrow ? 70 : 40 },
    tickLine: 'none' as const,
    gridAxis: 'y' as const,
  };

  let drawing: ReactNode;
  if (shape.kind === 'bar') {
    const barHeight = sideways
      ? Math.max(height, many * (shape.stacked || shape.series.length === 1 ? 30 : 18 * shape.series.length) + 60)
      : height;
    drawing = (
      <BarChart
        {...common}
        h={barHeight}
        type={shape.stacked ? 'stacked' : 'default'}
        orientation={sideways ? 'vertical' : 'horizontal'}
        gridAxis={sideways ? 'x' : 'y'}
        maxBarWidth={48}
        xAxisProps={
          sideways
            ? { tickFormatter: short, domain: valueDomain, allowDecimals }
            : { tickFormatter: xTick, interval: shape.timeAxis || narrow ? 'preserveStartEnd' : 0 }
        }
        yAxisProps={
          sideways
            ? {
                width: narrow ? 96 : 130,
                tickFormatter: (v: string) => shortLabel(String(v), narrow ? 12 : 20),
                interval: 0,
              }
            : { tickFormatter: short, width: 56, domain: valueDomain, allowDecimals }
        }
        barProps={(series) => ({
          onClick: (entry: { payload?: unknown }) => open(entry?.payload, series.name),
          style: { cursor: 'pointer' },
        })}
      />
    );
  } else {
    const Chart = shape.kind === 'line' ? LineChart : AreaChart;
    drawing = (
      <Chart
        {...common}
        h={height}
        curveType="monotone"
        withDots={many <= 40}
        xAxisProps={{ tickFormatter: xTick, minTickGap: narrow ? 16 : 8 }}
        yAxisProps={{ tickFormatter: short, width: 56, domain: valueDomain, allowDecimals }}
        activeDotProps={{
          r: 5,
          strokeWidth: 1,
          style: { cursor: 'pointer' },
          onClick: (_event: unknown, dot: unknown) => {
            const d = dot as { payload?: unknown; dataKey?: string };
            open(d?.payload, String(d?.dataKey ?? 's0'));
          },
        }}
      />
    );
  }

  return (
    <div ref={ref} className={classes.chart}>
      {drawing}
      {shape.omitted > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          {shape.omitted} more {shape.omitted === 1 ? 'figure' : 'figures'} {moreWhere}
        </Text>
      )}
    </div>
  );
}
