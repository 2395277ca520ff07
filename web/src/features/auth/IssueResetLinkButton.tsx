import { Alert, Button, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type User, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { notifyError } from '../../lib/notify';

/**
 * An admin's "Issue reset link" on a user's page: the link (it works once, for 30 minutes, and replaces any
 * earlier one) is shown to hand over, for when the company sends no email or the user cannot read theirs.
 */
export function IssueResetLinkButton({ user }: { user: User }) {
  const [issued, setIssued] = useState<{ link: string; expiresAt: string } | null>(null);
  const issue = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users/{id}/password-reset-link', { params: { path: { id: user.id } } })),
    onSuccess: setIssued,
    onError: (error) => notifyError(error, 'Could not issue a reset link'),
  });

  return (
    <>
      <Button
        variant="default"
        leftSection={<IconKey size={18} />}
        loading={issue.isPending}
        onClick={() => issue.mutate()}
      >
        Issue reset link
      </Button>
      <Modal
        opened={issued !== null}
        onClose={() => setIssued(null)}
        title={<Text fw={650}>Reset link for {user.name}</Text>}
      >
        {issued && (
          <Stack gap="md">
            <Text size="sm">
              Give this link to {user.name} yourself (in person or over a channel you trust). It works once, until{' '}
              {formatDateTime(issued.expiresAt)}; setting a password with it signs them out everywhere.
            </Text>
            <TextInput value={issued.link} readOnly aria-label="Reset link" onFocus={(e) => e.currentTarget.select()} />
            <Alert color="orange">Anyone with this link can set {user.name}’s password. It is not shown again.</Alert>
            <Group justify="flex-end">
              <CopyButton value={issued.link}>
                {({ copied, copy }) => (
                  <Button onClick={copy} color={copied ? 'teal' : undefined}>
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
