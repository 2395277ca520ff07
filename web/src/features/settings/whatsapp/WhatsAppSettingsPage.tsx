import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  CopyButton,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy, IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { formatDateTime } from '../../../lib/format';
import { useFormErrors } from '../../../lib/forms';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { errorMessage } from '../../../lib/problem';
import type { PutWhatsAppSettingsBody, WhatsAppCheck, WhatsAppSettings } from '../../messaging/messaging.types';
import {
  useCheckWhatsApp,
  useDisconnectWhatsApp,
  useSaveWhatsAppSettings,
  useWhatsAppSettings,
} from '../../messaging/whatsapp.queries';
import { LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import { UnattachedCard } from './UnattachedCard';

const fields = [
  'phoneNumberId',
  'wabaId',
  'accessToken',
  'appSecret',
  'verifyToken',
  'apiBaseUrl',
  'createLeadsFromUnknown',
] as const;
const labels = {
  phoneNumberId: 'Phone number id',
  wabaId: 'Business account id',
  accessToken: 'Access token',
  appSecret: 'App secret',
  verifyToken: 'Verify token',
  apiBaseUrl: 'API address',
  createLeadsFromUnknown: 'New leads',
};

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

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

/** The company's WhatsApp Business number (Cloud API): credentials, webhook, and a check that they work. */
export function WhatsAppSettingsPage() {
  const settings = useWhatsAppSettings();
  return (
    <>
      <SectionHeader
        title="WhatsApp"
        description="Connect your WhatsApp Business number (Meta Cloud API) so your team can message leads from iPerform and their replies land on the lead."
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
          <ConnectionForm key={settings.data.updatedAt ?? 'new'} settings={settings.data} />
          {settings.data.connected && <UnattachedCard />}
        </Stack>
      )}
    </>
  );
}

