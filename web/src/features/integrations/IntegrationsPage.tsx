import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDateTime, formatLongDay } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { useCan } from '../auth/session';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import { type Connection, useIntegrations, useSetPaused } from './integrations.queries';

const kindLabels: Record<Connection['kind'], string> = {
  web_form: 'Web form',
  email: 'Email (SMTP)',
  whatsapp: 'WhatsApp',
  webhook: 'Webhook endpoint',
  facebook_page: 'Facebook page',
  erp: 'ERP',
};

/** Where each kind is set up. */
function settingsPathOf(connection: Connection): string {
  switch (connection.kind) {
    case 'web_form':
      return `/settings/forms/${connection.id}`;
    case 'email':
      return '/settings/email-server';
    case 'whatsapp':
      return '/settings/whatsapp';
    case 'webhook':
      return '/settings/webhooks';
    case 'facebook_page':
      return '/settings/facebook';
    case 'erp':
      return `/settings/erp/${connection.id}`;
  }
}

const statusBadges: Record<Connection['status'], { color: string; label: string }> = {
  connected: { color: 'teal', label: 'Connected' },
  paused: { color: 'gray', label: 'Paused' },
  broken: { color: 'red', label: 'Broken' },
  not_configured: { color: 'yellow', label: 'Not set up' },
};

/** "leadsCreated" reads "leads created". */
const countLabel = (key: string) => key.replace(/([A-Z])/g, ' $1').toLowerCase();

function ConnectionCard({ connection, canManage }: { connection: Connection; canManage: boolean }) {
  const setPaused = useSetPaused();
  const badge = statusBadges[connection.status];
  const counts = Object.entries(connection.today);
  const paused = connection.status === 'paused';
  return (
    <Card withBorder p="md">
      <Stack gap="xs" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2} miw={0}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {kindLabels[connection.kind]}
            </Text>
            <Text fw={600} style={{ wordBreak: 'break-word' }}>
              {connection.name}
            </Text>
          </Stack>
          <Badge
            color={badge.color}
            variant="light"
            title={connection.statusReason ?? undefined}
            style={{ flexShrink: 0 }}
          >
            {badge.label}
          </Badge>
        </Group>
        {connection.statusReason && connection.status !== 'connected' && (
          <Text size="sm" c={connection.status === 'broken' ? 'red' : 'dimmed'}>
            {connection.statusReason}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          Last success {formatDateTime(connection.lastSuccessAt, 'never')}
        </Text>
        {connection.lastError && (
          <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>
            Last error {formatDateTime(connection.lastError.at, '')}: {connection.lastError.message}
          </Text>
        )}
        {counts.length > 0 && (
          <Group gap="md">
            {counts.map(([key, value]) => (
              <Text key={key} size="sm">
                <Text span fw={600}>
                  {value}
                </Text>{' '}
                {countLabel(key)} today
              </Text>
            ))}
          </Group>
        )}
        <Group gap="xs" mt="auto" pt={4}>
          {canManage && connection.pausable && (
            <Button
              size="xs"
              variant="default"
              leftSection={paused ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />}
              loading={setPaused.isPending}
              onClick={() =>
                setPaused.mutate(
                  { kind: connection.kind, id: connection.id, paused: !paused },
                  { onError: (error) => notifyError(error, paused ? 'Could not resume' : 'Could not pause') },
                )
              }
            >
              {paused ? 'Resume' : 'Pause'}
            </Button>
          )}
          <Anchor component={Link} to={settingsPathOf(connection)} size="sm">
            Settings
          </Anchor>
        </Group>
      </Stack>
    </Card>
  );
}

/** Settings › Integrations: every connection of the company at a glance, with pause and resume. */
export function IntegrationsPage() {
  const canManage = useCan('integrations:manage');
  const integrations = useIntegrations();
  return (
    <>
      <SectionHeader
        title="Integrations"
        description={
          integrations.data
            ? `Every connection of the company and how it is doing. Counts are for today, ${formatLongDay(integrations.data.today)} (${integrations.data.timezone}).`
            : 'Every connection of the company and how it is doing.'
        }
      />
      {integrations.isPending ? (
        <ListCard>
          <LoadingRows rows={3} height={90} />
        </ListCard>
      ) : integrations.isError ? (
        <ListCard>
          <LoadFailed
            error={integrations.error}
            onRetry={() => integrations.refetch()}
            title="Could not load the integrations"
          />
        </ListCard>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          {integrations.data.data.map((connection) => (
            <ConnectionCard key={`${connection.kind}:${connection.id}`} connection={connection} canManage={canManage} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
