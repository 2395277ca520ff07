import { LineChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import type { ReliabilityBin } from './scoring.types';

const percent = (value: number) => `${Math.round(value * 100)}%`;
const ticks = [0, 0.25, 0.5, 0.75, 1];

/**
 * The model's reliability on the hold-out: for each bin of predicted chances, the share of those leads that were
 * actually won, beside the diagonal a perfectly calibrated model would follow.
 */
export function ReliabilityChart({ bins }: { bins: ReliabilityBin[] }) {
  const filled = bins
    .flatMap((b) =>
      b.count > 0 && b.predicted !== null && b.observed !== null
        ? [{ predicted: b.predicted, observed: b.observed, count: b.count }]
        : [],
    )
    .sort((a, b) => a.predicted - b.predicted);
  if (filled.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No hold-out leads to plot.
      </Text>
    );
  }
  const data: { predicted: number; observed?: number; ideal: number; leads?: number }[] = [
    { predicted: 0, ideal: 0 },
    ...filled.map((b) => ({ predicted: b.predicted, observed: b.observed, ideal: b.predicted, leads: b.count })),
    { predicted: 1, ideal: 1 },
  ];
  return (
    <div
      role="img"
      aria-label={`Reliability: ${filled
        .map((b) => `predicted ${percent(b.predicted)}, won ${percent(b.observed)} of ${b.count}`)
        .join('; ')}`}
      data-testid="reliability-chart"
    >
      <LineChart
        h={220}
        data={data}
        dataKey="predicted"
        series={[
          { name: 'observed', label: 'Share actually won', color: 'blue.6' },
          { name: 'ideal', label: 'Perfectly calibrated', color: 'gray.5', strokeDasharray: '5 5' },
        ]}
        curveType="linear"
        connectNulls
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 36 }}
        valueFormatter={percent}
        xAxisProps={{ type: 'number', domain: [0, 1], ticks, tickFormatter: percent }}
        yAxisProps={{ domain: [0, 1], ticks, tickFormatter: percent, width: 44 }}
        xAxisLabel="Predicted chance"
        tooltipProps={{
          labelFormatter: (value: unknown) => `Predicted ${percent(Number(value))}`,
        }}
      />
    </div>
  );
}
