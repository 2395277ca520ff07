import {
  Alert,
  Button,
  Card,
  Group,
  SegmentedControl,
  Skeleton,
  Slider,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { IconCopy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { notifySuccess } from '../../../lib/notify';
import { errorMessage } from '../../../lib/problem';
import {
  type DuplicateSettings,
  useDuplicateSettings,
  useSaveDuplicateSettings,
} from '../../duplicates/duplicates.queries';
import { SectionHeader } from '../SettingsSection';

type Channel = keyof DuplicateSettings['policies'];
type Policy = DuplicateSettings['policies'][Channel];

const channels: { key: Channel; label: string; hint: string }[] = [
  { key: 'ui', label: 'Typed in iPerform', hint: 'People adding a lead by hand; they see the matches as they type.' },
  { key: 'api', label: 'API', hint: 'Programs calling the API with a key or a token.' },
  { key: 'import', label: 'Imports', hint: 'Rows of an imported file (the trial run shows them first).' },
  { key: 'web_form', label: 'Web forms', hint: 'Visitors of your website; “block” would turn a visitor away.' },
  { key: 'integration', label: 'Integrations', hint: 'Facebook Lead Ads, ERP connectors and other integrations.' },
];

const policyOptions: { value: Policy; label: string }[] = [
  { value: 'block', label: 'Block' },
  { value: 'warn', label: 'Warn' },
  { value: 'allow', label: 'Allow' },
];

const policyMeaning: Record<Policy, string> = {
  block: 'refused, naming the matching leads',
  warn: 'created, with the matches shown and queued for review',
  allow: 'created without a word',
};

/** Settings → Duplicates: what each channel does with a likely duplicate, and how alike names must be. */
export function DuplicateSettingsPage() {
  const settings = useDuplicateSettings();
  return (
    <>
      <SectionHeader
        title="Duplicates"
        description="How a new lead that matches an existing one (same email, same phone, or a similar name and company) is handled, per channel it comes in through."
      />
      {settings.isPending ? (
        <Stack>
          <Skeleton h={260} radius="lg" />
          <Skeleton h={140} radius="lg" />
        </Stack>
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} title="Could not load the settings" />
      ) : (
        <SettingsForm key={settings.data.updatedAt ?? 'defaults'} settings={settings.data} />
      )}
    </>
  );
}

function SettingsForm({ settings }: { settings: DuplicateSettings }) {
  const save = useSaveDuplicateSettings();
  const [policies, setPolicies] = useState(settings.policies);
  const [threshold, setThreshold] = useState(settings.nameThreshold);
  const [plus, setPlus] = useState(settings.plusAddressing);

  const changed =
    JSON.stringify(policies) !== JSON.stringify(settings.policies) ||
    threshold !== settings.nameThreshold ||
    plus !== settings.plusAddressing;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(
      { policies, nameThreshold: threshold, plusAddressing: plus },
      { onSuccess: () => notifySuccess('New leads are checked with these settings from now on.', 'Settings saved') },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Duplicate settings">
      <Stack gap="lg">
        <Card>
          <Group gap="xs" mb={4}>
            <IconCopy size={20} stroke={1.7} />
            <Title order={3}>When a new lead matches</Title>
          </Group>
          <Text size="sm" c="dimmed" mb="md">
            Block: {policyMeaning.block}. Warn: {policyMeaning.warn}. Allow: {policyMeaning.allow}.
          </Text>
          <Stack gap="md">
            {channels.map((channel) => (
              <Group key={channel.key} justify="space-between" gap="sm" wrap="wrap">
                <Stack gap={0} style={{ flex: '1 1 240px' }} miw={0}>
                  <Text size="sm" fw={600} id={`policy-${channel.key}`}>
                    {channel.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {channel.hint}
                  </Text>
                </Stack>
                <SegmentedControl
                  aria-labelledby={`policy-${channel.key}`}
                  value={policies[channel.key]}
                  onChange={(value) => setPolicies((current) => ({ ...current, [channel.key]: value as Policy }))}
                  data={policyOptions}
                />
              </Group>
            ))}
          </Stack>
        </Card>
        <Card>
          <Title order={3} mb={4}>
            Matching
          </Title>
          <Text size="sm" fw={500} mt="sm" id="threshold-label">
            Names count as alike from {Math.round(threshold * 100)}% similarity
          </Text>
          <Text size="xs" c="dimmed" mb="sm">
            Lower finds more (“Priya Sharma” and “Priya Sarma”), with more false alarms; emails and phones always match
            exactly, whatever their written form.
          </Text>
          <Slider
            aria-labelledby="threshold-label"
            min={0.3}
            max={1}
            step={0.05}
            value={threshold}
            onChange={setThreshold}
            label={(value) => `${Math.round(value * 100)}%`}
            marks={[
              { value: 0.3, label: '30%' },
              { value: 0.6, label: '60%' },
              { value: 1, label: '100%' },
            ]}
            mb="xl"
            maw={480}
          />
          <Switch
            label="Treat plus-addresses as the same email"
            description="asha+news@example.com then matches asha@example.com."
            checked={plus}
            onChange={(e) => setPlus(e.currentTarget.checked)}
          />
        </Card>
        {save.isError && (
          <Alert color="red" title="The settings were not saved" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {settings.updatedAt ? `Last changed ${formatDateTime(settings.updatedAt)}` : 'The defaults are in use.'}
          </Text>
          <Button type="submit" disabled={!changed} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
