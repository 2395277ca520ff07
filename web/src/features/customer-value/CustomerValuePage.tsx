import { BarChart } from '@mantine/charts';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDay, formatMoney, formatNumber } from '../../lib/format';
import {
  type Customer,
  type CustomerSort,
  type CustomerStatus,
  type Dimension,
  useCustomers,
  useValueBy,
  type ValueBy,
} from './customer-value.queries';
import { chartRows, dimensionLabels, formatRisk, statusColors, statusLabels } from './customerValue';

const sortOptions: { value: CustomerSort; label: string }[] = [
  { value: 'revenue', label: 'Revenue to date' },
  { value: 'expected', label: 'Expected next 12 months' },
  { value: 'churn', label: 'Churn risk' },
];

const statusOptions = (Object.keys(statusLabels) as CustomerStatus[]).map((s) => ({
  value: s,
  label: statusLabels[s],
}));

function Kpi({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card padding="md" data-testid="clv-kpi">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz="xl" fw={700} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

function Kpis({ by }: { by: ValueBy }) {
  const { totals, currency } = by;
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
      <Kpi label="Customers" value={formatNumber(totals.customers)} />
      <Kpi label="Revenue to date" value={formatMoney(totals.revenueToDate, currency)} />
      <Kpi label="Expected next 12 months" value={formatMoney(totals.expected12m, currency)} />
      <Kpi label="Revenue per customer" value={formatMoney(totals.averageValue, currency)} />
      <Kpi
        label="At risk or lapsed"
        value={formatNumber(totals.atRisk + totals.lapsed)}
        hint={`${formatNumber(totals.atRisk)} at risk · ${formatNumber(totals.lapsed)} lapsed`}
      />
    </SimpleGrid>
  );
}

function ModelNote({ model }: { model: ValueBy['model'] }) {
  const text =
    model.kind === 'mbg_nbd'
      ? `Expected value and churn risk from a repeat-purchase model (MBG/NBD with Gamma-Gamma spend) fitted on ${formatNumber(model.customers)} customers.`
      : model.kind === 'simple'
        ? `${formatNumber(model.repeatCustomers)} of ${formatNumber(model.minRepeatCustomers)} repeat customers needed for the fitted model: expected value and churn risk come from each customer's own pace.`
        : 'No purchases in the books yet.';
  return (
    <Text size="xs" c="dimmed">
      {text}
    </Text>
  );
}

function ByChart({ by, narrow }: { by: ValueBy; narrow: boolean }) {
  const data = chartRows(by.rows);
  if (data.length === 0 || by.totals.revenueToDate === 0) {
    return (
      <Center h={120}>
        <Text c="dimmed" size="sm" ta="center" maw={520}>
          {data.length === 0
            ? 'No customers yet'
            : 'No invoices yet: once an ERP connection (Settings › ERP) brings in invoices and payments, the value of each channel shows here.'}
        </Text>
      </Center>
    );
  }
  const money = (v: number) => formatMoney(v, by.currency);
  return (
    <BarChart
      h={Math.max(200, data.length * 44 + 70)}
      data={data}
      dataKey="label"
      orientation="vertical"
      series={[
        { name: 'revenue', label: 'Revenue to date', color: 'blue.6' },
        { name: 'expected', label: 'Expected next 12 months', color: 'teal.6' },
      ]}
      valueFormatter={money}
      withLegend
      legendProps={{ verticalAlign: 'bottom', height: narrow ? 60 : 40 }}
      gridAxis="x"
      tickLine="none"
      maxBarWidth={18}
      xAxisProps={{ tickFormatter: (v: number) => money(v) }}
      yAxisProps={{
        width: narrow ? 90 : 140,
        tickFormatter: (v: string) => (v.length > 16 ? `${v.slice(0, 15)}…` : v),
      }}
    />
  );
}

function StatusBadge({ status }: { status: CustomerStatus }) {
  return (
    <Badge color={statusColors[status]} variant="light" style={{ whiteSpace: 'nowrap' }}>
      {statusLabels[status]}
    </Badge>
  );
}

function CustomerRow({ c }: { c: Customer }) {
  return (
    <Table.Tr data-testid="clv-customer">
      <Table.Td>
        <Anchor component={Link} to={`/leads/${c.leadId}`} size="sm" fw={600}>
          {c.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {c.ownerName ?? 'Unassigned'}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={c.status} />
        <Text size="xs" c="dimmed" maw={260}>
          {c.reason}
        </Text>
      </Table.Td>
      <Table.Td ta="right">{formatMoney(c.revenueToDate, c.currency)}</Table.Td>
      <Table.Td ta="right">{formatMoney(c.expected12m, c.currency)}</Table.Td>
      <Table.Td ta="right">{formatRisk(c.churnRisk)}</Table.Td>
      <Table.Td ta="right">{formatNumber(c.purchases)}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(c.lastPurchaseAt)}</Table.Td>
    </Table.Tr>
  );
}

function CustomersTable({ currency }: { currency: string | undefined }) {
  const [sort, setSort] = useState<CustomerSort>('revenue');
  const [status, setStatus] = useState<CustomerStatus | null>(null);
  const list = useCustomers({ sort, ...(status ? { status } : {}), ...(currency ? { currency } : {}) });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = list.data?.pages[0]?.total;
  return (
    <Card padding="md">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Text fw={650}>Customers{total !== undefined ? ` (${formatNumber(total)})` : ''}</Text>
          <Group gap="xs">
            <Select
              aria-label="Sort by"
              data={sortOptions}
              value={sort}
              onChange={(v) => v && setSort(v as CustomerSort)}
              allowDeselect={false}
              w={210}
              size="xs"
            />
            <Select
              aria-label="Status"
              placeholder="Any status"
              data={statusOptions}
              value={status}
              onChange={(v) => setStatus(v as CustomerStatus | null)}
              clearable
              w={160}
              size="xs"
            />
          </Group>
        </Group>
        {list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        ) : list.isPending ? (
          <Skeleton h={200} />
        ) : rows.length === 0 ? (
          <Center h={80}>
            <Text c="dimmed" size="sm">
              No customers match
            </Text>
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={820} type="native">
            <Table verticalSpacing="xs" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Revenue to date</Table.Th>
                  <Table.Th ta="right">Expected 12 months</Table.Th>
                  <Table.Th ta="right">Churn risk</Table.Th>
                  <Table.Th ta="right">Purchases</Table.Th>
                  <Table.Th>Last purchase</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <CustomerRow key={`${c.leadId}-${c.currency}`} c={c} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.hasNextPage && (
          <Center>
            <Button variant="default" size="xs" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
              Show more
            </Button>
          </Center>
        )}
      </Stack>
    </Card>
  );
}

/** Customer lifetime value: what customers brought, what they are expected to bring, who is slipping away. */
export function CustomerValuePage() {
  const narrow = useMediaQuery('(max-width: 48em)') ?? false;
  const [dimension, setDimension] = useState<Dimension>('source');
  const [currency, setCurrency] = useState<string | undefined>(undefined);
  const by = useValueBy(dimension, currency);
  const currencies = by.data?.currencies ?? [];
  return (
    <Stack gap="lg">
      <PageHeader
        title="Customer value"
        description="Revenue from the books, the value expected over the next 12 months, and customers at risk of not buying again."
        actions={
          currencies.length > 1 ? (
            <Select
              aria-label="Currency"
              data={currencies}
              value={currency ?? by.data?.currency ?? null}
              onChange={(v) => v && setCurrency(v)}
              allowDeselect={false}
              w={110}
              size="xs"
            />
          ) : undefined
        }
      />
      {by.isError ? (
        <ErrorAlert error={by.error} onRetry={() => by.refetch()} />
      ) : !by.data ? (
        <Skeleton h={96} />
      ) : (
        <>
          <Kpis by={by.data} />
          <Card padding="md">
            <Stack gap="sm">
              <Group justify="space-between" gap="sm">
                <Text fw={650}>Value by {dimensionLabels[dimension].toLowerCase()}</Text>
                <SegmentedControl
                  size="xs"
                  aria-label="Group by"
                  value={dimension}
                  onChange={(v) => setDimension(v as Dimension)}
                  data={(Object.keys(dimensionLabels) as Dimension[]).map((d) => ({
                    value: d,
                    label: dimensionLabels[d],
                  }))}
                />
              </Group>
              <ByChart by={by.data} narrow={narrow} />
              <ModelNote model={by.data.model} />
            </Stack>
          </Card>
        </>
      )}
      <CustomersTable currency={currency} />
    </Stack>
  );
}
