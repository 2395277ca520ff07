import { Alert, Button, Card, Group, Skeleton, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useSaveSignature, useSignature } from '../messaging/email.queries';
import type { Signature } from '../messaging/messaging.types';

const fields = ['phone', 'html'] as const;

/** The signature under the emails I send to leads, and the phone number templates show for me. */
export function SignatureCard() {
  const signature = useSignature();
  return (
    <Card component="section" aria-label="Email signature">
      <Text fw={650}>Email signature</Text>
      <Text size="sm" c="dimmed" mb="md">
        Added under the emails you send to leads. Your phone fills {'{{ sender.phone }}'} in templates.
      </Text>
      {signature.isPending ? (
        <Stack gap="sm">
          <Skeleton h={36} />
          <Skeleton h={90} />
        </Stack>
      ) : signature.isError ? (
        <Alert color="red">Could not load your signature.</Alert>
      ) : (
        <SignatureForm key={signature.data.updatedAt ?? 'none'} signature={signature.data} />
      )}
    </Card>
  );
}

function SignatureForm({ signature }: { signature: Signature }) {
  const [phone, setPhone] = useState(signature.phone ?? '');
  const [html, setHtml] = useState(signature.html ?? '');
  const errors = useFormErrors(fields, { phone: 'Phone', html: 'Signature' });
  const save = useSaveSignature();
  const changed = phone !== (signature.phone ?? '') || html !== (signature.html ?? '');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        errors.clear();
        save.mutate(
          { phone: phone.trim() || null, html: html.trim() || null },
          {
            onSuccess: () => notifySuccess('It is added to the emails you send from now on.', 'Signature saved'),
            onError: errors.fromError,
          },
        );
      }}
    >
      <Stack gap="sm">
        <TextInput
          label="Phone"
          placeholder="+91 98765 43210"
          value={phone}
          onChange={(event) => setPhone(event.currentTarget.value)}
          error={errors.fieldErrors.phone}
          maw={260}
        />
        <Textarea
          label="Signature (HTML)"
          placeholder={'<p>Asha Rao<br>Sales, Acme</p>'}
          value={html}
          onChange={(event) => setHtml(event.currentTarget.value)}
          error={errors.fieldErrors.html}
          autosize
          minRows={3}
          maxRows={8}
          maxLength={10_000}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        />
        {errors.formError && (
          <Alert color="red" role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" disabled={!changed} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
