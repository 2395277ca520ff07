import {
  Alert,
  Button,
  Card,
  Center,
  Code,
  CopyButton,
  EmptyState,
  Flex,
  Group,
  Modal,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconAlertTriangle, IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import type { ApiKey, ApiKeyCreated } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useFormErrors } from '../../lib/forms';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useMe } from '../auth/session';
import classes from './ApiKeysPage.module.css';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, useSetApiKeyScopes } from './apiKeys.queries';

const fields = ['name'] as const;
const labels = { name: 'Name' };

function CreateKeyModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (key: ApiKeyCreated) => void;
}) {
  const [name, setName] = useState('');
  const errors = useFormErrors(fields, labels);
  const create = useCreateApiKey();

  const close = () => {
    setName('');
    errors.clear();
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!name.trim()) {
      errors.setFieldErrors({ name: 'Give the key a name, e.g. the system that will use it' });
      return;
    }
    create.mutate(
      { name: name.trim(), scopes: [] },
      {
        onSuccess: (key) => {
          setName('');
          onCreated(key);
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New API key</Text>}>
      <form onSubmit={submit} noValidate aria-label="New API key">
        <Stack gap="md">
          <TextInput
            label="Name"
            description="Say where the key will be used, so you know what breaks if you revoke it."
            placeholder="e.g. ERP sync"
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              errors.clearField('name');
            }}
            error={errors.fieldErrors.name}
            data-autofocus
          />
          <Text size="sm" c="dimmed">
            The key sees the leads it brought in. An admin can let it read every lead.
          </Text>
          {errors.formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errors.formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function NewKeyModal({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={<Text fw={650}>Copy your new API key</Text>}
      closeOnClickOutside={false}
      size="lg"
    >
      {created && (
        <Stack gap="md">
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="This key will not be shown again">
            Copy it now and store it somewhere safe, such as your integration's secret settings. If you lose it, revoke
            it and create a new one.
          </Alert>
          <div>
            <Text size="sm" fw={500} mb={6}>
              {created.name}
            </Text>
            <Flex gap="xs" direction={{ base: 'column', xs: 'row' }} align="stretch">
              <Code block className={classes.secret} data-testid="new-api-key">
                {created.key}
              </Code>
              <CopyButton value={created.key}>
                {({ copied, copy }) => (
                  <Button
                    onClick={copy}
                    color={copied ? 'teal' : 'brand'}
                    leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    className={classes.copy}
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Flex>
          </div>
          <Text size="sm" c="dimmed">
            Send it as <Code>Authorization: Bearer {'<key>'}</Code> with each request.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              I have copied it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const [opened, modal] = useDisclosure(false);
  const revoke = useRevokeApiKey();
  return (
    <>
      <Button
        variant="default"
        color="red"
        size="xs"
        onClick={modal.open}
        aria-label={`Revoke ${apiKey.name}`}
        style={{ flexShrink: 0 }}
      >
        Revoke
      </Button>
      <ConfirmModal
        opened={opened}
        onClose={modal.close}
        title={`Revoke “${apiKey.name}”?`}
        confirmLabel="Revoke key"
        loading={revoke.isPending}
        onConfirm={() =>
          revoke.mutate(apiKey.id, {
            onSuccess: () => {
              modal.close();
              notifySuccess(`Requests using ${shortPrefix(apiKey.prefix)} will now be refused.`, 'API key revoked');
            },
            onError: (error) => {
              modal.close();
              notifyError(error, 'Could not revoke the key');
            },
          })
        }
      >
        <Text size="sm">Anything still using this key will stop working immediately. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}

/** Whether the key reads every lead: an admin switches it; its user only sees it. */
function ReadAllSwitch({ apiKey, canGrant }: { apiKey: ApiKey; canGrant: boolean }) {
  const setScopes = useSetApiKeyScopes();
  const readAll = apiKey.scopes.includes('leads:read-all');
  if (!canGrant) return readAll ? <Text size="xs">Reads every lead</Text> : null;
  return (
    <Switch
      size="xs"
      label="Reads every lead"
      checked={readAll}
      disabled={setScopes.isPending}
      onChange={(event) =>
        setScopes.mutate(
          { id: apiKey.id, scopes: event.currentTarget.checked ? ['leads:read-all'] : [] },
          { onError: (error) => notifyError(error, 'Could not change what the key reads') },
        )
      }
    />
  );
}

function ApiKeyCards({ keys, canGrant }: { keys: ApiKey[]; canGrant: boolean }) {
  return (
    <div>
      {keys.map((apiKey) => (
        <div key={apiKey.id} className={classes.card}>
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
            <Stack gap={4} miw={0} style={{ flex: 1 }}>
              <Text size="sm" fw={600}>
                {apiKey.name}
              </Text>
              <Code w="fit-content">{shortPrefix(apiKey.prefix)}</Code>
              <Text size="xs" c="dimmed">
                Acts as {apiKey.userName}
              </Text>
              <Text size="xs" c="dimmed">
                Created {formatDateTime(apiKey.createdAt)} · Last used{' '}
                {apiKey.lastUsedAt ? formatRelative(apiKey.lastUsedAt) : 'never'}
              </Text>
              <ReadAllSwitch apiKey={apiKey} canGrant={canGrant} />
            </Stack>
            <RevokeButton apiKey={apiKey} />
          </Group>
        </div>
      ))}
    </div>
  );
}

/** The part of the prefix that tells keys apart: the characters just before the secret. */
function shortPrefix(prefix: string): string {
  return `ipk_…${prefix.slice(-8)}`;
}

export function ApiKeysPage() {
  const me = useMe();
  // Keys belong to integration and dev users; an admin sees and revokes every key of the company.
  const holdsKeys = me.user.role === 'INTEGRATION' || me.user.role === 'DEV';
  const oversees = me.user.role === 'ADMIN';
  const keys = useApiKeys();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [creating, createModal] = useDisclosure(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const list = keys.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          oversees
            ? 'Every API key of your company, with the integration or dev user it acts as. Revoke one here if it leaks.'
            : 'Keys let integrations and scripts call the iPerform API as you.'
        }
        actions={
          holdsKeys ? (
            <Button leftSection={<IconPlus size={18} />} onClick={createModal.open}>
              New API key
            </Button>
          ) : null
        }
      />
      <Card p={0}>
        {keys.isPending ? (
          <Stack p="md" gap="sm">
            <Skeleton h={36} />
            <Skeleton h={36} />
          </Stack>
        ) : keys.isError ? (
          <Stack p="md">
            <ErrorAlert error={keys.error} onRetry={() => keys.refetch()} title="Could not load your API keys" />
          </Stack>
        ) : list.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconKey size={26} />}
              title="No API keys yet"
              description={
                holdsKeys
                  ? 'Create one for each system that talks to iPerform, so each can be revoked on its own.'
                  : 'Integration and dev users create keys; they will be listed here.'
              }
            />
          </Center>
        ) : compact ? (
          <ApiKeyCards keys={list} canGrant={oversees} />
        ) : (
          <Table.ScrollContainer minWidth={640} type="native">
            <Table className={classes.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  {oversees ? <Table.Th>Acts as</Table.Th> : null}
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((apiKey) => (
                  <Table.Tr key={apiKey.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {apiKey.name}
                      </Text>
                    </Table.Td>
                    {oversees ? (
                      <Table.Td>
                        <Text size="sm">{apiKey.userName}</Text>
                      </Table.Td>
                    ) : null}
                    <Table.Td>
                      <Code>{shortPrefix(apiKey.prefix)}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(apiKey.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={apiKey.lastUsedAt ? undefined : 'dimmed'}>
                        {apiKey.lastUsedAt ? formatRelative(apiKey.lastUsedAt) : 'Never'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Group gap="md" justify="flex-end" wrap="nowrap">
                        <ReadAllSwitch apiKey={apiKey} canGrant={oversees} />
                        <RevokeButton apiKey={apiKey} />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <CreateKeyModal
        opened={creating}
        onClose={createModal.close}
        onCreated={(key) => {
          createModal.close();
          setCreated(key);
        }}
      />
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
    </>
  );
}
