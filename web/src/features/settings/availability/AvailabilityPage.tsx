import { Card, Center, EmptyState, Grid, Group, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconCalendarTime, IconClockHour4 } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { RoleBadge } from '../../../components/Badges';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useMe } from '../../auth/session';
import { usePeople } from '../people.queries';
import { SectionHeader } from '../SettingsSection';
import { AvailabilityForm } from './AvailabilityForm';
import classes from './AvailabilityPage.module.css';
import { useAvailability } from './availability.queries';
import { LeavesCard } from './LeavesCard';

const roles = ['SALESPERSON', 'WARRIOR'] as const;

function AvailabilityCard({ userId, companyZone }: { userId: string; companyZone: string }) {
  const availability = useAvailability(userId);
  return (
    <Card p={{ base: 'md', sm: 'lg' }}>
      <Group gap="xs" mb="md">
        <IconClockHour4 size={20} stroke={1.7} />
        <Title order={3}>Hours and caps</Title>
      </Group>
      {availability.isPending ? (
        <Stack gap="md">
          <Skeleton h={56} />
          <Skeleton h={56} />
          <Skeleton h={56} />
        </Stack>
      ) : availability.isError ? (
        <ErrorAlert
          error={availability.error}
          onRetry={() => availability.refetch()}
          title="Could not load the availability"
        />
      ) : (
        <AvailabilityForm
          key={`${userId}:${availability.data.updatedAt ?? 'never'}`}
          availability={availability.data}
          companyZone={companyZone}
        />
      )}
    </Card>
  );
}

export function AvailabilityPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const people = usePeople(roles);
  const userId = params.get('user');
  const selected = people.people.find((person) => person.id === userId) ?? null;

  return (
    <>
      <SectionHeader
        title="Availability and caps"
        description="When each salesperson and warrior can take new leads, and how many. Rules skip anyone off work, on leave or at a cap."
      />
      <div className={classes.picker}>
        <Select
          label="Person"
          placeholder={people.isPending ? 'Loading…' : 'Choose a salesperson or warrior'}
          data={roles.map((role) => ({
            group: role === 'SALESPERSON' ? 'Salespeople' : 'Warriors',
            items: people.people.filter((p) => p.role === role).map((p) => ({ value: p.id, label: p.name })),
          }))}
          value={selected?.id ?? null}
          onChange={(value) => setParams(value ? { user: value } : {}, { replace: true })}
          searchable
          nothingFoundMessage="Nobody by that name"
          disabled={people.isPending}
        />
        {selected && (
          <Group gap="xs" pb={6}>
            <RoleBadge role={selected.role} />
            {selected.managerName && (
              <Text size="sm" c="dimmed">
                Reports to {selected.managerName}
              </Text>
            )}
          </Group>
        )}
      </div>
      {people.error ? (
        <ErrorAlert error={people.error} onRetry={people.refetch} title="Could not load your team" />
      ) : !selected ? (
        <Card p={{ base: 'md', sm: 'lg' }}>
          <Center py={40}>
            <EmptyState
              icon={<IconCalendarTime size={26} />}
              title={!people.isPending && people.people.length === 0 ? 'Nobody to set up' : 'Choose a person'}
              description={
                !people.isPending && people.people.length === 0
                  ? 'You have no active salespeople or warriors in your team.'
                  : 'Pick a salesperson or warrior to see and change their working hours, caps and leave.'
              }
            />
          </Center>
        </Card>
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, xl: 7 }}>
            <AvailabilityCard key={selected.id} userId={selected.id} companyZone={me.company.timezone} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, xl: 5 }}>
            <LeavesCard key={selected.id} userId={selected.id} name={selected.name} />
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
