import { Alert, Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/problem';
import { useMe } from '../../auth/session';
import { useTestEmail } from '../../messaging/email.queries';
import type { TestEmailResult } from '../../messaging/messaging.types';

const failureTitles: Record<string, string> = {
  smtp_unreachable: 'The server could not be reached',
  smtp_auth_failed: 'The server refused the user name or password',
  smtp_tls_failed: 'The secure connection failed',
  smtp_rejected: 'The server refused the message',
  email_not_configured: 'No email server is saved',
};

/** Sends a real email with the saved settings and shows what the server answered. */
export function TestEmailCard() {
  const me = useMe();
  const [to, setTo] = useState(me.user.email);
  const [result, setResult] = useState<TestEmailResult | null>(null);
  const [failure, setFailure] = useState<{ title: string; detail: string } | null>(null);
  const test = useTestEmail();

  return (
    <Card
      component="form"
      aria-label="Send a test email"
      onSubmit={(event) => {
        event.preventDefault();
        setResult(null);
        setFailure(null);
        test.mutate(to.trim(), {
          onSuccess: setResult,
          onError: (error) =>
            setFailure({
              title: (error instanceof ApiError && failureTitles[error.code]) || 'The test email was not sent',
              detail: errorMessage(error),
            }),
        });
      }}
    >
      <Stack gap="sm">
        <div>
          <Text fw={650}>Send a test email</Text>
          <Text size="sm" c="dimmed">
            Sends one now with the saved settings, and shows the server’s answer.
          </Text>
        </div>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="To"
            type="email"
            value={to}
            onChange={(event) => setTo(event.currentTarget.value)}
            style={{ flex: '1 1 240px' }}
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconSend size={16} />}
            loading={test.isPending}
            disabled={!to.trim()}
          >
            Send test email
          </Button>
        </Group>
        {result && (
          <Alert color="teal" title="Sent" role="status">
            <Text size="sm">The server accepted it for {result.accepted.join(', ') || to}.</Text>
            <Text size="xs" c="dimmed" ff="monospace" mt={4} style={{ overflowWrap: 'anywhere' }}>
              {result.serverReply}
            </Text>
          </Alert>
        )}
        {failure && (
          <Alert color="red" title={failure.title} role="alert">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {failure.detail}
            </Text>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
