import { CompositeChart } from '@mantine/charts';
import {
  Badge,
  Card,
  Group,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDay, formatMoney, formatMonth, formatNumber, formatTime } from '../../lib/format';
import { formatMeasureShort } from '../reports/reportFormat';
import { gapColor, monthDay, signedPercent } from './forecastFormat';
import {
  type Forecast,
  type ForecastPeriod,
  type PeopleForecast,
  useForecast,
  usePeopleForecast,
} from './forecasts.queries';

const monthName = (month: string) => formatMonth(monthDay(month));

function MonthsCard({ data }: { data: Forecast }) {
  const { ref, width } = useElementSize();
  const narrow = width > 0 && width < 520;
  const money = (v: number) => formatMoney(v, data.currency);
  const rows = data.months.map((m) => ({
    label: monthName(m.month),
    'Won so far': m.wonSoFar,
    'Open leads': m.fromPipeline,
    'New leads': m.fromNewLeads,
    Low: m.low,
    High: m.high,
  }));
  return (
    <Card padding="md" component="section" aria-label="The months ahead">
      <Stack gap="sm">
        <Title order={2} size="h4">
          The months ahead
        </Title>
        <div ref={ref}>
          <CompositeChart
            h={narrow ? 260 : 300}
            data={rows}
            dataKey="label"
            valueFormatter={money}
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: narrow ? 70 : 40 }}
            tickLine="none"
            gridAxis="y"
            maxBarWidth={56}
            composedChartProps={{ barGap: 0 }}
            barProps={{ stackId: 'expected' }}
            yAxisProps={{ tickFormatter: (v: number) => formatMeasureShort(v, 'money', data.currency), width: 56 }}
            series={[
              { name: 'Won so far', color: 'teal.6', type: 'bar' },
              { name: 'Open leads', color: 'blue.6', type: 'bar' },
              { name: 'New leads', color: 'indigo.3', type: 'bar' },
              { name: 'Low', color: 'gray.6', type: 'line', strokeDasharray: '5 5' },
              { name: 'High', color: 'gray.6', type: 'line', strokeDasharray: '5 5' },
            ]}
          />
        </div>
        <SimpleGrid cols={{ base: 1, xs: Math.min(3, data.months.length) }} spacing="sm">
          {data.months.map((m) => (
            <Stack key={m.month} gap={2} data-testid="forecast-month">
              <Text size="sm" c="dimmed" fw={500}>
                {monthName(m.month)}
              </Text>
              <Text fz={24} fw={700} lh={1.2}>
                {money(m.expected)}
              </Text>
              <Text size="xs" c="dimmed">
                likely {money(m.low)} – {money(m.high)} · about {formatNumber(Math.round(m.expectedCount * 10) / 10)}{' '}
                won
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

function BacktestCard({ data }: { data: Forecast }) {
  const money = (v: number) => formatMoney(v, data.currency);
  const rows = data.backtest.map((b) => ({ label: monthName(b.month), Forecast: b.forecast, Won: b.actual }));
  return (
    <Card padding="md" component="section" aria-label="How the forecast did">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Title order={2} size="h4">
            How the forecast did
          </Title>
          <Tooltip label="Mean absolute percentage error over the months with something won" openDelay={300}>
            <Badge variant="light" color="gray" size="lg" data-testid="forecast-mape">
              Average error {data.mape === null ? '—' : `${data.mape.toFixed(1)}%`}
            </Badge>
          </Tooltip>
        </Group>
        <Text size="sm" c="dimmed">
          Each past month’s forecast as made on its first day, from what was known then, beside what was won.
        </Text>
        <CompositeChart
          h={240}
          data={rows}
          dataKey="label"
          valueFormatter={money}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 40 }}
          tickLine="none"
          gridAxis="y"
          maxBarWidth={40}
          yAxisProps={{ tickFormatter: (v: number) => formatMeasureShort(v, 'money', data.currency), width: 56 }}
          series={[
            { name: 'Forecast', color: 'blue.6', type: 'line' },
            { name: 'Won', color: 'teal.6', type: 'bar' },
          ]}
        />
        <Table.ScrollContainer minWidth={360} type="native">
          <Table striped verticalSpacing="xs" data-testid="backtest-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th ta="right">Forecast</Table.Th>
                <Table.Th ta="right">Won</Table.Th>
                <Table.Th ta="right">Error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.backtest.map((b) => (
                <Table.Tr key={b.month}>
                  <Table.Td>{monthName(b.month)}</Table.Td>
                  <Table.Td ta="right">{money(b.forecast)}</Table.Td>
                  <Table.Td ta="right">{money(b.actual)}</Table.Td>
                  <Table.Td ta="right">{signedPercent(b.errorPct)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  );
}

type PersonRow = PeopleForecast['people'][number];

function Gap({ gap, target, format }: { gap: number | null; target: number | null; format: (v: number) => string }) {
  if (gap === null) return <Text c="dimmed">—</Text>;
  return (
    <Text c={gapColor(gap, target)} fw={600} size="sm">
      {gap > 0 ? '+' : gap < 0 ? '−' : ''}
      {format(Math.abs(gap))}
    </Text>
  );
}

function PeopleCard() {
  const [period, setPeriod] = useState<ForecastPeriod>('month');
  const people = usePeopleForecast(period, null);
  const data = people.data;
  const money = (v: number | null) => formatMoney(v, data?.currency);
  const count = (v: number | null) => formatNumber(v === null ? null : Math.round(v * 10) / 10);
  const line = (name: string, r: Omit<PersonRow, 'userId' | 'name'>, key: string, strong = false) => (
    <Table.Tr key={key} fw={strong ? 700 : undefined}>
      <Table.Td>{name}</Table.Td>
      <Table.Td ta="right">
        {money(r.wonValue)}
        <Text span size="xs" c="dimmed">
          {' '}
          · {r.wonCount}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {money(r.expectedValue)}
        <Text span size="xs" c="dimmed">
          {' '}
          · {count(r.expectedCount)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {money(r.targetValue)}
        {r.targetCount !== null && (
          <Text span size="xs" c="dimmed">
            {' '}
            · {r.targetCount}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Gap gap={r.gapValue} target={r.targetValue} format={(v) => formatMoney(v, data?.currency)} />
        {r.gapCount !== null && (
          <Text size="xs" c="dimmed">
            {r.gapCount > 0 ? '+' : r.gapCount < 0 ? '−' : ''}
            {count(Math.abs(r.gapCount))} won
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
  return (
    <Card padding="md" component="section" aria-label="Against targets">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Title order={2} size="h4">
            Against targets
          </Title>
          <SegmentedControl
            aria-label="Period"
            size="xs"
            data={[
              { value: 'month', label: 'This month' },
              { value: 'quarter', label: 'This quarter' },
            ]}
            value={period}
            onChange={(v) => setPeriod(v === 'quarter' ? 'quarter' : 'month')}
          />
        </Group>
        {data && (
          <Text size="sm" c="dimmed">
            {formatDay(data.period.from)} – {formatDay(data.period.to)}: won so far plus the open leads’ expected wins
            in the rest of the period. Updated {formatTime(data.generatedAt)}.
          </Text>
        )}
        {people.isPending ? (
          <Skeleton h={160} />
        ) : people.isError ? (
          <ErrorAlert error={people.error} onRetry={() => people.refetch()} title="Could not load the forecast" />
        ) : (
          <Table.ScrollContainer minWidth={560} type="native">
            <Table verticalSpacing="xs" data-testid="forecast-people">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Person</Table.Th>
                  <Table.Th ta="right">Won</Table.Th>
                  <Table.Th ta="right">Expected</Table.Th>
                  <Table.Th ta="right">Target</Table.Th>
                  <Table.Th ta="right">Gap</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {people.data.people.map((p) => line(p.name, p, p.userId))}
                {people.data.people.length > 1 && line('Team', people.data.team, 'team', true)}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The revenue forecast: the next months with their likely range (open leads weighted by probabilities learnt from
 * the company's own history, plus the run rate of new leads), how the forecast did in each of the past six months,
 * and each person's expected wins against their target. Everything covers the leads the viewer may see.
 */
export function ForecastPage() {
  const [months, setMonths] = useState(3);
  const forecast = useForecast(months);
  return (
    <>
      <PageHeader
        title="Forecast"
        description="What the leads you can see are likely to win in the coming months, from your company’s own history."
        actions={
          <SegmentedControl
            aria-label="Months ahead"
            data={['1', '3', '6'].map((v) => ({ value: v, label: `${v} ${v === '1' ? 'month' : 'months'}` }))}
            value={String(months)}
            onChange={(v) => setMonths(Number(v))}
          />
        }
      />
      <Stack gap="md">
        {forecast.isPending ? (
          <Skeleton h={320} radius="md" />
        ) : forecast.isError ? (
          <ErrorAlert error={forecast.error} onRetry={() => forecast.refetch()} title="Could not load the forecast" />
        ) : (
          <>
            <MonthsCard data={forecast.data} />
            <BacktestCard data={forecast.data} />
            <Text size="xs" c="dimmed">
              Made {formatTime(forecast.data.generatedAt)}. Values in {forecast.data.currency}.
            </Text>
          </>
        )}
        <PeopleCard />
      </Stack>
    </>
  );
}
