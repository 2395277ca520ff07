import { Badge, Card, Group, Text, ThemeIcon } from '@mantine/core';
import { IconDatabase } from '@tabler/icons-react';
import { formatTime } from '../../lib/format';
import { useCan } from '../auth/session';
import { useEngineStatus } from './dashboards.queries';
import { engineSummary } from './engineStatus';

const colorLabel = { teal: 'Up to date', yellow: 'Behind', red: 'Needs attention' } as const;

/**
 * The admin dashboard's "Reports engine" card: where reports run and how far ClickHouse is behind PostgreSQL.
 * Shown only to admins of a server with ClickHouse configured.
 */
export function EngineCard() {
  const isAdmin = useCan('company:manage');
  const status = useEngineStatus(isAdmin);
  const summary = status.data ? engineSummary(status.data) : null;
  if (!isAdmin || !summary) return null;
  return (
    <Card component="section" aria-label="Reports engine" data-testid="engine-card" padding="md" data-print-hide>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size={36} radius="md" color={summary.color === 'teal' ? 'brand' : summary.color}>
          <IconDatabase size={20} />
        </ThemeIcon>
        <div style={{ minWidth: 0, flex: 1 }}>
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Text fw={650} size="sm">
              Reports engine
            </Text>
            <Badge color={summary.color} variant="dot" data-testid="engine-state">
              {colorLabel[summary.color]}
            </Badge>
          </Group>
          <Text size="sm" mt={2}>
            {summary.title}. {summary.detail}
          </Text>
          {status.dataUpdatedAt > 0 && (
            <Text size="xs" c="dimmed" mt={2}>
              Checked {formatTime(status.dataUpdatedAt)}
            </Text>
          )}
        </div>
      </Group>
    </Card>
  );
}
