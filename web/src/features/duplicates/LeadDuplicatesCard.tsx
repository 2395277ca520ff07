import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconArrowsJoin } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useCan } from '../auth/session';
import type { Lead } from '../leads/leads.types';
import classes from './duplicates.module.css';
import { useLeadDuplicates } from './duplicates.queries';
import { matchLabel } from './GroupCard';

/** The lead page's "possible duplicates": the live leads it looks like, each a click from the merge screen. */
export function LeadDuplicatesCard({ lead }: { lead: Lead }) {
  const canMerge = useCan('leads:merge');
  const duplicates = useLeadDuplicates(lead.id);
  const matches = duplicates.data?.data ?? [];
  if (matches.length === 0) return null;

  const mergeLink = (ids: string[]) => `/leads/merge?ids=${[lead.id, ...ids].join(',')}&survivor=${lead.id}`;
  return (
    <Card aria-label="Possible duplicates">
      <Group justify="space-between" mb="sm" gap="xs">
        <Group gap={6}>
          <Text fw={650}>Possible duplicates</Text>
          <Badge color="orange" size="sm" circle>
            {matches.length}
          </Badge>
        </Group>
        {canMerge && matches.length > 1 && (
          <Button
            component={Link}
            to={mergeLink(matches.slice(0, 10).map((m) => m.id))}
            size="compact-xs"
            variant="light"
          >
            Merge all
          </Button>
        )}
      </Group>
      <Stack gap="sm">
        {matches.map((match) => (
          <Group key={match.id} justify="space-between" gap="xs" wrap="nowrap">
            <Stack gap={2} miw={0}>
              <Anchor component={Link} to={`/leads/${match.id}`} size="sm" fw={600} className={classes.value}>
                {match.name}
              </Anchor>
              <Group gap={4}>
                {match.matchedOn.map((key) => (
                  <Badge key={key} size="xs" color="gray" variant="outline">
                    {matchLabel(key)}
                  </Badge>
                ))}
                {match.score < 1 && (
                  <Text size="xs" c="dimmed">
                    {Math.round(match.score * 100)}% alike
                  </Text>
                )}
              </Group>
            </Stack>
            {canMerge && (
              <Button
                component={Link}
                to={mergeLink([match.id])}
                size="compact-sm"
                variant="default"
                leftSection={<IconArrowsJoin size={14} />}
                aria-label={`Merge with ${match.name}`}
              >
                Merge
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
