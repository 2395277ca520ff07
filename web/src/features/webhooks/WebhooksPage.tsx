import { Anchor, Badge, Button, Card, Code, Group, Menu, Stack, Switch, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconDots, IconKey, IconList, IconPlus, IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import { DeliveryLogDrawer } from './DeliveryLog';
import { CreateEndpointModal, SecretModal } from './EndpointForm';
import {
  useDeleteEndpoint,
  useRotateSecret,
  useSendTest,
  useUpdateEndpoint,
  useWebhookEndpoints,
  type WebhookEndpoint,
} from './webhooks.queries';

type Shown = { url: string; secret: string; rotated: boolean };

function StatusBadge({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled) {
    return (
      <Badge color="gray" variant="light" title={endpoint.disabledReason ?? undefined}>
        {endpoint.disabledReason ? 'Disabled by iPerform' : 'Paused'}
      </Badge>
    );
  }
  if (endpoint.failingSince) {
    return (
      <Badge color="red" variant="light">
        Failing since {formatRelative(endpoint.failingSince)}
      </Badge>
    );
  }
  return (
    <Badge color="teal" variant="light">
      Active
    </Badge>
  );
}

function EndpointCard({
  endpoint,
  canManage,
  onLog,
  onSecret,
}: {
  endpoint: WebhookEndpoint;
  canManage: boolean;
  onLog: () => void;
  onSecret: (shown: Shown) => void;
}) {
  const test = useSendTest();
  const update = useUpdateEndpoint();
  const rotate = useRotateSecret();
  const remove = useDeleteEndpoint();
  const [confirmDelete, deleteModal] = useDisclosure(false);
  const [confirmRotate, rotateModal] = useDisclosure(false);
  return (
    <Card withBorder p="md">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2} miw={0}>
            <Text fw={600} style={{ wordBreak: 'break-all' }}>
              {endpoint.url}
            </Text>
            {endpoint.description && (
              <Text size="sm" c="dimmed">
                {endpoint.description}
              </Text>
            )}
          </Stack>
          <StatusBadge endpoint={endpoint} />
        </Group>
        <Group gap={6}>
          {endpoint.eventTypes.map((type) => (
            <Code key={type}>{type}</Code>
          ))}
        </Group>
        {(endpoint.filter.stage || endpoint.filter.source || endpoint.filter.ownerId) && (
          <Text size="sm">
            Only leads with{' '}
            {Object.entries(endpoint.filter)
              .map(([k, v]) => `${k} = ${v}`)
              .join(', ')}
          </Text>
        )}
        {endpoint.disabledReason && (
          <Text size="sm" c="red">
            Disabled because {endpoint.disabledReason}. Fix the receiver, turn it back on and replay what failed.
          </Text>
        )}
        <Text size="xs" c="dimmed">
          Last success {formatDateTime(endpoint.lastSuccessAt, 'never')} · last failure{' '}
          {formatDateTime(endpoint.lastFailureAt, 'never')}
        </Text>
        <Group gap="xs" mt={4}>
          {canManage && (
            <Button
              size="xs"
              leftSection={<IconSend size={14} />}
              loading={test.isPending}
              disabled={!endpoint.enabled}
              onClick={() =>
                test.mutate(endpoint.id, {
                  onSuccess: () => {
                    notifySuccess('A webhook.test message is on its way; see the delivery log.', 'Test sent');
                    onLog();
                  },
                  onError: (error) => notifyError(error, 'Could not send a test'),
                })
              }
            >
              Send test
            </Button>
          )}
          <Button size="xs" variant="default" leftSection={<IconList size={14} />} onClick={onLog}>
            Delivery log
          </Button>
          {canManage && (
            <>
              <Switch
                ml="sm"
                label="Enabled"
                checked={endpoint.enabled}
                disabled={update.isPending}
                onChange={(e) =>
                  update.mutate(
                    { id: endpoint.id, body: { enabled: e.currentTarget.checked } },
                    { onError: (error) => notifyError(error, 'Could not change the endpoint') },
                  )
                }
              />
              <Menu position="bottom-end">
                <Menu.Target>
                  <Button size="xs" variant="subtle" aria-label={`More actions for ${endpoint.url}`}>
                    <IconDots size={16} />
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconKey size={14} />} onClick={rotateModal.open}>
                    Rotate secret
                  </Menu.Item>
                  <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={deleteModal.open}>
                    Delete
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </>
          )}
        </Group>
      </Stack>
      <ConfirmModal
        opened={confirmRotate}
        onClose={rotateModal.close}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        color="brand"
        loading={rotate.isPending}
        onConfirm={() =>
          rotate.mutate(endpoint.id, {
            onSuccess: (result) => {
              rotateModal.close();
              onSecret({ url: result.url, secret: result.secret, rotated: true });
            },
            onError: (error) => {
              rotateModal.close();
              notifyError(error, 'Could not rotate the secret');
            },
          })
        }
      >
        <Text size="sm">
          A new secret is made. The current one keeps signing beside it for 24 hours, so the receiver can switch over
          without missing a message.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={confirmDelete}
        onClose={deleteModal.close}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(endpoint.id, {
            onSuccess: () => {
              deleteModal.close();
              notifySuccess('No more messages will be sent to it.', 'Endpoint deleted');
            },
            onError: (error) => {
              deleteModal.close();
              notifyError(error, 'Could not delete the endpoint');
            },
          })
        }
      >
        <Text size="sm">Its delivery log goes with it. Messages waiting to be sent to it are dropped.</Text>
      </ConfirmModal>
    </Card>
  );
}

