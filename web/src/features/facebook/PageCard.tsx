import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  CopyButton,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { type FacebookPage, useDeletePage, useUpdatePage } from './facebook.queries';

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <TextInput
      label={label}
      value={value}
      readOnly
      rightSection={
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'}>
              <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy ${label}`}>
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}

/** One connected Page: its health, what to paste into Meta, a new token, disconnecting. */
export function PageCard({
  page,
  canManage,
  selected,
  onSelect,
}: {
  page: FacebookPage;
  canManage: boolean;
  selected: boolean;
  onSelect: () => void;
}) {
  const [token, setToken] = useState('');
  const [removing, setRemoving] = useState(false);
  const update = useUpdatePage();
  const remove = useDeletePage();

  const saveToken = () =>
    update.mutate(
      { id: page.id, body: { accessToken: token.trim() } },
      {
        onSuccess: (saved) => {
          setToken('');
          notifySuccess(
            saved.pendingEvents > 0 ? `${saved.pendingEvents} waiting leads are being fetched.` : 'The token is saved.',
            'Token replaced',
          );
        },
        onError: (error) => notifyError(error, 'Token not saved'),
      },
    );

  return (
    <Card withBorder={selected} aria-label={`Facebook Page ${page.pageName}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Text fw={600}>{page.pageName}</Text>
            <Text size="xs" c="dimmed">
              Page {page.pageId}
            </Text>
            <Badge color={page.status === 'connected' ? 'green' : 'red'}>{page.status}</Badge>
            {page.pendingEvents > 0 && <Badge color="yellow">{page.pendingEvents} waiting</Badge>}
          </Group>
          <Group gap="xs">
            <Text size="xs" c="dimmed">
              last lead {formatDateTime(page.lastSuccessAt)}
            </Text>
            <Button size="xs" variant={selected ? 'filled' : 'light'} onClick={onSelect}>
              Event log
            </Button>
          </Group>
        </Group>
        {page.status === 'broken' && (
          <Alert color="red" title="The access token was refused" role="alert">
            <Text size="sm">
              {page.lastError} ({formatDateTime(page.lastErrorAt)}). Leads keep arriving and wait; save a new token to
              fetch them.
            </Text>
          </Alert>
        )}
        {canManage && page.verifyToken && (
          <Card withBorder radius="md" p="sm" bg="var(--mantine-color-gray-0)">
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                In the Meta app: Webhooks → Page → subscribe to the leadgen field
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Copyable label="Callback URL" value={page.webhookUrl} />
                <Copyable label="Verify token" value={page.verifyToken} />
              </SimpleGrid>
            </Stack>
          </Card>
        )}
        {canManage && (
          <Group align="flex-end" gap="sm" wrap="wrap">
            <PasswordInput
              label="New page access token"
              placeholder="Saved; paste to replace it"
              value={token}
              onChange={(event) => setToken(event.currentTarget.value)}
              autoComplete="off"
              style={{ flex: '1 1 260px' }}
            />
            <Button variant="light" onClick={saveToken} disabled={token.trim().length < 8} loading={update.isPending}>
              Save token
            </Button>
            <Tooltip label="Make a new verify token (enter it in Meta again)">
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label="Make a new verify token"
                onClick={() =>
                  update.mutate(
                    { id: page.id, body: { newVerifyToken: true } },
                    { onError: (error) => notifyError(error, 'Not changed') },
                  )
                }
              >
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} />}
              onClick={() => setRemoving(true)}
            >
              Disconnect
            </Button>
          </Group>
        )}
      </Stack>
      <ConfirmModal
        opened={removing}
        title={`Disconnect ${page.pageName}`}
        confirmLabel="Disconnect"
        loading={remove.isPending}
        onClose={() => setRemoving(false)}
        onConfirm={() =>
          remove.mutate(page.id, {
            onSuccess: () => {
              setRemoving(false);
              notifySuccess('Its leads stay.', 'Page disconnected');
            },
            onError: (error) => notifyError(error, 'Not disconnected'),
          })
        }
      >
        <Text size="sm">
          New leads from this Page are no longer received. The leads it brought stay; its event log is removed.
        </Text>
      </ConfirmModal>
    </Card>
  );
}
