import { Button, Group, Modal, Skeleton, Stack, Text } from '@mantine/core';
import { formatWhen } from '../../lib/format';
import { useActivities } from '../activities/activities.queries';
import type { Lead, StageFields } from './leads.types';
import type { Stage } from './stages';

export interface FollowUpsQuestion {
  lead: Lead;
  stage: Stage;
  fields: StageFields | undefined;
  rollback?: () => void;
}

/**
 * A move to Won or Lost while follow-ups are still open: the server will not close them silently, so the person
 * chooses to cancel them with the move or keep them.
 */
export function OpenFollowUpsModal({
  question,
  submitting,
  onAnswer,
  onCancel,
}: {
  question: FollowUpsQuestion | null;
  submitting: boolean;
  onAnswer: (closeFollowUps: boolean) => void;
  onCancel: () => void;
}) {
  const open = useActivities(
    { leadId: question?.lead.id ?? '', type: 'follow_up,meeting', status: 'open,missed', limit: 10 },
    { enabled: question !== null },
  );
  const items = open.data?.data ?? [];
  return (
    <Modal
      opened={question !== null}
      onClose={onCancel}
      title={<Text fw={650}>Move to {question?.stage.name}: what about the follow-ups?</Text>}
      size="lg"
    >
      {question && (
        <Stack gap="md" aria-label="Open follow-ups">
          <Text size="sm">
            <b>{question.lead.name}</b> still has follow-ups planned. Cancel them with the move, or keep them (for an
            onboarding call, say)?
          </Text>
          {open.isPending ? (
            <Skeleton h={40} />
          ) : (
            <Stack gap={4}>
              {items.map((a) => (
                <Text size="sm" key={a.id}>
                  • {a.title}{' '}
                  <Text span size="xs" c={a.overdue ? 'red' : 'dimmed'}>
                    {formatWhen(a.dueAt)} · {a.assignee.name}
                  </Text>
                </Text>
              ))}
              {open.data?.nextCursor && (
                <Text size="xs" c="dimmed">
                  and more
                </Text>
              )}
            </Stack>
          )}
          <Group justify="flex-end" gap="sm" wrap="wrap">
            <Button variant="subtle" color="gray" onClick={onCancel} disabled={submitting}>
              Don’t move
            </Button>
            <Button variant="default" onClick={() => onAnswer(false)} loading={submitting}>
              Keep them
            </Button>
            <Button color="red" onClick={() => onAnswer(true)} loading={submitting}>
              Cancel them and move
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
