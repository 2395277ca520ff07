import { Anchor, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBuilding, IconUser, IconUserStar } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { RoleBadge } from '../../components/Badges';
import { useCan, useMe } from '../auth/session';
import classes from './dashboard.module.css';
import { PipelineCard } from './PipelineCard';

function Fact({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <ThemeIcon variant="light" size={38} radius="md">
        {icon}
      </ThemeIcon>
      <div style={{ minWidth: 0 }}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
          {label}
        </Text>
        <div>{children}</div>
      </div>
    </Group>
  );
}

/** The home of a role without reports (a guest): who one is, and the pipeline at a glance. */
export function WelcomeHome() {
  const { user, company } = useMe();
  const canSeeUsers = useCan('users:read');
  const canSeeLeads = useCan('leads:read');

  const firstName = user.name.split(/\s+/)[0] ?? user.name;
  const hour = new Date().getHours();

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>
          {hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening'}, {firstName}
        </Title>
        <Text c="dimmed" size="sm" mt={4}>
          Here is where your day in iPerform starts.
        </Text>
      </div>
      <Card className={classes.welcome} data-testid="welcome-card">
        <Stack gap="lg">
          <div>
            <Title order={2}>Welcome to iPerform</Title>
            <Text c="dimmed" size="sm" mt={4}>
              Your leads are below; follow-ups and reports will appear here as your company turns them on.
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
            <Fact icon={<IconUserStar size={20} />} label="Your role">
              <RoleBadge role={user.role} />
            </Fact>
            <Fact icon={<IconUser size={20} />} label="Manager">
              {user.managerId && user.managerName && canSeeUsers ? (
                <Anchor component={Link} to={`/users/${user.managerId}`} fw={600} size="sm">
                  {user.managerName}
                </Anchor>
              ) : (
                <Text fw={600} size="sm">
                  {user.managerName ?? 'No manager'}
                </Text>
              )}
            </Fact>
            <Fact icon={<IconBuilding size={20} />} label="Company">
              <Text fw={600} size="sm" truncate>
                {company.name}
              </Text>
              <Text size="xs" c="dimmed">
                {company.timezone} · {company.currency}
              </Text>
            </Fact>
          </SimpleGrid>
        </Stack>
      </Card>
      {canSeeLeads && <PipelineCard />}
    </Stack>
  );
}
