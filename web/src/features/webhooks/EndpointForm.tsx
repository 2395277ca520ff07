import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Flex,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../lib/forms';
import { useStages } from '../leads/pipeline.queries';
import { leadSources } from '../settings/sources';
import { type EventType, eventTypeGroups, useCreateEndpoint, type WebhookEndpointWithSecret } from './webhooks.queries';

const fields = ['url', 'description', 'eventTypes', 'filter'] as const;
const labels = { url: 'URL', description: 'Description', eventTypes: 'Events', filter: 'Filter' };

/** Adds an endpoint; the answer (with its secret, shown once) goes to `onCreated`. */
export function CreateEndpointModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (endpoint: WebhookEndpointWithSecret) => void;
}) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<EventType[]>(['lead.created']);
  const [stage, setStage] = useState<string | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const errors = useFormErrors(fields, labels);
  const create = useCreateEndpoint();
  const { stages } = useStages();

  const reset = () => {
    setUrl('');
    setDescription('');
    setTypes(['lead.created']);
    setStage(null);
    setSource(null);
    errors.clear();
  };
  const close = () => {
    reset();
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!/^https?:\/\/\S+$/i.test(url.trim())) {
      errors.setFieldErrors({ url: 'Enter the full address, starting with https://' });
      return;
    }
    if (types.length === 0) {
      errors.setFieldErrors({ eventTypes: 'Choose at least one event' });
      return;
    }
    create.mutate(
      {
        url: url.trim(),
        description: description.trim(),
        eventTypes: types,
        filter: { ...(stage ? { stage } : {}), ...(source ? { source } : {}) },
      },
      {
        onSuccess: (endpoint) => {
          reset();
          onCreated(endpoint);
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New webhook endpoint</Text>} size="lg">
      <form onSubmit={submit} noValidate aria-label="New webhook endpoint">
        <Stack gap="md">
          <TextInput
            label="URL"
            description="Where iPerform POSTs each event, signed with the endpoint’s secret."
            placeholder="https://erp.example.com/hooks/iperform"
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              errors.clearField('url');
            }}
            error={errors.fieldErrors.url}
            data-autofocus
            required
          />
          <TextInput
            label="Description"
            placeholder="e.g. ERP sync"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.fieldErrors.description}
          />
          <Checkbox.Group
            label="Events"
            value={types}
            onChange={(value) => {
              setTypes(value as EventType[]);
              errors.clearField('eventTypes');
            }}
            error={errors.fieldErrors.eventTypes}
          >
            <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs">
              {eventTypeGroups.map((group) => (
                <Stack key={group.label} gap={6}>
                  <Text size="sm" c="dimmed">
                    {group.label}
                  </Text>
                  {group.types.map((type) => (
                    <Checkbox key={type} value={type} label={<Code>{type}</Code>} />
                  ))}
                </Stack>
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select
              label="Only leads in stage"
              placeholder="Any stage"
              clearable
              data={stages.map((s) => ({ value: s.key, label: s.name }))}
              value={stage}
              onChange={setStage}
            />
            <Select
              label="Only leads from source"
              placeholder="Any source"
              clearable
              data={leadSources.map((s) => ({ value: s.value, label: s.label }))}
              value={source}
              onChange={setSource}
              error={errors.fieldErrors.filter}
            />
          </SimpleGrid>
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
              Add endpoint
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The signing secret, shown once after creation or rotation. */
export function SecretModal({
  shown,
  onClose,
}: {
  shown: { url: string; secret: string; rotated: boolean } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={shown !== null}
      onClose={onClose}
      title={<Text fw={650}>Copy the signing secret</Text>}
      closeOnClickOutside={false}
      size="lg"
    >
      {shown && (
        <Stack gap="md">
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="This secret will not be shown again">
            Store it in the receiving system now: it verifies that each message came from iPerform.
            {shown.rotated && ' For the next 24 hours messages are signed with both the old and the new secret.'}
          </Alert>
          <Text size="sm" fw={500}>
            {shown.url}
          </Text>
          <Flex gap="xs" direction={{ base: 'column', xs: 'row' }} align="stretch">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="webhook-secret">
              {shown.secret}
            </Code>
            <CopyButton value={shown.secret}>
              {({ copied, copy }) => (
                <Button
                  onClick={copy}
                  color={copied ? 'teal' : 'brand'}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Flex>
          <Text size="sm" c="dimmed">
            Verify each message with a Standard Webhooks library, e.g.{' '}
            <Code>new Webhook(secret).verify(body, headers)</Code>.
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