/** Settings › Webhooks: the company's endpoints, adding one (its secret shown once), tests and the delivery log. */
export function WebhooksPage() {
  const canManage = useCan('webhooks:manage');
  const endpoints = useWebhookEndpoints();
  const [creating, createModal] = useDisclosure(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const logEndpoint = endpoints.data?.data.find((e) => e.id === logOf) ?? null;
  return (
    <>
      <SectionHeader
        title="Webhooks"
        description={
          <>
            iPerform POSTs a signed message to your systems when leads and follow-ups change (Standard Webhooks).{' '}
            <Anchor href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer" size="sm">
              How to verify them
            </Anchor>
          </>
        }
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              Add endpoint
            </Button>
          )
        }
      />
      {endpoints.isPending ? (
        <ListCard>
          <LoadingRows rows={3} height={90} />
        </ListCard>
      ) : endpoints.isError ? (
        <ListCard>
          <LoadFailed
            error={endpoints.error}
            onRetry={() => endpoints.refetch()}
            title="Could not load the endpoints"
          />
        </ListCard>
      ) : endpoints.data.data.length === 0 ? (
        <Card withBorder p="lg">
          <Text size="sm">No endpoints yet. Add one to send lead and follow-up events to another system.</Text>
        </Card>
      ) : (
        <Stack gap="sm">
          {endpoints.data.data.map((endpoint) => (
            <EndpointCard
              key={endpoint.id}
              endpoint={endpoint}
              canManage={canManage}
              onLog={() => setLogOf(endpoint.id)}
              onSecret={setShown}
            />
          ))}
        </Stack>
      )}
      <CreateEndpointModal
        opened={creating}
        onClose={createModal.close}
        onCreated={(endpoint) => {
          createModal.close();
          setShown({ url: endpoint.url, secret: endpoint.secret, rotated: false });
        }}
      />
      <SecretModal shown={shown} onClose={() => setShown(null)} />
      <DeliveryLogDrawer
        endpoint={logEndpoint}
        canManage={canManage}
        onClose={() => {
          setLogOf(null);
          // Its last success or failure may have moved while the log was open.
          void endpoints.refetch();
        }}
      />
    </>
  );
}
