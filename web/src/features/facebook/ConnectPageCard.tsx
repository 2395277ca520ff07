import { Alert, Button, Card, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { type FacebookPage, useConnectPage } from './facebook.queries';

const fields = ['pageId', 'pageName', 'accessToken', 'appSecret'] as const;
const labels = { pageId: 'Page id', pageName: 'Page name', accessToken: 'Page access token', appSecret: 'App secret' };
const empty = { pageId: '', pageName: '', accessToken: '', appSecret: '' };

/** Connects a Facebook Page: its id and name, a Page access token and the Meta app's secret (both write-only). */
export function ConnectPageCard({ onConnected }: { onConnected: (page: FacebookPage) => void }) {
  const [draft, setDraft] = useState(empty);
  const errors = useFormErrors(fields, labels);
  const connect = useConnectPage();

  const set = (key: (typeof fields)[number], value: string) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const missing: Partial<Record<(typeof fields)[number], string>> = {};
    for (const key of fields) if (!draft[key].trim()) missing[key] = `Enter the ${labels[key].toLowerCase()}`;
    if (Object.keys(missing).length > 0) return errors.setFieldErrors(missing);
    connect.mutate(
      {
        pageId: draft.pageId.trim(),
        pageName: draft.pageName.trim(),
        accessToken: draft.accessToken.trim(),
        appSecret: draft.appSecret.trim(),
      },
      {
        onSuccess: (page) => {
          setDraft(empty);
          notifySuccess('Now paste the callback URL and verify token into the Meta app.', 'Page connected');
          onConnected(page);
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Card component="form" onSubmit={submit} aria-label="Connect a Facebook Page" noValidate>
      <Stack gap="md">
        <Text fw={600}>Connect a Page</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Page id"
            description="Page settings → About → Page transparency"
            value={draft.pageId}
            onChange={(event) => set('pageId', event.currentTarget.value.replace(/\s/g, ''))}
            error={errors.fieldErrors.pageId}
            inputMode="numeric"
          />
          <TextInput
            label="Page name"
            value={draft.pageName}
            onChange={(event) => set('pageName', event.currentTarget.value)}
            error={errors.fieldErrors.pageName}
          />
          <PasswordInput
            label="Page access token"
            description="With leads_retrieval; a system-user token does not expire"
            value={draft.accessToken}
            onChange={(event) => set('accessToken', event.currentTarget.value)}
            error={errors.fieldErrors.accessToken}
            autoComplete="off"
          />
          <PasswordInput
            label="App secret"
            description="Meta app → App settings → Basic; it signs the webhooks"
            value={draft.appSecret}
            onChange={(event) => set('appSecret', event.currentTarget.value)}
            error={errors.fieldErrors.appSecret}
            autoComplete="off"
          />
        </SimpleGrid>
        {errors.formError && (
          <Alert color="red" role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={connect.isPending}>
            Connect
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
