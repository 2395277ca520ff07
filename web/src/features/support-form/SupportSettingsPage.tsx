import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCheck, IconCopy, IconPlugConnected, IconRefresh } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { useFormErrors } from '../../lib/forms';
import { notifyError, notifySuccess } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import { useCan } from '../auth/session';
import { LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import { TicketCategoriesCard } from '../tickets/TicketCategoriesCard';
import {
  type Mailbox,
  type PutMailboxBody,
  useMailbox,
  usePollMailbox,
  useSaveMailbox,
  useSaveSupportForm,
  useSupportForm,
  useTestMailbox,
} from './support.queries';

/** Settings › Support: the public support form and the support mailbox, each a card. */
export function SupportSettingsPage() {
  const canForms = useCan('forms:manage');
  const canMailbox = useCan('email:manage');
  return (
    <Stack gap="lg">
      <SectionHeader
        title="Support"
        description="How customers open tickets themselves: a form on your site or a link, and an email address read for you."
      />
      {canForms && <SupportFormCard />}
      {canMailbox && <MailboxCard />}
      {canForms && <TicketCategoriesCard />}
    </Stack>
  );
}

function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ maxHeight: 160, overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {value}
      </Code>
    </Stack>
  );
}

function SupportFormCard() {
  const form = useSupportForm();
  const save = useSaveSupportForm();
  const data = form.data;
  return (
    <Card withBorder data-testid="support-form-card">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={3}>Support form</Title>
        {data && (
          <Switch
            label={data.enabled ? 'On' : 'Off'}
            checked={data.enabled}
            disabled={save.isPending}
            onChange={(event) =>
              save.mutate(
                { enabled: event.currentTarget.checked },
                {
                  onSuccess: (next) =>
                    notifySuccess(next.enabled ? 'The support form is on' : 'The support form is off'),
                  onError: (error) => notifyError(error),
                },
              )
            }
          />
        )}
      </Group>
      {form.isPending ? (
        <LoadingRows rows={2} />
      ) : form.isError ? (
        <LoadFailed error={form.error} onRetry={() => form.refetch()} title="The support form could not be loaded" />
      ) : !data?.key ? (
        <Text size="sm" c="dimmed">
          Turn it on to get a page you can link to and a snippet for your site. Each request opens a ticket (priority
          normal) for the person who sent it, on their lead when one has their email.
        </Text>
      ) : (
        <Stack gap="sm">
          {!data.enabled && (
            <Alert color="gray">
              The form is off: its page and its snippet answer “not found” until you turn it on.
            </Alert>
          )}
          {data.pageUrl && (
            <Text size="sm">
              Hosted page:{' '}
              <Anchor href={data.pageUrl} target="_blank" rel="noreferrer" style={{ overflowWrap: 'anywhere' }}>
                {data.pageUrl}
              </Anchor>
            </Text>
          )}
          {data.embedHtml && <CopyField label="Snippet for your site" value={data.embedHtml} />}
        </Stack>
      )}
    </Card>
  );
}

const fields = ['host', 'port', 'security', 'username', 'password', 'folder', 'enabled'] as const;
const labels = {
  host: 'Server',
  port: 'Port',
  security: 'Security',
  username: 'User name',
  password: 'Password',
  folder: 'Folder',
  enabled: 'Read it',
};

function MailboxCard() {
  const mailbox = useMailbox();
  return (
    <Card withBorder data-testid="mailbox-card">
      <Title order={3} mb="sm">
        Support mailbox
      </Title>
      {mailbox.isPending ? (
        <LoadingRows rows={4} />
      ) : mailbox.isError ? (
        <LoadFailed error={mailbox.error} onRetry={() => mailbox.refetch()} title="The mailbox could not be loaded" />
      ) : (
        <MailboxForm key={mailbox.data.host ?? 'new'} mailbox={mailbox.data} />
      )}
    </Card>
  );
}

