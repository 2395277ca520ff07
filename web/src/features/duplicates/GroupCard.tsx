import { Anchor, Badge, Button, Card, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconArrowsJoin, IconEyeOff, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatRelative } from '../../lib/format';
import { StageBadge } from '../leads/leadColumns';
import type { Stage } from '../leads/stages';
import classes from './duplicates.module.css';
import type { DuplicateGroup } from './duplicates.queries';

const matchLabels: Record<string, string> = { email: 'Same email', phone: 'Same phone', name: 'Similar name' };

export function matchLabel(key: string): string {
  return matchLabels[key] ?? key;
}

/**
 * How sure the match is, in words, from what the leads share (the server's rule: same email and name high,
 * a shared phone medium, a similar name alone low).
 */
export function confidenceLevel(confidence: number): { label: string; color: string } {
  if (confidence >= 0.85) return { label: 'High', color: 'red' };
  if (confidence >= 0.6) return { label: 'Medium', color: 'orange' };
  return { label: 'Low', color: 'yellow' };
}

export function ConfidenceBadge({ confidence, matchedOn }: { confidence: number; matchedOn?: readonly string[] }) {
  const percent = Math.round(confidence * 100);
  const { label, color } = confidenceLevel(confidence);
  const what = matchedOn?.length ? matchedOn.map(matchLabel).join(' + ').toLowerCase() : 'what they share';
  return (
    <Tooltip
      multiline
      w={280}
      label={`${label} confidence (${percent}%), from ${what}. Same email and name is high; a shared phone alone is medium; a similar name alone is low.`}
    >
      <Badge color={color} variant="light">
        {label} confidence · {percent}%
      </Badge>
    </Tooltip>
  );
}

export function MatchBadges({ matchedOn }: { matchedOn: readonly string[] }) {
  return (
    <>
      {matchedOn.map((key) => (
        <Badge key={key} color="gray" variant="outline" size="sm">
          {matchLabel(key)}
        </Badge>
      ))}
    </>
  );
}

/** One group of the review queue: its leads, why they match, and merge or dismiss. */
export function GroupCard({
  group,
  stages,
  canMerge,
  canDismiss,
  onQuickMerge,
  onDismiss,
  dismissing,
}: {
  group: DuplicateGroup;
  stages: readonly Stage[];
  canMerge: boolean;
  canDismiss: boolean;
  onQuickMerge: (group: DuplicateGroup) => void;
  onDismiss: (group: DuplicateGroup) => void;
  dismissing: boolean;
}) {
  const live = group.members.filter((m) => m.state === 'live');
  const mergeable = group.status === 'open' && canMerge && live.length >= 2;
  const ids = live.map((m) => m.lead.id).join(',');
  return (
    <Card
      className={classes.groupCard}
      component="article"
      aria-label={`Duplicate group: ${live.map((m) => m.lead.name).join(', ')}`}
    >
      <Group justify="space-between" gap="xs">
        <Group gap={6}>
          <ConfidenceBadge confidence={group.confidence} matchedOn={group.matchedOn} />
          <MatchBadges matchedOn={group.matchedOn} />
        </Group>
        <Text size="xs" c="dimmed">
          Found {formatRelative(group.createdAt)}
          {group.origin === 'create' ? ' when a lead came in' : ' by a scan'}
        </Text>
      </Group>
      <Stack gap={6}>
        {group.members.map((member) => (
          <div key={member.lead.id} className={classes.member}>
            <Stack gap={0} miw={0} style={{ flex: '1 1 220px' }}>
              <Group gap={6} wrap="nowrap">
                <Anchor component={Link} to={`/leads/${member.lead.id}`} fw={600} size="sm" className={classes.value}>
                  {member.lead.name}
                </Anchor>
                {member.state !== 'live' && (
                  <Badge size="xs" color="gray">
                    {member.state === 'merged' ? 'merged' : 'in trash'}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed" className={classes.value}>
                {[member.lead.companyName, member.lead.emails?.[0], member.lead.phones?.[0]]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </Text>
              {member.matchedOn.length > 0 && (
                <Text size="xs" c="dimmed">
                  Matched on: {member.matchedOn.map(matchLabel).join(', ').toLowerCase()}
                </Text>
              )}
            </Stack>
            <Group gap={6} wrap="nowrap">
              <StageBadge stage={member.lead.stage} stages={stages} />
              <Text size="xs" c="dimmed" miw={0} truncate>
                {member.lead.ownerName ?? 'Unassigned'}
              </Text>
            </Group>
          </div>
        ))}
      </Stack>
      {group.status === 'open' && live.length < 2 && (
        <Group gap={6}>
          <IconEyeOff size={14} />
          <Text size="xs" c="dimmed">
            The other leads of this group are not ones you can see.
          </Text>
        </Group>
      )}
      {group.status === 'open' && (canDismiss || mergeable) && (
        <Group justify="flex-end" gap="xs">
          {canDismiss && (
            <Button
              variant="subtle"
              color="gray"
              size="xs"
              leftSection={<IconX size={14} />}
              onClick={() => onDismiss(group)}
              loading={dismissing}
            >
              Not duplicates
            </Button>
          )}
          {mergeable && (
            <>
              <Button variant="default" size="xs" component={Link} to={`/leads/merge?ids=${ids}`}>
                Choose values…
              </Button>
              <Button size="xs" leftSection={<IconArrowsJoin size={14} />} onClick={() => onQuickMerge(group)}>
                Merge
              </Button>
            </>
          )}
        </Group>
      )}
    </Card>
  );
}
