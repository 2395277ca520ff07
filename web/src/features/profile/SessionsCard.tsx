import { Badge, Button, Card, Group, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconDeviceDesktop, IconDeviceMobile } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Session } from '../../lib/api';
import { describeUserAgent, formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useRevokeSession, useSessions } from './profile.queries';
import classes from './SessionsCard.module.css';

const isMobile = (userAgent: string | null) => Boolean(userAgent && /Mobile|Android|iPhone|iPad/.test(userAgent));

function bySession(a: Session, b: Session): number {
  if (a.current !== b.current) return a.current ? -1 : 1;
  return b.lastUsedAt.localeCompare(a.lastUsedAt);
}

function SessionRow({ session }: { session: Session }) {
  const revoke = useRevokeSession();
  const Icon = isMobile(session.userAgent) ? IconDeviceMobile : IconDeviceDesktop;
  const device = describeUserAgent(session.userAgent);

  return (
    <div className={classes.row} data-testid="session-row" data-current={session.current || undefined}>
      <Group gap="md" wrap="nowrap" align="flex-start" style={{ flex: 1, minWidth: 0 }}>
        <ThemeIcon variant="light" color={session.current ? 'brand' : 'gray'} size={40} radius="md">
          <Icon size={22} stroke={1.6} />
        </ThemeIcon>
        <Stack gap={2} miw={0}>
          <Group gap="xs">
            <Text fw={600} size="sm">
              {device}
            </Text>
            {session.current && (
              <Badge color="teal" size="sm">
                This device
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {session.ip ?? 'Unknown address'} · Last active {formatRelative(session.lastUsedAt)}
          </Text>
          <Text size="xs" c="dimmed">
            Signed in {formatDateTime(session.createdAt)} · Expires {formatDateTime(session.expiresAt)}
          </Text>
        </Stack>
      </Group>
      {!session.current && (
        <Button
          variant="default"
          color="red"
          size="xs"
          loading={revoke.isPending}
          aria-label={`Revoke ${device} session`}
          onClick={() =>
            revoke.mutate(session.id, {
              onSuccess: () => notifySuccess(`${device} has been signed out.`, 'Session revoked'),
              onError: (error) => notifyError(error, 'Could not revoke the session'),
            })
          }
        >
          Revoke
        </Button>
      )}
    </div>
  );
}

export function SessionsCard() {
  const sessions = useSessions();
  const list = sessions.data ? [...sessions.data.data].sort(bySession) : [];

  return (
    <Card>
      <Title order={3}>Signed-in devices</Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        Where your account is signed in. Revoke anything you do not recognise.
      </Text>
      {sessions.isPending ? (
        <Stack gap="sm">
          <Skeleton h={56} />
          <Skeleton h={56} />
        </Stack>
      ) : sessions.isError ? (
        <ErrorAlert error={sessions.error} onRetry={() => sessions.refetch()} title="Could not load your sessions" />
      ) : (
        <div className={classes.list}>
          {list.map((session) => (
            <SessionRow key={session.id} session={session} />
          ))}
        </div>
      )}
    </Card>
  );
}
