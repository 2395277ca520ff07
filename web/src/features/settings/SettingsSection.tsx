import { Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The heading of one settings section: what it is, and its main action. */
export function SectionHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-end" gap="md" mb="md" wrap="wrap">
      <Stack gap={4} miw={0} style={{ flex: '1 1 260px' }}>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && (
        <Group gap="sm" wrap="wrap">
          {actions}
        </Group>
      )}
    </Group>
  );
}

/** A card's body while its data loads or after it failed to. */
export function LoadingRows({ rows = 4, height = 40 }: { rows?: number; height?: number }) {
  return (
    <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, row) => `row-${row}`).map((id) => (
        <Skeleton key={id} h={height} />
      ))}
    </Stack>
  );
}

export function LoadFailed({ error, onRetry, title }: { error: unknown; onRetry: () => void; title: string }) {
  return (
    <Stack p="md">
      <ErrorAlert error={error} onRetry={onRetry} title={title} />
    </Stack>
  );
}

/** A bordered card with no padding, for tables and lists that run edge to edge. */
export function ListCard({ children }: { children: ReactNode }) {
  return <Card p={0}>{children}</Card>;
}
