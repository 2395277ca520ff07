import { Badge, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { formatDay, formatMoney, formatNumber } from '../../lib/format';
import { useLeadValue } from './customer-value.queries';
import { formatRisk, statusColors, statusLabels } from './customerValue';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}

/** The customer's value on its lead page: shown only for leads the books hold invoices or payments for. */
export function LeadValueCard({ leadId }: { leadId: string }) {
  const { data } = useLeadValue(leadId);
  if (!data) return null;
  const hasDocuments =
    data.purchases > 0 ||
    (data.revenueToDate ?? 0) !== 0 ||
    (data.paymentsReceived ?? 0) !== 0 ||
    data.otherCurrencies.length > 0;
  if (!hasDocuments) return null;
  return (
    <Card data-testid="lead-value">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Text fw={650}>Customer value</Text>
          <Badge color={statusColors[data.status]} variant="light">
            {statusLabels[data.status]}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {data.reason}
        </Text>
        <SimpleGrid cols={2} spacing="sm" verticalSpacing="xs">
          <Figure label="Revenue to date" value={formatMoney(data.revenueToDate, data.currency)} />
          <Figure label="Payments received" value={formatMoney(data.paymentsReceived, data.currency)} />
          <Figure label="Expected next 12 months" value={formatMoney(data.expected12m, data.currency)} />
          <Figure label="Churn risk" value={formatRisk(data.churnRisk)} />
          <Figure label="Purchases" value={formatNumber(data.purchases)} />
          <Figure label="Average order" value={formatMoney(data.averageOrderValue, data.currency)} />
          <Figure label="First purchase" value={formatDay(data.firstPurchaseAt)} />
          <Figure label="Last purchase" value={formatDay(data.lastPurchaseAt)} />
        </SimpleGrid>
        {data.otherCurrencies.map((o) => (
          <Text key={o.currency} size="xs" c="dimmed">
            In {o.currency}: {formatMoney(o.revenueToDate, o.currency)} over {formatNumber(o.purchases)} purchases,{' '}
            {formatMoney(o.expected12m, o.currency)} expected next 12 months
          </Text>
        ))}
      </Stack>
    </Card>
  );
}
