import { Anchor, Card, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { RoleBadge } from '../../components/Badges';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, userTimeZone } from '../../lib/format';
import { useCan, useMe } from '../auth/session';
import { UserAvatar } from '../users/UserAvatar';
import { ChangePasswordCard } from './ChangePasswordCard';
import { ReminderPreferencesCard } from './ReminderPreferencesCard';
import { SessionsCard } from './SessionsCard';
import { SignatureCard } from './SignatureCard';
import { TimeZoneCard } from './TimeZoneCard';

function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text size="sm" component="div" mt={2} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function ProfilePage() {
  const { user, company } = useMe();
  const canSeeUsers = useCan('users:read');
  const hasFollowUps = useCan('activities:read');
  const sendsEmail = useCan('email:send');

  return (
    <>
      <PageHeader
        title="My profile"
        description="Your account, your password, your reminders and where you are signed in."
      />
      <Stack gap="lg">
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Card h="100%">
              <Group gap="md" wrap="nowrap" mb="lg">
                <UserAvatar name={user.name} role={user.role} size={56} />
                <Stack gap={4} miw={0}>
                  <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                    {user.name}
                  </Title>
                  <Group gap="xs">
                    <RoleBadge role={user.role} />
                  </Group>
                </Stack>
              </Group>
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
                <Info label="Email">{user.email}</Info>
                <Info label="Reports to">
                  {user.managerId && user.managerName && canSeeUsers ? (
                    <Anchor component={Link} to={`/users/${user.managerId}`} size="sm">
                      {user.managerName}
                    </Anchor>
                  ) : (
                    (user.managerName ?? 'Nobody')
                  )}
                </Info>
                <Info label="Company">{company.name}</Info>
                <Info label="Time zone">{userTimeZone()}</Info>
                <Info label="Member since">{formatDate(user.createdAt)}</Info>
              </SimpleGrid>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <ChangePasswordCard />
          </Grid.Col>
          <Grid.Col span={12}>
            <TimeZoneCard />
          </Grid.Col>
        </Grid>
        {(hasFollowUps || sendsEmail) && (
          <Grid gap="lg">
            {hasFollowUps && (
              <Grid.Col span={{ base: 12, md: sendsEmail ? 5 : 12 }}>
                <ReminderPreferencesCard />
              </Grid.Col>
            )}
            {sendsEmail && (
              <Grid.Col span={{ base: 12, md: hasFollowUps ? 7 : 12 }}>
                <SignatureCard />
              </Grid.Col>
            )}
          </Grid>
        )}
        <SessionsCard />
      </Stack>
    </>
  );
}
