import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCan } from '../auth/session';
import { reasonColors, reasonLabels } from './reasons';
import { useAtRiskSummary } from './risk.queries';

/**
 * The dashboard's "At-risk leads" card, above the tiles: how many of the leads the user sees are at risk (a
 * manager's team's, an admin's whole company's), by reason and by owner, with links to the list.
 */
export function AtRiskCard() {
  const canRead = useCan('insights:read');
  const summary = useAtRiskSummary(canRead);
  if (!canRead || !summary.data || summary.data.checkedAt === null) return null;
  const { total, byReason, byOwner, checkedAt } = summary.data;
  return (
    <Card component="section" aria-label="At-risk leads" data-testid="at-risk-card" padding="md" data-print-hide>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size={36} radius="md" color={total > 0 ? 'orange' : 'brand'}>
          <IconAlertTriangle size={20} />
        </ThemeIcon>
        <Stack gap={6} miw={0} style={{ flex: 1 }}>
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Anchor component={Link} to="/insights/at-risk" fw={650} size="sm">
              {total === 0 ? 'No lead at risk' : `${formatNumber(total)} ${total === 1 ? 'lead' : 'leads'} at risk`}
            </Anchor>
            <Text size="xs" c="dimmed">
              Checked {formatDateTime(checkedAt)}
            </Text>
          </Group>
          {total > 0 && (
            <Group gap={6} wrap="wrap">
              {byReason
                .filter((r) => r.count > 0)
                .map((r) => (
                  <Badge
                    key={r.key}
                    component={Link}
                    to={`/insights/at-risk?reason=${r.key}`}
                    color={reasonColors[r.key]}
                    variant="light"
                    tt="none"
                    style={{ cursor: 'pointer' }}
                  >
                    {reasonLabels[r.key]} · {formatNumber(r.count)}
                  </Badge>
                ))}
            </Group>
          )}
          {byOwner.length > 1 && (
            <Text size="sm" c="dimmed">
              {byOwner
                .slice(0, 5)
                .map((o) => `${o.ownerName ?? 'Unassigned'} ${formatNumber(o.count)}`)
                .join(' · ')}
              {byOwner.length > 5 ? ' …' : ''}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}
