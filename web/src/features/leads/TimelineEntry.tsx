import { ActionIcon, Group, Menu, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconArrowRight,
  IconDots,
  IconMessage,
  IconPencil,
  IconSparkles,
  IconTrash,
  IconUserShare,
} from '@tabler/icons-react';
import { formatDateTime, formatDay, formatMoney, formatRelative } from '../../lib/format';
import { useMe } from '../auth/session';
import { assignmentSummary } from './AssignmentWhy';
import { fieldLabel } from './FieldInput';
import { sourceLabel } from './fields';
import type { Assignment, TimelineItem } from './leads.types';
import { splitMentions } from './mentions';
import { type Stage, stageColor, stageName } from './stages';
import { type Presented, presentComms } from './TimelineComms';

/** "3 days", "5 hours", "12 minutes": how long a lead sat in a stage. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'less than a minute';
}

export function NoteBody({ body }: { body: string }) {
  // Parts are keyed by where they start in the note, which is unique and stable.
  let offset = 0;
  const parts = splitMentions(body).map((part) => {
    const at = offset;
    offset += typeof part === 'string' ? part.length : part.name.length + part.id.length + 5;
    return { at, part };
  });
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {parts.map(({ at, part }) =>
        typeof part === 'string' ? (
          <span key={at}>{part}</span>
        ) : (
          <Text key={at} span fw={600} c="brand">
            @{part.name}
          </Text>
        ),
      )}
    </Text>
  );
}

function shown(field: string, value: unknown, currency: string): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return 'empty';
  }
  if (field === 'source' && typeof value === 'string') return sourceLabel(value);
  if (field === 'expectedValue' && typeof value === 'number') return formatMoney(value, currency);
  if (field === 'expectedCloseDate' && typeof value === 'string') return formatDay(value);
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Who works the lead changes through assignments, which the timeline tells as their own entries. */
const assignmentFields = ['ownerId', 'warriorIds', 'coSalesIds', 'partnerId'];

/** The changes worth a line: what is left once the assignment fields are told elsewhere. */
export function visibleChanges(item: TimelineItem): [string, { from?: unknown; to?: unknown }][] {
  return Object.entries(item.change?.changes ?? {}).filter(([field]) => !assignmentFields.includes(field));
}

function Changes({ item, labelOf }: { item: TimelineItem; labelOf: (field: string) => string }) {
  const { currency } = useMe().company;
  return (
    <Stack gap={2}>
      {visibleChanges(item).map(([field, change]) => (
        <Text size="sm" key={field} style={{ overflowWrap: 'anywhere' }}>
          <b>{labelOf(field)}</b>: {shown(field, change.from, currency)} → {shown(field, change.to, currency)}
        </Text>
      ))}
    </Stack>
  );
}

function present(
  item: TimelineItem,
  stages: readonly Stage[],
  labelOf: (field: string) => string = fieldLabel,
): Presented {
  const who = item.actor?.name;
  if (item.kind === 'note' && item.note) {
    return {
      icon: <IconMessage size={13} />,
      color: 'brand',
      body: (
        <Stack gap={2}>
          <Text size="xs" fw={600}>
            {who ?? 'Someone'} wrote{item.note.edited ? ' (edited)' : ''}
          </Text>
          <NoteBody body={item.note.body} />
        </Stack>
      ),
    };
  }
  if (item.kind === 'stage' && item.stage) {
    const { from, to, secondsInPrevious } = item.stage;
    return {
      icon: <IconArrowRight size={13} />,
      color: stageColor(stages, to),
      body: from ? (
        <Text size="sm">
          Moved from <b>{stageName(stages, from)}</b> to <b>{stageName(stages, to)}</b>
        </Text>
      ) : (
        <Text size="sm">
          Put in <b>{stageName(stages, to)}</b>
        </Text>
      ),
      detail: [
        who ? `by ${who}` : null,
        from && secondsInPrevious !== null
          ? `after ${formatDuration(secondsInPrevious)} in ${stageName(stages, from)}`
          : null,
      ]
        .filter(Boolean)
        .join(', '),
    };
  }
  if (item.kind === 'assignment' && item.assignment) {
    const a = item.assignment;
    const summary = assignmentSummary({
      reason: a.reason,
      ruleName: a.ruleName,
      strategy: a.strategy,
      ownerName: a.owner?.name ?? null,
      byUserName: who ?? null,
    } as Assignment);
    return {
      icon: <IconUserShare size={13} />,
      color: 'gray',
      body: <Text size="sm">{summary}</Text>,
      detail: a.detail,
    };
  }
  if (item.kind === 'change' && item.change) {
    return {
      icon: <IconPencil size={13} />,
      color: 'gray',
      body: <Changes item={item} labelOf={labelOf} />,
      detail: who ? `by ${who}` : null,
    };
  }
  if (item.kind === 'created' && item.created) {
    const via = item.created.via === 'ui' ? 'in iPerform' : `via ${sourceLabel(item.created.via).toLowerCase()}`;
    return {
      icon: <IconSparkles size={13} />,
      color: 'teal',
      body: <Text size="sm">Lead created {via}</Text>,
      detail: [who ? `by ${who}` : null, item.created.source ? `source: ${sourceLabel(item.created.source)}` : null]
        .filter(Boolean)
        .join(', '),
    };
  }
  return (
    presentComms(item) ?? { icon: <IconSparkles size={13} />, color: 'gray', body: <Text size="sm">{item.kind}</Text> }
  );
}

export function TimelineBullet({ item, stages }: { item: TimelineItem; stages: readonly Stage[] }) {
  const { icon, color } = present(item, stages);
  return (
    <ThemeIcon size={26} radius="xl" color={color} variant="light">
      {icon}
    </ThemeIcon>
  );
}

export function TimelineEntry({
  item,
  stages,
  labelOf,
  mayChange,
  onEdit,
  onDelete,
}: {
  item: TimelineItem;
  stages: readonly Stage[];
  labelOf: (field: string) => string;
  mayChange: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { body, detail } = present(item, stages, labelOf);
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" justify="space-between">
      <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
        {body}
        <Text size="xs" c="dimmed">
          <span title={formatDateTime(item.at)}>{formatRelative(item.at)}</span>
          {detail ? ` · ${detail}` : ''}
        </Text>
      </Stack>
      {item.kind === 'note' && mayChange && (
        <Menu position="bottom-end" withinPortal shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Note actions">
              <IconDots size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconPencil size={14} />} onClick={onEdit}>
              Edit note
            </Menu.Item>
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onDelete}>
              Delete note
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  );
}
