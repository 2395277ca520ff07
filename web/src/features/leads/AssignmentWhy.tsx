import { Badge, Collapse, Group, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconChevronDown, IconMinus } from '@tabler/icons-react';
import { formatDateTime, formatRelative } from '../../lib/format';
import classes from './LeadPage.module.css';
import type { Assignment } from './leads.types';

const strategyLabels: Record<string, string> = {
  round_robin: 'round robin',
  weighted_round_robin: 'weighted round robin',
  least_loaded: 'fewest open leads',
  load_balanced: 'fewest open leads',
  weighted: 'weighted share',
  random: 'random pick',
  fixed: 'a fixed person',
  territory: 'territory',
  manual: 'by hand',
};

const humanize = (text: string) => text.replace(/_/g, ' ');

export function strategyLabel(strategy: string | null): string | null {
  if (!strategy) return null;
  return strategyLabels[strategy] ?? humanize(strategy);
}

/** One sentence saying how the lead came to its owner. */
export function assignmentSummary(a: Assignment): string {
  const to = a.ownerName ? `to ${a.ownerName}` : '';
  switch (a.reason) {
    case 'rule': {
      const rule = a.ruleName ? `rule “${a.ruleName}”` : 'the assignment rules';
      const strategy = strategyLabel(a.strategy);
      return `Assigned ${to} by ${rule}${strategy ? `, ${strategy}` : ''}`.replace(/\s+/g, ' ');
    }
    case 'manual':
      return `Assigned ${to} by hand${a.byUserName ? ` by ${a.byUserName}` : ''}`.replace(/\s+/g, ' ');
    case 'sla':
      return `Reassigned ${to} because nobody acted on it in time`.replace(/\s+/g, ' ');
    case 'unassigned':
      return 'No rule or person could take it: waiting for someone to assign it';
    default:
      return `${humanize(a.reason).replace(/^./, (c) => c.toUpperCase())} ${to}`.trim();
  }
}

/** Who was considered and why each one was skipped, the chosen one first. */
function Candidates({ candidates }: { candidates: Assignment['candidates'] }) {
  const ordered = [...candidates].sort((a, b) => Number(b.chosen) - Number(a.chosen));
  return (
    <Stack gap={0} mt={4} aria-label="Candidates considered">
      {ordered.map((c) => (
        <div key={c.userId} className={classes.candidate}>
          <ThemeIcon size={18} radius="xl" color={c.chosen ? 'teal' : 'gray'} variant={c.chosen ? 'filled' : 'light'}>
            {c.chosen ? <IconCheck size={12} /> : <IconMinus size={12} />}
          </ThemeIcon>
          <div style={{ minWidth: 0 }}>
            <Text size="sm" fw={c.chosen ? 600 : 400}>
              {c.name}
            </Text>
            <Text size="xs" c="dimmed">
              {c.chosen ? 'Chosen' : c.skipped ? `Skipped: ${humanize(c.skipped)}` : 'Not chosen'}
            </Text>
          </div>
        </div>
      ))}
    </Stack>
  );
}

export function AssignmentWhy({ assignment, defaultOpen = false }: { assignment: Assignment; defaultOpen?: boolean }) {
  const [open, toggle] = useDisclosure(defaultOpen);
  const hasMore = assignment.candidates.length > 0 || Boolean(assignment.detail);
  return (
    <div>
      <Text size="sm">{assignmentSummary(assignment)}</Text>
      <Group gap={6} mt={2}>
        <Text size="xs" c="dimmed" title={formatDateTime(assignment.at)}>
          {formatRelative(assignment.at)}
        </Text>
        {assignment.channel && assignment.channel !== 'ui' && (
          <Badge size="xs" color="gray">
            via {humanize(assignment.channel)}
          </Badge>
        )}
      </Group>
      {assignment.slaDueAt && new Date(assignment.slaDueAt).getTime() > Date.now() && (
        <Text size="xs" c="orange.7" mt={2}>
          To be picked up by {formatDateTime(assignment.slaDueAt)}
        </Text>
      )}
      {hasMore && (
        <>
          <UnstyledButton onClick={toggle.toggle} mt={6} aria-expanded={open}>
            <Group gap={4}>
              <Text size="xs" c="brand" fw={600}>
                {open ? 'Hide details' : 'Why this person?'}
              </Text>
              <IconChevronDown
                size={12}
                style={{ transform: open ? 'rotate(180deg)' : undefined, transition: 'transform 120ms' }}
              />
            </Group>
          </UnstyledButton>
          <Collapse expanded={open}>
            {assignment.detail && (
              <Text size="xs" c="dimmed" mt={4}>
                {assignment.detail}
              </Text>
            )}
            {assignment.candidates.length > 0 && <Candidates candidates={assignment.candidates} />}
          </Collapse>
        </>
      )}
    </div>
  );
}
