import { Alert, Avatar, Badge, Button, Card, Divider, Group, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconUserShare } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { initials } from '../../lib/format';
import { ApiError } from '../../lib/problem';
import { useCan } from '../auth/session';
import { AssignmentWhy } from './AssignmentWhy';
import { useAssignment } from './leads.queries';
import type { Lead } from './leads.types';
import { ReassignModal } from './ReassignModal';

function Role({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }} mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

function People({ people }: { people: { id: string; name: string }[] }) {
  if (people.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  return (
    <Group gap={6}>
      {people.map((person) => (
        <Badge key={person.id} color="gray" variant="light" size="lg" radius="sm" tt="none" fw={500}>
          {person.name}
        </Badge>
      ))}
    </Group>
  );
}

/** Who works the lead (owner, warriors, co-sales, partner), why it went to them, and a way to hand it on. */
export function PeopleCard({ lead }: { lead: Lead }) {
  const canAssign = useCan('leads:assign');
  const [reassigning, reassign] = useDisclosure(false);
  const seesOwner = lead.ownerId !== undefined;
  const assignment = useAssignment(lead.id, seesOwner);
  const history = assignment.data?.history ?? [];
  const [, ...earlier] = history;
  const [showHistory, historyToggle] = useDisclosure(false);
  const assignable = canAssign && seesOwner && lead.editable.length > 0;

  return (
    <Card>
      <Group justify="space-between" mb="md">
        <Text fw={650}>People</Text>
        {assignable && (
          <Button size="xs" variant="light" leftSection={<IconUserShare size={14} />} onClick={reassign.open}>
            Reassign
          </Button>
        )}
      </Group>
      <Stack gap="md">
        {seesOwner && (
          <Role label="Owner">
            {lead.ownerId && lead.ownerName ? (
              <Group gap="sm" wrap="nowrap">
                <Avatar color="teal" radius="xl" size={32}>
                  {initials(lead.ownerName)}
                </Avatar>
                <Text size="sm" fw={600}>
                  {lead.ownerName}
                </Text>
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                Unassigned
              </Text>
            )}
          </Role>
        )}
        {lead.warriorIds !== undefined && (
          <Role label="Warriors">
            <People people={lead.warriors ?? []} />
          </Role>
        )}
        {lead.coSalesIds !== undefined && (
          <Role label="Co-sales">
            <People people={lead.coSales ?? []} />
          </Role>
        )}
        {lead.partnerId !== undefined && (
          <Role label="Partner">
            <Text size="sm" c={lead.partnerName ? undefined : 'dimmed'}>
              {lead.partnerName ?? 'None'}
            </Text>
          </Role>
        )}

        {seesOwner && (
          <>
            <Divider />
            <Role label="Why this owner">
              {assignment.isPending ? (
                <Skeleton h={40} />
              ) : assignment.isError ? (
                assignment.error instanceof ApiError && assignment.error.status === 403 ? (
                  <Alert color="gray">Your role does not see how leads are assigned.</Alert>
                ) : (
                  <ErrorAlert error={assignment.error} onRetry={() => assignment.refetch()} />
                )
              ) : assignment.data?.current ? (
                <AssignmentWhy assignment={assignment.data.current} />
              ) : (
                <Text size="sm" c="dimmed">
                  No assignment recorded yet.
                </Text>
              )}
            </Role>
            {earlier.length > 0 && (
              <div>
                <Button variant="subtle" size="compact-xs" onClick={historyToggle.toggle} px={0}>
                  {showHistory ? 'Hide earlier assignments' : `Earlier assignments (${earlier.length})`}
                </Button>
                {showHistory && (
                  <Stack gap="sm" mt="xs">
                    {earlier.map((entry) => (
                      <AssignmentWhy key={entry.id} assignment={entry} />
                    ))}
                  </Stack>
                )}
              </div>
            )}
          </>
        )}
      </Stack>
      {assignable && <ReassignModal lead={lead} opened={reassigning} onClose={reassign.close} />}
    </Card>
  );
}