function CheckResult({ result }: { result: WhatsAppCheck }) {
  if (result.ok) {
    return (
      <Alert color="teal" title="Connected" role="status">
        <Text size="sm">
          {result.verifiedName ?? 'Your number'} {result.displayPhoneNumber ? `(${result.displayPhoneNumber})` : ''}
          {result.qualityRating ? ` · quality ${result.qualityRating.toLowerCase()}` : ''}
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" title="WhatsApp refused the connection" role="alert">
      <Text size="sm">
        {result.error?.message ?? 'No answer'}
        {result.error?.code ? ` (code ${result.error.code})` : ''}
      </Text>
    </Alert>
  );
}

function ConnectionForm({ settings }: { settings: WhatsAppSettings }) {
  const [draft, setDraft] = useState({
    phoneNumberId: settings.phoneNumberId ?? '',
    wabaId: settings.wabaId ?? '',
    accessToken: '',
    appSecret: '',
    verifyToken: settings.verifyToken ?? randomToken(),
    apiBaseUrl: settings.apiBaseUrl,
    createLeadsFromUnknown: settings.createLeadsFromUnknown,
  });
  const [checkResult, setCheckResult] = useState<WhatsAppCheck | null>(null);
  const [disconnecting, setDisconnecting] = useState(false);
  const errors = useFormErrors(fields, labels);
  const save = useSaveWhatsAppSettings();
  const check = useCheckWhatsApp();
  const disconnect = useDisconnectWhatsApp();

  const set = <K extends keyof typeof draft>(key: K, value: (typeof draft)[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const runCheck = () => {
    setCheckResult(null);
    check.mutate(undefined, {
      onSuccess: setCheckResult,
      onError: (error) =>
        setCheckResult({
          ok: false,
          displayPhoneNumber: null,
          verifiedName: null,
          qualityRating: null,
          error: { httpStatus: null, code: null, message: errorMessage(error) },
        }),
    });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const missing: Partial<Record<(typeof fields)[number], string>> = {};
    if (!draft.phoneNumberId.trim()) missing.phoneNumberId = 'Enter the phone number id from the Meta app';
    if (!settings.accessTokenSet && !draft.accessToken.trim()) missing.accessToken = 'Paste the access token';
    if (!settings.appSecretSet && !draft.appSecret.trim()) missing.appSecret = 'Paste the app secret';
    if (Object.keys(missing).length > 0) return errors.setFieldErrors(missing);
    const body: PutWhatsAppSettingsBody = {
      phoneNumberId: draft.phoneNumberId.trim(),
      wabaId: draft.wabaId.trim() || null,
      verifyToken: draft.verifyToken.trim(),
      createLeadsFromUnknown: draft.createLeadsFromUnknown,
      ...(draft.accessToken.trim() ? { accessToken: draft.accessToken.trim() } : {}),
      ...(draft.appSecret.trim() ? { appSecret: draft.appSecret.trim() } : {}),
      // The settings are replaced as a whole: an address left out would go back to Meta's default.
      ...(draft.apiBaseUrl.trim() ? { apiBaseUrl: draft.apiBaseUrl.trim() } : {}),
    };
    save.mutate(body, {
      onSuccess: () => notifySuccess('Check the connection to be sure WhatsApp accepts it.', 'WhatsApp saved'),
      onError: errors.fromError,
    });
  };

  return (
    <Card component="form" onSubmit={submit} aria-label="WhatsApp connection" noValidate>
      <Stack gap="md">
        <Group justify="space-between" gap="sm" wrap="wrap">
          {settings.connected ? (
            <Group gap="xs">
              <Badge color="green" leftSection={<IconCheck size={12} />}>
                Connected
              </Badge>
              <Text size="xs" c="dimmed">
                changed {formatDateTime(settings.updatedAt)}
              </Text>
            </Group>
          ) : (
            <Badge color="gray">Not connected</Badge>
          )}
          {settings.connected && (
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPlugConnected size={16} />}
              onClick={runCheck}
              loading={check.isPending}
            >
              Check connection
            </Button>
          )}
        </Group>
        {checkResult && <CheckResult result={checkResult} />}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Phone number id"
            description="Meta app → WhatsApp → API setup (not the phone number itself)"
            value={draft.phoneNumberId}
            onChange={(event) => set('phoneNumberId', event.currentTarget.value.replace(/\s/g, ''))}
            error={errors.fieldErrors.phoneNumberId}
            inputMode="numeric"
          />
          <TextInput
            label="Business account id"
            description="Optional: the WhatsApp Business Account id"
            value={draft.wabaId}
            onChange={(event) => set('wabaId', event.currentTarget.value.replace(/\s/g, ''))}
            error={errors.fieldErrors.wabaId}
            inputMode="numeric"
          />
          <PasswordInput
            label="Access token"
            description="A permanent system-user token"
            placeholder={settings.accessTokenSet ? 'Saved; paste to replace it' : ''}
            value={draft.accessToken}
            onChange={(event) => set('accessToken', event.currentTarget.value)}
            error={errors.fieldErrors.accessToken}
            autoComplete="off"
          />
          <PasswordInput
            label="App secret"
            description="Meta app → Settings → Basic; it signs the webhooks"
            placeholder={settings.appSecretSet ? 'Saved; paste to replace it' : ''}
            value={draft.appSecret}
            onChange={(event) => set('appSecret', event.currentTarget.value)}
            error={errors.fieldErrors.appSecret}
            autoComplete="off"
          />
        </SimpleGrid>
        <Card withBorder radius="md" p="sm" bg="var(--mantine-color-gray-0)">
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              In the Meta app: WhatsApp → Configuration → Webhook
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Copyable label="Callback URL" value={settings.webhookUrl} />
              <TextInput
                label="Verify token"
                value={draft.verifyToken}
                onChange={(event) => set('verifyToken', event.currentTarget.value.replace(/\s/g, ''))}
                error={errors.fieldErrors.verifyToken}
                rightSection={
                  <Tooltip label="Make a new one">
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      onClick={() => set('verifyToken', randomToken())}
                      aria-label="Make a new verify token"
                    >
                      <IconRefresh size={16} />
                    </ActionIcon>
                  </Tooltip>
                }
              />
            </SimpleGrid>
            <Text size="xs" c="dimmed">
              Save here first, then enter both in Meta and subscribe to the <b>messages</b> field.
            </Text>
          </Stack>
        </Card>
        <Switch
          label="A message from a number no lead has creates a new lead (source WhatsApp)"
          checked={draft.createLeadsFromUnknown}
          onChange={(event) => set('createLeadsFromUnknown', event.currentTarget.checked)}
        />
        <TextInput
          label="API address"
          description="Leave as is unless Meta or your administrator says otherwise"
          value={draft.apiBaseUrl}
          onChange={(event) => set('apiBaseUrl', event.currentTarget.value)}
          error={errors.fieldErrors.apiBaseUrl}
        />
        {errors.formError && (
          <Alert color="red" role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="space-between" gap="sm">
          {settings.connected ? (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} />}
              onClick={() => setDisconnecting(true)}
            >
              Disconnect
            </Button>
          ) : (
            <Anchor
              href="https://developers.facebook.com/docs/whatsapp/cloud-api/get-started"
              target="_blank"
              size="sm"
            >
              How to get these from Meta
            </Anchor>
          )}
          <Button type="submit" loading={save.isPending}>
            {settings.connected ? 'Save' : 'Connect'}
          </Button>
        </Group>
      </Stack>
      <ConfirmModal
        opened={disconnecting}
        title="Disconnect WhatsApp"
        confirmLabel="Disconnect"
        loading={disconnect.isPending}
        onClose={() => setDisconnecting(false)}
        onConfirm={() =>
          disconnect.mutate(undefined, {
            onSuccess: () => {
              setDisconnecting(false);
              notifySuccess('Messages stay on their leads.', 'WhatsApp disconnected');
            },
            onError: (error) => notifyError(error, 'Not disconnected'),
          })
        }
      >
        <Text size="sm">
          Sending stops and incoming messages are no longer received. The conversations stay on their leads.
        </Text>
      </ConfirmModal>
    </Card>
  );
}
