import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Input,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCheck, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { formatDateTime } from '../../../lib/format';
import { useFormErrors } from '../../../lib/forms';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useDeleteEmailSettings, useEmailSettings, useSaveEmailSettings } from '../../messaging/email.queries';
import type { EmailSettings, PutEmailSettingsBody } from '../../messaging/messaging.types';
import { LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import { TestEmailCard } from './TestEmailCard';

type Security = PutEmailSettingsBody['security'];

const fields = [
  'host',
  'port',
  'security',
  'username',
  'password',
  'fromName',
  'fromAddress',
  'replyTo',
  'trackOpens',
  'trackClicks',
] as const;
const labels = {
  host: 'Server',
  port: 'Port',
  security: 'Security',
  username: 'User name',
  password: 'Password',
  fromName: 'From name',
  fromAddress: 'From address',
  replyTo: 'Reply-to',
  trackOpens: 'Opens',
  trackClicks: 'Clicks',
};

/** Known services, so an admin does not have to look up host, port and TLS mode. */
const presets: { label: string; host: string; port: number; security: Security; hint: string }[] = [
  {
    label: 'Amazon SES',
    host: 'email-smtp.us-east-1.amazonaws.com',
    port: 587,
    security: 'starttls',
    hint: 'Use your region’s endpoint and the SMTP credentials made in the SES console (not your AWS keys).',
  },
  {
    label: 'Office 365',
    host: 'smtp.office365.com',
    port: 587,
    security: 'starttls',
    hint: 'The mailbox must have “Authenticated SMTP” turned on in the Microsoft 365 admin centre.',
  },
  {
    label: 'Google Workspace',
    host: 'smtp.gmail.com',
    port: 465,
    security: 'tls',
    hint: 'Sign in with an app password of the sending account.',
  },
];

const defaultPorts: Record<Security, number> = { tls: 465, starttls: 587, none: 25 };

interface Draft {
  host: string;
  port: number | string;
  security: Security;
  username: string;
  password: string;
  removePassword: boolean;
  fromName: string;
  fromAddress: string;
  replyTo: string;
  trackOpens: boolean;
  trackClicks: boolean;
}

function draftOf(settings: EmailSettings): Draft {
  return {
    host: settings.host ?? '',
    port: settings.port ?? 587,
    security: settings.security ?? 'starttls',
    username: settings.username ?? '',
    password: '',
    removePassword: false,
    fromName: settings.fromName ?? '',
    fromAddress: settings.fromAddress ?? '',
    replyTo: settings.replyTo ?? '',
    trackOpens: settings.trackOpens,
    trackClicks: settings.trackClicks,
  };
}

function bodyOf(draft: Draft): PutEmailSettingsBody {
  return {
    host: draft.host.trim(),
    port: typeof draft.port === 'number' ? draft.port : Number(draft.port),
    security: draft.security,
    username: draft.username.trim() || null,
    // Left out, the saved password stays; null removes it.
    ...(draft.password ? { password: draft.password } : draft.removePassword ? { password: null } : {}),
    fromName: draft.fromName.trim(),
    fromAddress: draft.fromAddress.trim(),
    replyTo: draft.replyTo.trim() || null,
    trackOpens: draft.trackOpens,
    trackClicks: draft.trackClicks,
  };
}

/** The company's outgoing mail server: where every email to a lead (and every reminder email) goes out. */
export function EmailServerPage() {
  const settings = useEmailSettings();
  return (
    <>
      <SectionHeader
        title="Email server"
        description="The SMTP server your company sends through: Amazon SES, Office 365, Google Workspace or any relay. Emails to leads and reminder emails go out this way."
      />
      {settings.isPending ? (
        <Card p={0}>
          <LoadingRows rows={6} />
        </Card>
      ) : settings.isError ? (
        <Card p={0}>
          <LoadFailed error={settings.error} onRetry={() => settings.refetch()} title="Could not load the settings" />
        </Card>
      ) : (
        <Stack gap="lg">
          <ServerForm key={settings.data.updatedAt ?? 'new'} settings={settings.data} />
          {settings.data.configured && <TestEmailCard />}
        </Stack>
      )}
    </>
  );
}

function ServerForm({ settings }: { settings: EmailSettings }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [hint, setHint] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const errors = useFormErrors(fields, labels);
  const save = useSaveEmailSettings();
  const remove = useDeleteEmailSettings();

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    if ((fields as readonly string[]).includes(key)) errors.clearField(key as (typeof fields)[number]);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const missing: Partial<Record<(typeof fields)[number], string>> = {};
    if (!draft.host.trim()) missing.host = 'Enter the server’s host name';
    if (!draft.fromName.trim()) missing.fromName = 'Enter the name emails come from';
    if (!draft.fromAddress.trim()) missing.fromAddress = 'Enter the address emails come from';
    if (Object.keys(missing).length > 0) return errors.setFieldErrors(missing);
    save.mutate(bodyOf(draft), {
      onSuccess: () => notifySuccess('Send a test email to check it works.', 'Email server saved'),
      onError: errors.fromError,
    });
  };

  return (
    <Card component="form" onSubmit={submit} aria-label="Email server" noValidate>
      <Stack gap="md">
        <Group justify="space-between" gap="sm" wrap="wrap">
          {settings.configured ? (
            <Group gap="xs">
              <Badge color="teal" leftSection={<IconCheck size={12} />}>
                Set up
              </Badge>
              <Text size="xs" c="dimmed">
                {settings.updatedBy ? `by ${settings.updatedBy.name}, ` : ''}
                {formatDateTime(settings.updatedAt)}
              </Text>
            </Group>
          ) : (
            <Group gap="xs">
              <Badge color="gray">Not set up</Badge>
              <Text size="xs" c="dimmed">
                Emails to leads cannot be sent yet.
              </Text>
            </Group>
          )}
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              Fill in for
            </Text>
            {presets.map((preset) => (
              <Button
                key={preset.label}
                size="compact-xs"
                variant="default"
                onClick={() => {
                  setDraft((current) => ({
                    ...current,
                    host: preset.host,
                    port: preset.port,
                    security: preset.security,
                  }));
                  setHint(preset.hint);
                }}
              >
                {preset.label}
              </Button>
            ))}
          </Group>
        </Group>
        {hint && (
          <Alert color="blue" withCloseButton onClose={() => setHint(null)} p="xs">
            <Text size="sm">{hint}</Text>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label="Server"
            placeholder="smtp.example.com"
            value={draft.host}
            onChange={(event) => set('host', event.currentTarget.value)}
            error={errors.fieldErrors.host}
            style={{ gridColumn: 'span 1' }}
          />
          <NumberInput
            label="Port"
            min={1}
            max={65535}
            value={draft.port}
            onChange={(value) => set('port', value)}
            error={errors.fieldErrors.port}
            allowDecimal={false}
          />
          <Input.Wrapper label="Security">
            <SegmentedControl
              aria-label="Security"
              value={draft.security}
              onChange={(value) => {
                const security = value as Security;
                setDraft((current) => ({
                  ...current,
                  security,
                  // The well-known port follows the mode, unless someone typed their own.
                  port: Object.values(defaultPorts).includes(Number(current.port))
                    ? defaultPorts[security]
                    : current.port,
                }));
              }}
              data={[
                { value: 'starttls', label: 'STARTTLS' },
                { value: 'tls', label: 'TLS' },
                { value: 'none', label: 'None' },
              ]}
              fullWidth
            />
          </Input.Wrapper>
        </SimpleGrid>
        {draft.security === 'none' && (
          <Text size="xs" c="orange.8">
            Without encryption the password and every email cross the network readable: only for a relay inside your own
            network.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="User name"
            placeholder="Often the sending address"
            value={draft.username}
            onChange={(event) => set('username', event.currentTarget.value)}
            error={errors.fieldErrors.username}
            autoComplete="off"
          />
          <Stack gap={4}>
            <PasswordInput
              label="Password"
              placeholder={settings.passwordSet ? 'Saved; type to replace it' : ''}
              value={draft.password}
              onChange={(event) => set('password', event.currentTarget.value)}
              error={errors.fieldErrors.password}
              autoComplete="new-password"
              disabled={draft.removePassword}
            />
            {settings.passwordSet && (
              <Checkbox
                size="xs"
                label="Remove the saved password"
                checked={draft.removePassword}
                onChange={(event) => set('removePassword', event.currentTarget.checked)}
              />
            )}
          </Stack>
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label="From name"
            placeholder="Acme Sales"
            value={draft.fromName}
            onChange={(event) => set('fromName', event.currentTarget.value)}
            error={errors.fieldErrors.fromName}
          />
          <TextInput
            label="From address"
            placeholder="sales@example.com"
            type="email"
            value={draft.fromAddress}
            onChange={(event) => set('fromAddress', event.currentTarget.value)}
            error={errors.fieldErrors.fromAddress}
          />
          <TextInput
            label="Reply-to"
            placeholder="Optional: else the sender"
            type="email"
            value={draft.replyTo}
            onChange={(event) => set('replyTo', event.currentTarget.value)}
            error={errors.fieldErrors.replyTo}
          />
        </SimpleGrid>
        <Stack gap={6}>
          <Switch
            label="Track opens (a tiny image in each email)"
            checked={draft.trackOpens}
            onChange={(event) => set('trackOpens', event.currentTarget.checked)}
          />
          <Switch
            label="Track clicks (links go through iPerform first)"
            checked={draft.trackClicks}
            onChange={(event) => set('trackClicks', event.currentTarget.checked)}
          />
        </Stack>
        {errors.formError && (
          <Alert color="red" role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="space-between" gap="sm">
          {settings.configured ? (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} />}
              onClick={() => setRemoving(true)}
            >
              Remove
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
      <ConfirmModal
        opened={removing}
        title="Remove the email server"
        confirmLabel="Remove"
        loading={remove.isPending}
        onClose={() => setRemoving(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              setRemoving(false);
              notifySuccess('Emails to leads cannot be sent until a server is set up again.', 'Email server removed');
            },
            onError: (error) => notifyError(error, 'Not removed'),
          })
        }
      >
        <Text size="sm">
          Sending stops until a server is set up again; emails already sent keep their history and tracking.
        </Text>
      </ConfirmModal>
    </Card>
  );
}