function MailboxForm({ mailbox }: { mailbox: Mailbox }) {
  const save = useSaveMailbox();
  const test = useTestMailbox();
  const poll = usePollMailbox();
  const errors = useFormErrors(fields, labels);
  const [host, setHost] = useState(mailbox.host ?? '');
  const [port, setPort] = useState<number | string>(mailbox.port ?? 993);
  const [security, setSecurity] = useState<PutMailboxBody['security']>(
    (mailbox.security as PutMailboxBody['security'] | null) ?? 'tls',
  );
  const [username, setUsername] = useState(mailbox.username ?? '');
  const [password, setPassword] = useState('');
  const [folder, setFolder] = useState(mailbox.folder ?? 'INBOX');
  const [enabled, setEnabled] = useState(mailbox.enabled || !mailbox.configured);
  const [tested, setTested] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    errors.clear();
    save.mutate(
      {
        host,
        port: Number(port),
        security,
        username,
        ...(password ? { password } : {}),
        folder,
        enabled,
      },
      {
        onSuccess: () => {
          setPassword('');
          notifySuccess('The support mailbox is saved');
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Stack gap="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {errors.formError && <Alert color="red">{errors.formError}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={labels.host}
              placeholder="imap.example.com"
              value={host}
              onChange={(e) => setHost(e.currentTarget.value)}
              error={errors.fieldErrors.host}
              required
            />
            <NumberInput
              label={labels.port}
              value={port}
              onChange={setPort}
              min={1}
              max={65535}
              error={errors.fieldErrors.port}
              required
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {labels.security}
            </Text>
            <SegmentedControl
              value={security}
              onChange={(value) => setSecurity(value as PutMailboxBody['security'])}
              data={[
                { value: 'tls', label: 'TLS' },
                { value: 'starttls', label: 'STARTTLS' },
                { value: 'none', label: 'None' },
              ]}
            />
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={labels.username}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={errors.fieldErrors.username}
              autoComplete="off"
              required
            />
            <PasswordInput
              label={labels.password}
              description={mailbox.passwordSet ? 'Stored; leave empty to keep it' : undefined}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.fieldErrors.password}
              autoComplete="new-password"
            />
          </SimpleGrid>
          <TextInput
            label={labels.folder}
            value={folder}
            onChange={(e) => setFolder(e.currentTarget.value)}
            error={errors.fieldErrors.folder}
          />
          <Switch
            label="Read this mailbox every two minutes"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <Group gap="sm" wrap="wrap">
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
            <Button
              variant="default"
              leftSection={<IconPlugConnected size={16} />}
              disabled={!mailbox.configured}
              loading={test.isPending}
              onClick={() => {
                setTested(null);
                test.mutate(undefined, {
                  onSuccess: (result) => setTested(`Connected: ${result.messages} messages in ${result.folder}`),
                  onError: (error) => setTested(`Failed: ${errorMessage(error)}`),
                });
              }}
            >
              Test connection
            </Button>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              disabled={!mailbox.configured || !mailbox.enabled}
              loading={poll.isPending}
              onClick={() =>
                poll.mutate(undefined, {
                  onSuccess: (r) =>
                    r.error
                      ? notifyError(new Error(r.error), 'The mailbox could not be read')
                      : notifySuccess(`${r.read} read: ${r.opened} new tickets, ${r.joined} replies`),
                  onError: (error) => notifyError(error),
                })
              }
            >
              Check now
            </Button>
          </Group>
          {tested && (
            <Alert color={tested.startsWith('Connected') ? 'green' : 'red'} data-testid="mailbox-test-result">
              {tested}
            </Alert>
          )}
        </Stack>
      </form>
      {mailbox.configured && (
        <Group gap="xs" wrap="wrap">
          <Badge color={mailbox.lastError ? 'red' : 'green'} variant="light">
            {mailbox.lastError ? 'Last read failed' : mailbox.lastPolledAt ? 'Reading' : 'Not read yet'}
          </Badge>
          {mailbox.lastPolledAt && (
            <Text size="xs" c="dimmed">
              Last read {formatDateTime(mailbox.lastPolledAt)}
            </Text>
          )}
          {mailbox.lastError && (
            <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
              {mailbox.lastError}
            </Text>
          )}
        </Group>
      )}
      {mailbox.keptAside.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Kept aside ({mailbox.keptAside.length})
          </Text>
          <Text size="xs" c="dimmed">
            Messages that could not become tickets; they stay in the mailbox.
          </Text>
          <Table.ScrollContainer minWidth={340}>
            <Table striped fz="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>UID</Table.Th>
                  <Table.Th>From / subject</Table.Th>
                  <Table.Th>Why</Table.Th>
                  <Table.Th>Size</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {mailbox.keptAside.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>{r.uid}</Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      {r.from ?? '—'}
                      <br />
                      {r.subject ?? ''}
                    </Table.Td>
                    <Table.Td>{r.reason}</Table.Td>
                    <Table.Td>{Math.max(1, Math.round(r.rawSize / 1024))} KB</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Stack>
  );
}
