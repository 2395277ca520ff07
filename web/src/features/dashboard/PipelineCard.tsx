import { Anchor, Card, Group, Progress, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatMoney, formatNumber } from '../../lib/format';
import { useStageCounts } from '../leads/counts.queries';
import { useStages } from '../leads/pipeline.queries';
import { stageColor } from '../leads/stages';

/** The caller's pipeline at a glance: how many of the leads it sees sit in each stage, and what they are worth. */
export function PipelineCard() {
  const { stages } = useStages();
  const counts = useStageCounts({});
  const total = stages.reduce((sum, stage) => sum + (counts.data?.[stage.key]?.count ?? 0), 0);

  return (
    <Card aria-label="Your pipeline" component="section">
      <Group justify="space-between" mb="md">
        <div>
          <Title order={2}>Your pipeline</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {counts.isPending ? 'Counting your leads…' : `${formatNumber(total)} leads you can see`}
          </Text>
        </div>
        <Group gap="md">
          <Anchor component={Link} to="/leads" size="sm" fw={600}>
            List
          </Anchor>
          <Anchor component={Link} to="/leads/board" size="sm" fw={600}>
            Board
          </Anchor>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: stages.length > 6 ? 4 : 6 }} spacing="md">
        {stages.map((stage) => {
          const row = counts.data?.[stage.key];
          const color = stageColor(stages, stage.key);
          return (
            <Anchor
              key={stage.key}
              component={Link}
              to={`/leads?stage=${encodeURIComponent(stage.key)}`}
              underline="never"
              c="inherit"
            >
              <Stack gap={4}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
                  {stage.name}
                </Text>
                {counts.isPending ? (
                  <Skeleton h={28} w={60} />
                ) : (
                  <Text fw={700} fz={24} lh={1.2}>
                    {formatNumber(row?.count ?? 0)}
                  </Text>
                )}
                <Progress value={total > 0 ? ((row?.count ?? 0) / total) * 100 : 0} color={color} size="sm" />
                {row?.value !== undefined && (
                  <Text size="xs" c="dimmed">
                    {formatMoney(row.value)}
                  </Text>
                )}
              </Stack>
            </Anchor>
          );
        })}
      </SimpleGrid>
    </Card>
  );
}
