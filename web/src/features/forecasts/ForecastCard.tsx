import { Anchor, Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconTrendingUp } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatMoney, formatMonth } from '../../lib/format';
import { useCan } from '../auth/session';
import { monthDay } from './forecastFormat';
import { useForecast } from './forecasts.queries';

/**
 * The dashboard's "Forecast" card, beside the at-risk one: what the leads the user sees are likely to win this month
 * and next (with the range), against how far off the forecast was over the past six months, linking to the page.
 * Nothing shows for a role without the forecast (no insights:read, or expected values hidden from it).
 */
export function ForecastCard() {
  const canRead = useCan('insights:read');
  const forecast = useForecast(2, canRead);
  if (!canRead || !forecast.data) return null;
  const { months, mape, currency } = forecast.data;
  const money = (v: number) => formatMoney(v, currency);
  return (
    <Card component="section" aria-label="Forecast" data-testid="forecast-card" padding="md" data-print-hide>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size={36} radius="md" color="brand">
          <IconTrendingUp size={20} />
        </ThemeIcon>
        <Stack gap={6} miw={0} style={{ flex: 1 }}>
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Anchor component={Link} to="/forecast" fw={650} size="sm">
              Forecast
            </Anchor>
            {mape !== null && (
              <Text size="xs" c="dimmed">
                off by {Math.round(mape)}% on average over the past six months
              </Text>
            )}
          </Group>
          <Group gap="xl" wrap="wrap">
            {months.map((m) => (
              <Stack key={m.month} gap={0}>
                <Text size="xs" c="dimmed">
                  {formatMonth(monthDay(m.month))}
                </Text>
                <Text fw={700}>{money(m.expected)}</Text>
                <Text size="xs" c="dimmed">
                  {money(m.low)} – {money(m.high)}
                </Text>
              </Stack>
            ))}
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}
