import { Badge, Group, Tooltip } from '@mantine/core';
import { formatDay } from '../../lib/format';
import type { ReasonKey, RiskReason } from './risk.queries';

export const reasonLabels: Record<ReasonKey, string> = {
  overdue_follow_ups: 'Overdue follow-ups',
  no_touch: 'No touch',
  stage_overdue: 'Long in stage',
  close_date_pushed: 'Close date pushed',
  owner_on_leave: 'Owner on leave',
  no_next_step: 'No next step',
};

export const reasonColors: Record<ReasonKey, string> = {
  overdue_follow_ups: 'red',
  no_touch: 'orange',
  stage_overdue: 'orange',
  close_date_pushed: 'yellow',
  owner_on_leave: 'grape',
  no_next_step: 'gray',
};

export const reasonOrder = Object.keys(reasonLabels) as ReasonKey[];

/** The reason in words, with a calendar day (the end of a leave) written the user's way. */
export function reasonSentence(reason: RiskReason): string {
  return reason.text.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (day) => formatDay(day));
}

/** A short badge text: the label and its figure ("No touch · 20 d"). */
function badgeText(reason: RiskReason): string {
  const label = reasonLabels[reason.key];
  if (reason.value === null || reason.key === 'owner_on_leave') return label;
  if (reason.key === 'no_touch' || reason.key === 'stage_overdue') return `${label} · ${reason.value} d`;
  return `${label} · ${reason.value}`;
}

export function ReasonBadges({ reasons }: { reasons: readonly RiskReason[] }) {
  return (
    <Group gap={6} wrap="wrap">
      {reasons.map((reason) => (
        <Tooltip key={reason.key} label={reasonSentence(reason)} multiline maw={320} withArrow>
          <Badge color={reasonColors[reason.key]} variant="light" tt="none" data-reason={reason.key}>
            {badgeText(reason)}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}
