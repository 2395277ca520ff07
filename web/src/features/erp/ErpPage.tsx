import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useCan } from '../auth/session';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import {
  type CreateErpConnectionBody,
  type ErpConnection,
  type ErpConnector,
  useCreateErpConnection,
  useErpConnections,
  useErpConnectors,
} from './erp.queries';

// ------------------------------------------------------------------------------------------ shared with the detail page

const statusColors: Record<ErpConnection['status'], string> = {
  pending: 'yellow',
  connected: 'teal',
  paused: 'gray',
  broken: 'red',
};

const statusLabels: Record<ErpConnection['status'], string> = {
  pending: 'Not connected yet',
  connected: 'Connected',
  paused: 'Paused',
  broken: 'Broken',
};

export function ConnectionStatusBadge({ connection }: { connection: ErpConnection }) {
  return (
    <Badge color={statusColors[connection.status]} variant="light" title={connection.statusReason ?? undefined}>
      {statusLabels[connection.status]}
    </Badge>
  );
}

/** A problem's error path as a dotted key: `/settings/url`, `body.settings.url` and `settings.url` are all `settings.url`. */
export function errorKey(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .replace(/\//g, '.');
}

/** Field errors of a failed call by dotted key (the first message per key), and what no field took. */
export function splitErrors(
  error: unknown,
  isKnown: (key: string) => boolean,
): { fields: Record<string, string>; rest: string | null } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const key = errorKey(item.path);
      if (isKnown(key) && !fields[key]) fields[key] = item.message;
      else rest.push(key ? `${key}: ${item.message}` : item.message);
    }
    return { fields, rest: rest.length > 0 ? rest.join(' · ') : null };
  }
  return { fields, rest: error ? errorMessage(error) : null };
}

/** Field errors of a form by dotted key, with a way to clear one as its input changes. */
export function useErrorMap() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const clearError = (key: string) =>
    setErrors((current) => {
      if (!current[key]) return current;
      const next = { ...current };
      delete next[key];
      return next;
    });
  return { errors, setErrors, clearError };
}

// ------------------------------------------------------------------------------------------ the settings form

interface PropertySchema {
  type?: string;
  description?: string;
  title?: string;
  enum?: unknown[];
  anyOf?: { const?: unknown; type?: string }[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

export interface SettingField {
  name: string;
  label: string;
  description: string | undefined;
  required: boolean;
  kind: 'text' | 'integer' | 'number' | 'enum' | 'boolean';
  options: string[];
  defaultValue: unknown;
  min?: number;
  max?: number;
}

const acronyms: Record<string, string> = { url: 'URL', id: 'ID', db: 'DB', api: 'API', gstin: 'GSTIN' };

function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => acronyms[w.toLowerCase()] ?? w.toLowerCase());
  const first = words[0] ?? name;
  words[0] = first === first.toUpperCase() ? first : first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** The connector's settings JSON Schema as form fields: strings, integers, numbers, enums (and booleans). */
export function settingFields(schema: Record<string, unknown>): SettingField[] {
  const properties = (schema.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, p]) => {
    const consts = p.anyOf?.map((a) => a.const).filter((c) => c !== undefined);
    const options = (p.enum ?? (consts && consts.length > 0 ? consts : null))?.map(String) ?? [];
    const kind: SettingField['kind'] =
      options.length > 0
        ? 'enum'
        : p.type === 'integer'
          ? 'integer'
          : p.type === 'number'
            ? 'number'
            : p.type === 'boolean'
              ? 'boolean'
              : 'text';
    return {
      name,
      // A short description reads as the label; a long one goes under a label made from the name.
      label: p.title ?? (p.description && p.description.length <= 32 ? p.description : humanize(name)),
      description: p.title || (p.description && p.description.length > 32) ? p.description : undefined,
      required: required.has(name),
      kind,
      options,
      defaultValue: p.default,
      min: p.minimum,
      max: p.maximum,
    };
  });
}

export type SettingValue = string | number | boolean | undefined;

