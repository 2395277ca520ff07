import { ActionIcon, Badge, Group, Switch, Text, Tooltip } from '@mantine/core';
import { IconClockHour4, IconGripVertical, IconPencil, IconTrash, IconUsers } from '@tabler/icons-react';
import type { HTMLAttributes } from 'react';
import { Link } from 'react-router';
import { notifyError } from '../../../lib/notify';
import { OrderButtons } from '../ordering';
import type { AssignmentRule } from '../settings.types';
import classes from './AssignmentRulesPage.module.css';
import { useUpdateRule } from './assignment.queries';
import { type ConditionField, describeCondition } from './conditions';
import { strategyLabel } from './strategies';

function minutes(value: number): string {
  if (value % 1440 === 0) return `${value / 1440} d`;
  if (value % 60 === 0) return `${value / 60} h`;
  return `${value} min`;
}

function People({ rule }: { rule: AssignmentRule }) {
  const names = rule.users.map((user, i) =>
    rule.strategy === 'weighted' ? `${user.name} (${rule.weights[i] ?? 1})` : user.name,
  );
  const inactive = rule.users.filter((user) => !user.active).length;
  return (
    <Group gap={6} wrap="nowrap" miw={0}>
      <IconUsers size={14} style={{ flex: 'none' }} aria-hidden="true" />
      <Text size="xs" c="dimmed" truncate>
        {names.join(', ') || 'Nobody'}
        {inactive > 0 ? ` · ${inactive} inactive` : ''}
      </Text>
    </Group>
  );
}

export function RuleRow({
  rule,
  index,
  movable,
  fields,
  dragProps,
  handleProps,
  reordering,
  onMove,
  onDelete,
}: {
  rule: AssignmentRule;
  index: number;
  /** How many rules can move (all but the default). */
  movable: number;
  fields: readonly ConditionField[];
  dragProps: HTMLAttributes<HTMLElement>;
  handleProps: HTMLAttributes<HTMLElement>;
  reordering: boolean;
  onMove: (from: number, to: number) => void;
  onDelete: () => void;
}) {
  const update = useUpdateRule();
  const conditions = rule.conditions.map((condition) => describeCondition(condition, fields));
  return (
    <li
      className={classes.row}
      data-inactive={!rule.active || undefined}
      data-default={rule.isDefault || undefined}
      {...dragProps}
    >
      <span className={classes.handle} data-hidden={rule.isDefault || undefined} aria-hidden="true" {...handleProps}>
        <IconGripVertical size={18} />
      </span>
      <span className={classes.position} aria-hidden="true">
        {index + 1}
      </span>
      <div className={classes.main}>
        <Group gap="xs" mb={4}>
          <Text
            component={Link}
            to={`/settings/assignment/${rule.id}`}
            fw={600}
            size="sm"
            c="var(--mantine-color-text)"
          >
            {rule.name}
          </Text>
          {rule.isDefault && (
            <Badge size="sm" color="grape">
              Default
            </Badge>
          )}
          <Badge size="sm" variant="default" tt="none" fw={500}>
            {strategyLabel(rule.strategy)}
          </Badge>
          {rule.slaMinutes !== null && (
            <Tooltip label="Untouched this long, the lead moves to the next person">
              <Badge size="sm" variant="light" color="orange" leftSection={<IconClockHour4 size={12} />} tt="none">
                SLA {minutes(rule.slaMinutes)}
              </Badge>
            </Tooltip>
          )}
        </Group>
        <Text size="xs" mb={4} lineClamp={2}>
          {rule.isDefault
            ? 'Every lead no rule above takes, or whose rule finds nobody available'
            : conditions.length === 0
              ? 'Every lead'
              : conditions.join(' · ')}
        </Text>
        <People rule={rule} />
      </div>
      <Group gap={4} wrap="nowrap" className={classes.actions}>
        <Switch
          size="sm"
          checked={rule.active}
          onChange={(event) =>
            update.mutate(
              { id: rule.id, body: { active: event.currentTarget.checked } },
              { onError: (error) => notifyError(error, `Could not change ${rule.name}`) },
            )
          }
          disabled={update.isPending}
          aria-label={`${rule.name} active`}
          label={rule.active ? 'On' : 'Off'}
          mr="xs"
        />
        {rule.isDefault ? (
          <span className={classes.orderSpace} />
        ) : (
          <OrderButtons name={rule.name} index={index} count={movable} disabled={reordering} onMove={onMove} />
        )}
        <Tooltip label="Edit" openDelay={400}>
          <ActionIcon
            component={Link}
            to={`/settings/assignment/${rule.id}`}
            variant="subtle"
            color="gray"
            aria-label={`Edit ${rule.name}`}
          >
            <IconPencil size={16} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label="Delete" openDelay={400}>
          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${rule.name}`} onClick={onDelete}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </li>
  );
}
