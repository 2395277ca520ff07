import { useDraggable } from '@dnd-kit/core';
import { ActionIcon, Anchor, Badge, Group, Menu, Paper, Text, Tooltip } from '@mantine/core';
import { IconArrowRight, IconClock, IconDots, IconExternalLink } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDay, formatMoney, initials } from '../../lib/format';
import type { CardDragData } from './boardDnd';
import classes from './LeadBoard.module.css';
import type { Lead } from './leads.types';
import type { Stage } from './stages';

/** "4d", "3h", "now": how long a lead has sat in its stage, short enough for a card. */
export function stageAge(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return minutes < 1 ? 'now' : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function LeadCard({
  lead,
  stages,
  draggable,
  moving,
  dragging = false,
  onMove,
}: {
  lead: Lead;
  stages: readonly Stage[];
  draggable: boolean;
  moving: boolean;
  dragging?: boolean;
  onMove: (lead: Lead, stageKey: string) => void;
}) {
  const tags = lead.tags ?? [];
  const hasValue = lead.expectedValue !== undefined && lead.expectedValue !== null;
  const { setNodeRef, setActivatorNodeRef, listeners, attributes } = useDraggable({
    id: lead.id,
    data: { lead } satisfies CardDragData,
    disabled: !draggable,
  });
  const setRefs = (node: HTMLElement | null) => {
    setNodeRef(node);
    // Only a key pressed on the card itself lifts it: Enter on its link still opens the lead.
    setActivatorNodeRef(node);
  };
  return (
    <Paper
      ref={setRefs}
      withBorder
      radius="md"
      p="sm"
      className={classes.card}
      {...(draggable ? listeners : {})}
      {...(draggable ? attributes : {})}
      role="article"
      aria-roledescription={draggable ? 'draggable lead' : undefined}
      data-draggable={draggable || undefined}
      data-moving={moving || undefined}
      data-dragging={dragging || undefined}
      data-lead-id={lead.id}
      aria-label={lead.name}
    >
      <Group justify="space-between" align="flex-start" gap={4} wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Anchor
            component={Link}
            to={`/leads/${lead.id}`}
            fw={600}
            size="sm"
            c="var(--mantine-color-text)"
            className={classes.cardTitle}
            draggable={false}
          >
            {lead.name}
          </Anchor>
          {lead.companyName && (
            <Text size="xs" c="dimmed" truncate>
              {lead.companyName}
            </Text>
          )}
        </div>
        {draggable && (
          <Menu position="bottom-end" withinPortal shadow="md" width={200}>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Actions for ${lead.name}`}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item component={Link} to={`/leads/${lead.id}`} leftSection={<IconExternalLink size={14} />}>
                Open lead
              </Menu.Item>
              <Menu.Label>Move to</Menu.Label>
              {stages
                .filter((s) => s.key !== lead.stage)
                .map((s) => (
                  <Menu.Item key={s.key} leftSection={<IconArrowRight size={14} />} onClick={() => onMove(lead, s.key)}>
                    {s.name}
                  </Menu.Item>
                ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>

      {(hasValue || lead.expectedCloseDate) && (
        <Group gap={8} mt={6}>
          {hasValue && (
            <Text size="sm" fw={600}>
              {formatMoney(lead.expectedValue, lead.currency)}
            </Text>
          )}
          {lead.expectedCloseDate && (
            <Text size="xs" c="dimmed">
              Closes {formatDay(lead.expectedCloseDate)}
            </Text>
          )}
        </Group>
      )}

      {tags.length > 0 && (
        <Group gap={4} mt={6}>
          {tags.slice(0, 3).map((tag) => (
            <Badge key={tag} size="xs" color="gray" variant="light">
              {tag}
            </Badge>
          ))}
          {tags.length > 3 && (
            <Text size="xs" c="dimmed">
              +{tags.length - 3}
            </Text>
          )}
        </Group>
      )}

      <Group justify="space-between" mt={8} gap={6} wrap="nowrap">
        {lead.ownerName !== undefined ? (
          <Group gap={6} wrap="nowrap" miw={0}>
            <span className={classes.ownerDot} aria-hidden="true">
              {lead.ownerName ? initials(lead.ownerName) : '?'}
            </span>
            <Text size="xs" c="dimmed" truncate>
              {lead.ownerName ?? 'Unassigned'}
            </Text>
          </Group>
        ) : (
          <span />
        )}
        <Tooltip label="Time in this stage" withinPortal>
          <Group gap={3} wrap="nowrap" c="dimmed">
            <IconClock size={12} />
            <Text size="xs">{stageAge(lead.stageChangedAt)}</Text>
          </Group>
        </Tooltip>
      </Group>
    </Paper>
  );
}

/** The card under the pointer while it is dragged: what is being moved, at a glance. */
export function LeadCardPreview({ lead }: { lead: Lead }) {
  const hasValue = lead.expectedValue !== undefined && lead.expectedValue !== null;
  return (
    <Paper withBorder radius="md" p="sm" shadow="lg" className={classes.cardPreview}>
      <Text fw={600} size="sm" truncate>
        {lead.name}
      </Text>
      {lead.companyName && (
        <Text size="xs" c="dimmed" truncate>
          {lead.companyName}
        </Text>
      )}
      {hasValue && (
        <Text size="sm" fw={600} mt={4}>
          {formatMoney(lead.expectedValue, lead.currency)}
        </Text>
      )}
    </Paper>
  );
}