/** One setting's input, by its kind: a select, a number, a switch or text. */
export function SettingInput({
  field,
  value,
  error,
  onChange,
}: {
  field: SettingField;
  value: SettingValue;
  error: string | undefined;
  onChange: (value: SettingValue) => void;
}) {
  const hint = field.defaultValue !== undefined ? String(field.defaultValue) : undefined;
  switch (field.kind) {
    case 'enum':
      return (
        <Select
          label={field.label}
          description={field.description}
          withAsterisk={field.required}
          data={field.options}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          placeholder={hint ? `Default: ${hint}` : 'Choose'}
          clearable={!field.required}
          error={error}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'integer':
    case 'number':
      return (
        <NumberInput
          label={field.label}
          description={field.description}
          withAsterisk={field.required}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(typeof v === 'number' ? v : undefined)}
          allowDecimal={field.kind === 'number'}
          min={field.min}
          max={field.max}
          placeholder={hint}
          error={error}
        />
      );
    case 'boolean':
      return (
        <Switch
          label={field.label}
          description={field.description}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          error={error}
        />
      );
    default:
      return (
        <TextInput
          label={field.label}
          description={field.description}
          withAsterisk={field.required}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
          placeholder={hint}
          error={error}
        />
      );
  }
}

function AddConnectionModal({
  opened,
  connectors,
  onClose,
}: {
  opened: boolean;
  connectors: readonly ErpConnector[];
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const create = useCreateErpConnection();
  const [connectorId, setConnectorId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, SettingValue>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [pushOnWon, setPushOnWon] = useState(true);
  const [schedule, setSchedule] = useState('');
  const { errors, setErrors, clearError } = useErrorMap();
  const [formError, setFormError] = useState<string | null>(null);

  const connector = connectors.find((c) => c.id === connectorId) ?? null;
  const fields = connector ? settingFields(connector.settings) : [];

  const reset = () => {
    setConnectorId(null);
    setName('');
    setSettings({});
    setSecrets({});
    setPushOnWon(true);
    setSchedule('');
    setErrors({});
    setFormError(null);
  };
  const close = () => {
    reset();
    onClose();
  };

  const pick = (id: string | null) => {
    setConnectorId(id);
    setSettings({});
    setSecrets({});
    setErrors({});
    setFormError(null);
    const picked = connectors.find((c) => c.id === id);
    if (picked && (!name || connectors.some((c) => c.label === name))) setName(picked.label);
  };

  const known = (key: string) =>
    key === 'connector' ||
    key === 'name' ||
    key === 'schedule' ||
    key === 'pushOnWon' ||
    fields.some((f) => key === `settings.${f.name}`) ||
    (connector?.secretFields.some((f) => key === `secrets.${f.name}`) ?? false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!connector) {
      setErrors({ connector: 'Choose a connector' });
      return;
    }
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Name is required';
    for (const f of fields) {
      const v = settings[f.name];
      if (f.required && (v === undefined || v === '')) missing[`settings.${f.name}`] = `${f.label} is required`;
    }
    for (const s of connector.secretFields) {
      if (s.required && !secrets[s.name]) missing[`secrets.${s.name}`] = `${s.label} is required`;
    }
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    const cleanSettings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(settings)) {
      if (v === undefined || v === '') continue;
      cleanSettings[k] = typeof v === 'string' ? v.trim() : v;
    }
    const cleanSecrets = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    setErrors({});
    setFormError(null);
    create.mutate(
      {
        connector: connector.id as CreateErpConnectionBody['connector'],
        name: name.trim(),
        settings: cleanSettings,
        ...(Object.keys(cleanSecrets).length > 0 ? { secrets: cleanSecrets } : {}),
        pushOnWon,
        schedule: schedule.trim() || null,
      },
      {
        onSuccess: (created) => {
          notifySuccess(`${created.name} added`);
          close();
          navigate(`/settings/erp/${created.id}`);
        },
        onError: (error) => {
          const split = splitErrors(error, known);
          setErrors(split.fields);
          setFormError(split.rest);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Add an ERP connection</Text>} size="lg">
      <form onSubmit={submit} aria-label="Add an ERP connection" noValidate>
        <Stack gap="md">
          <Select
            label="Connector"
            placeholder="Choose your accounting system"
            data={connectors.map((c) => ({ value: c.id, label: c.label }))}
            value={connectorId}
            onChange={pick}
            withAsterisk
            allowDeselect={false}
            error={errors.connector}
          />
          {connector && (
            <>
              <TextInput
                label="Name"
                withAsterisk
                value={name}
                onChange={(e) => {
                  setName(e.currentTarget.value);
                  clearError('name');
                }}
                error={errors.name}
              />
              {connector.oauth && (
                <Text size="sm" c="dimmed">
                  {connector.label} is connected by signing in there: after saving, open the connection and press
                  Connect.
                </Text>
              )}
              {fields.map((f) => (
                <SettingInput
                  key={f.name}
                  field={f}
                  value={settings[f.name]}
                  error={errors[`settings.${f.name}`]}
                  onChange={(v) => {
                    setSettings((s) => ({ ...s, [f.name]: v }));
                    clearError(`settings.${f.name}`);
                  }}
                />
              ))}
              {connector.secretFields.map((s) => (
                <PasswordInput
                  key={s.name}
                  label={s.label}
                  withAsterisk={s.required}
                  autoComplete="new-password"
                  value={secrets[s.name] ?? ''}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setSecrets((current) => ({ ...current, [s.name]: value }));
                    clearError(`secrets.${s.name}`);
                  }}
                  error={errors[`secrets.${s.name}`]}
                />
              ))}
              <Switch
                label="Push won leads"
                description="A lead moved to Won becomes a customer in the books."
                checked={pushOnWon}
                onChange={(e) => setPushOnWon(e.currentTarget.checked)}
              />
              <TextInput
                label="Schedule"
                description="A cron expression on the company’s clock, e.g. */30 * * * *. Empty: on demand only."
                placeholder="*/30 * * * *"
                value={schedule}
                onChange={(e) => {
                  setSchedule(e.currentTarget.value);
                  clearError('schedule');
                }}
                error={errors.schedule}
              />
            </>
          )}
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!connector}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// ------------------------------------------------------------------------------------------ the list

function Stat({ label, value, alert = false, id }: { label: string; value: number; alert?: boolean; id: string }) {
  return (
    <div data-testid={`erp-stat-${id}`}>
      <Text size="lg" fw={650} c={alert && value > 0 ? 'red' : undefined} lh={1.2}>
        {formatNumber(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </div>
  );
}

export function ConnectionStats({ connection }: { connection: ErpConnection }) {
  const s = connection.stats;
  return (
    <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="sm" verticalSpacing="xs">
      <Stat id="customersLinked" label="customers linked" value={s.customersLinked} />
      <Stat id="forReview" label="for review" value={s.forReview} alert />
      <Stat id="invoices" label="invoices" value={s.invoices} />
      <Stat id="payments" label="payments" value={s.payments} />
      <Stat id="openErrors" label="open errors" value={s.openErrors} alert />
      <Stat id="openConflicts" label="conflicts" value={s.openConflicts} alert />
    </SimpleGrid>
  );
}

function ConnectionCard({ connection }: { connection: ErpConnection }) {
  return (
    <Card withBorder m="sm" data-testid="erp-connection">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={2} miw={0} style={{ flex: '1 1 220px' }}>
            <Group gap="xs" wrap="wrap">
              <Anchor component={Link} to={`/settings/erp/${connection.id}`} fw={650}>
                {connection.name}
              </Anchor>
              <ConnectionStatusBadge connection={connection} />
            </Group>
            <Text size="sm" c="dimmed">
              {connection.connectorLabel}
              {' · '}
              {connection.lastRunAt ? `last run ${formatRelative(connection.lastRunAt)}` : 'never run'}
              {connection.schedule ? ` · next ${formatDateTime(connection.nextRunAt)}` : ' · on demand'}
            </Text>
            {connection.statusReason && connection.status !== 'connected' && (
              <Text size="sm" c={connection.status === 'broken' ? 'red' : 'dimmed'}>
                {connection.statusReason}
              </Text>
            )}
          </Stack>
          <Button component={Link} to={`/settings/erp/${connection.id}`} variant="default" size="xs">
            Open
          </Button>
        </Group>
        <ConnectionStats connection={connection} />
      </Stack>
    </Card>
  );
}

/** Settings › ERP: the company's accounting-system connections, their health and counts, and adding one. */
export function ErpPage() {
  const canManage = useCan('erp:manage');
  const connections = useErpConnections();
  const connectors = useErpConnectors();
  const [adding, setAdding] = useState(false);
  return (
    <Stack>
      <SectionHeader
        title="ERP"
        description="Your accounting system: won leads become customers there, and their invoices, payments and balances come back to the lead."
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} disabled={!connectors.data}>
              Add connection
            </Button>
          )
        }
      />
      <ListCard>
        {connections.isPending ? (
          <LoadingRows />
        ) : connections.isError ? (
          <LoadFailed
            error={connections.error}
            onRetry={() => connections.refetch()}
            title="Could not load the connections"
          />
        ) : connections.data.data.length === 0 ? (
          <Text p="md" c="dimmed">
            No connections yet.
            {canManage ? ' Add one to connect TallyPrime, QuickBooks, Zoho or SAP Business One.' : ''}
          </Text>
        ) : (
          connections.data.data.map((c) => <ConnectionCard key={c.id} connection={c} />)
        )}
      </ListCard>
      {connectors.data && (
        <AddConnectionModal opened={adding} connectors={connectors.data.data} onClose={() => setAdding(false)} />
      )}
    </Stack>
  );
}
