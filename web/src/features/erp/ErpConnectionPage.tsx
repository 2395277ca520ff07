import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Grid,
  Group,
  Loader,
  Modal,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArrowLeft,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlugConnected,
  IconPlus,
  IconRefresh,
  IconStethoscope,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { LoadingRows } from '../settings/SettingsSection';
import {
  ConnectionStats,
  ConnectionStatusBadge,
  type SettingField,
  SettingInput,
  type SettingValue,
  settingFields,
  splitErrors,
  useErrorMap,
} from './ErpPage';
import {
  type ErpConflict,
  type ErpConnection,
  type ErpConnector,
  type ErpDrift,
  type ErpErrorItem,
  type ErpMappingField,
  type ErpReviewItem,
  type ErpRun,
  type UpdateErpConnectionBody,
  useActOnErpError,
  useCheckErpConnection,
  useDeleteErpConnection,
  useErpConflicts,
  useErpConnection,
  useErpConnectors,
  useErpConsistency,
  useErpErrors,
  useErpReview,
  useErpRun,
  useErpRuns,
  useErpSync,
  useResolveErpConflict,
  useReviewErpCustomer,
  useSaveErpMapping,
  useStartErpOAuth,
  useUpdateErpConnection,
} from './erp.queries';

const back = (
  <Anchor component={Link} to="/settings/erp" size="sm" c="dimmed">
    <Group gap={4}>
      <IconArrowLeft size={14} />
      All ERP connections
    </Group>
  </Anchor>
);

/** A value from either side, as text: empty shows as a dash, lists and objects as JSON. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function LeadLink({ id, name, fallback }: { id: string | null; name: string | null; fallback?: string | null }) {
  if (!id) return <Text size="sm">{name ?? fallback ?? '—'}</Text>;
  return (
    <Anchor component={Link} to={`/leads/${id}`} size="sm">
      {name ?? 'Lead'}
    </Anchor>
  );
}

function Empty({ children }: { children: string }) {
  return (
    <Text size="sm" c="dimmed" p="md">
      {children}
    </Text>
  );
}

// ------------------------------------------------------------------------------------------ the header

function OAuthResult() {
  const [params, setParams] = useSearchParams();
  const result = params.get('oauth');
  if (!result) return null;
  const dismiss = () =>
    setParams(
      (p) => {
        p.delete('oauth');
        return p;
      },
      { replace: true },
    );
  const ok = result === 'connected';
  return (
    <Alert
      color={ok ? 'teal' : 'red'}
      title={ok ? 'Connected' : 'The connection was not made'}
      withCloseButton
      onClose={dismiss}
      role={ok ? 'status' : 'alert'}
    >
      {ok ? 'The sign-in worked: the connection can read and write now.' : result.replace(/_/g, ' ')}
    </Alert>
  );
}

// ------------------------------------------------------------------------------------------ editing

/** A stored setting as its input holds it: text as text, numbers as numbers, a switch as a boolean. */
function toSettingValue(field: SettingField, raw: unknown): SettingValue {
  if (raw === null || raw === undefined) return undefined;
  switch (field.kind) {
    case 'integer':
    case 'number':
      return typeof raw === 'number' ? raw : Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : raw === 'true';
    default:
      return typeof raw === 'string' ? raw : JSON.stringify(raw);
  }
}

const isBlank = (v: SettingValue) => v === undefined || (typeof v === 'string' && v.trim() === '');
const cleanSetting = (v: SettingValue) => (typeof v === 'string' ? v.trim() : v);

function EditConnectionForm({
  connection,
  connector,
  onClose,
}: {
  connection: ErpConnection;
  connector: ErpConnector | undefined;
  onClose: () => void;
}) {
  const update = useUpdateErpConnection(connection.id);
  const fields = connector ? settingFields(connector.settings) : [];
  const secretFields = connector?.secretFields ?? [];
  const stored = connection.settings as Record<string, unknown>;
  const [initial] = useState<Record<string, SettingValue>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, toSettingValue(f, stored[f.name])])),
  );
  const [name, setName] = useState(connection.name);
  const [settings, setSettings] = useState<Record<string, SettingValue>>(initial);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [removed, setRemoved] = useState<Record<string, boolean>>({});
  const [pushOnWon, setPushOnWon] = useState(connection.pushOnWon);
  const [schedule, setSchedule] = useState(connection.schedule ?? '');
  const { errors, setErrors, clearError } = useErrorMap();
  const [formError, setFormError] = useState<string | null>(null);

  const known = (key: string) =>
    key === 'name' ||
    key === 'schedule' ||
    key === 'pushOnWon' ||
    fields.some((f) => key === `settings.${f.name}`) ||
    secretFields.some((f) => key === `secrets.${f.name}`);

  /** Only what changed: a cleared setting as null (the server removes it), a removed secret as null. */
  const changes = (): UpdateErpConnectionBody => {
    const body: UpdateErpConnectionBody = {};
    if (name.trim() !== connection.name) body.name = name.trim();
    const changedSettings: Record<string, unknown> = {};
    for (const f of fields) {
      const before = initial[f.name];
      const after = settings[f.name];
      if (isBlank(after)) {
        if (!isBlank(before)) changedSettings[f.name] = null;
      } else if (cleanSetting(after) !== cleanSetting(before)) changedSettings[f.name] = cleanSetting(after);
    }
    if (Object.keys(changedSettings).length > 0) body.settings = changedSettings;
    const changedSecrets: Record<string, string | null> = {};
    for (const s of secretFields) {
      if (removed[s.name]) changedSecrets[s.name] = null;
      else if (secrets[s.name]) changedSecrets[s.name] = secrets[s.name] ?? '';
    }
    if (Object.keys(changedSecrets).length > 0) body.secrets = changedSecrets;
    if (pushOnWon !== connection.pushOnWon) body.pushOnWon = pushOnWon;
    const nextSchedule = schedule.trim() || null;
    if (nextSchedule !== (connection.schedule ?? null)) body.schedule = nextSchedule;
    return body;
  };
  const body = changes();
  const dirty = Object.keys(body).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Name is required';
    for (const f of fields) {
      if (f.required && isBlank(settings[f.name])) missing[`settings.${f.name}`] = `${f.label} is required`;
    }
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    if (!dirty) {
      onClose();
      return;
    }
    setErrors({});
    setFormError(null);
    update.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(`${saved.name} saved`);
        onClose();
      },
      onError: (error) => {
        const split = splitErrors(error, known);
        setErrors(split.fields);
        setFormError(split.rest);
      },
    });
  };

  return (
    <form onSubmit={submit} aria-label="Edit the connection" noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          withAsterisk
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            clearError('name');
          }}
          error={errors.name}
          data-autofocus
        />
        {fields.length > 0 && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
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
          </SimpleGrid>
        )}
        {secretFields.length > 0 && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
            {secretFields.map((s) => {
              const isSet = connection.secretsSet.includes(s.name);
              const isRemoved = removed[s.name] ?? false;
              const toggleRemoved = () => {
                setRemoved((r) => ({ ...r, [s.name]: !isRemoved }));
                setSecrets((current) => ({ ...current, [s.name]: '' }));
                clearError(`secrets.${s.name}`);
              };
              return (
                <PasswordInput
                  key={s.name}
                  label={s.label}
                  withAsterisk={s.required && !isSet}
                  autoComplete="new-password"
                  placeholder={isRemoved ? 'Removed on save' : isSet ? 'Unchanged' : undefined}
                  description={
                    <>
                      {isRemoved
                        ? 'Will be removed when you save. '
                        : isSet
                          ? 'Set. Type a new one to replace it. '
                          : 'Not set. '}
                      {isSet && !s.required && (
                        <Anchor component="button" type="button" size="xs" onClick={toggleRemoved}>
                          {isRemoved ? 'Keep' : 'Remove'}
                        </Anchor>
                      )}
                    </>
                  }
                  disabled={isRemoved}
                  value={secrets[s.name] ?? ''}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setSecrets((current) => ({ ...current, [s.name]: value }));
                    clearError(`secrets.${s.name}`);
                  }}
                  error={errors[`secrets.${s.name}`]}
                />
              );
            })}
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
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
          <Switch
            mt={{ base: 0, sm: 'lg' }}
            label="Push won leads"
            description="A lead moved to Won becomes a customer in the books."
            checked={pushOnWon}
            onChange={(e) => {
              setPushOnWon(e.currentTarget.checked);
              clearError('pushOnWon');
            }}
            error={errors.pushOnWon}
          />
        </SimpleGrid>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!dirty}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditConnectionModal({
  opened,
  connection,
  connector,
  onClose,
}: {
  opened: boolean;
  connection: ErpConnection;
  connector: ErpConnector | undefined;
  onClose: () => void;
}) {
  // The form mounts with the modal's content, so each opening starts from what is saved now (and again once the
  // connector, which names the settings, has loaded).
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Edit {connection.name}</Text>} size="lg">
      <EditConnectionForm key={connector?.id ?? ''} connection={connection} connector={connector} onClose={onClose} />
    </Modal>
  );
}

function Actions({ connection, connector }: { connection: ErpConnection; connector: ErpConnector | undefined }) {
  const navigate = useNavigate();
  const check = useCheckErpConnection(connection.id);
  const oauth = useStartErpOAuth(connection.id);
  const sync = useErpSync(connection.id);
  const update = useUpdateErpConnection(connection.id);
  const remove = useDeleteErpConnection(connection.id);
  const [confirmDelete, deleteModal] = useDisclosure(false);
  const [editing, editModal] = useDisclosure(false);
  const paused = connection.status === 'paused';
  const isOAuth = connector?.oauth ?? false;
  const startSync = (full: boolean) =>
    sync.mutate(full, {
      onSuccess: () => notifySuccess(full ? 'Full resync queued' : 'Sync queued'),
      onError: (e) => notifyError(e),
    });
  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="wrap">
        <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={editModal.open}>
          Edit
        </Button>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconStethoscope size={14} />}
          loading={check.isPending}
          onClick={() => check.mutate()}
        >
          Test connection
        </Button>
        {isOAuth && (
          <Button
            size="xs"
            variant={connection.oauthConnected ? 'default' : 'filled'}
            leftSection={<IconPlugConnected size={14} />}
            loading={oauth.isPending}
            onClick={() =>
              oauth.mutate(undefined, {
                onSuccess: (r) => window.location.assign(r.authorizeUrl),
                onError: (e) => notifyError(e),
              })
            }
          >
            {connection.oauthConnected ? 'Reconnect' : 'Connect'}
          </Button>
        )}
        <Button
          size="xs"
          leftSection={<IconRefresh size={14} />}
          loading={sync.isPending && sync.variables === false}
          disabled={paused}
          onClick={() => startSync(false)}
        >
          Sync now
        </Button>
        <Button
          size="xs"
          variant="default"
          loading={sync.isPending && sync.variables === true}
          disabled={paused}
          onClick={() => startSync(true)}
        >
          Full resync
        </Button>
        <Button
          size="xs"
          variant="default"
          leftSection={paused ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />}
          loading={update.isPending}
          onClick={() =>
            update.mutate(
              { paused: !paused },
              {
                onSuccess: () => notifySuccess(paused ? 'Resumed' : 'Paused'),
                onError: (e) => notifyError(e),
              },
            )
          }
        >
          {paused ? 'Resume' : 'Pause'}
        </Button>
        <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={deleteModal.open}>
          Delete
        </Button>
      </Group>
      {check.data && (
        <Alert
          color={check.data.ok ? 'teal' : 'red'}
          title={check.data.ok ? 'The connection works' : 'The connection does not work'}
          withCloseButton
          onClose={() => check.reset()}
          data-testid="erp-check-result"
        >
          {check.data.detail}
        </Alert>
      )}
      {check.isError && (
        <Alert
          color="red"
          title="Could not test the connection"
          withCloseButton
          onClose={() => check.reset()}
          data-testid="erp-check-result"
        >
          {check.error.message}
        </Alert>
      )}
      <EditConnectionModal opened={editing} connection={connection} connector={connector} onClose={editModal.close} />
      <ConfirmModal
        opened={confirmDelete}
        title={`Delete ${connection.name}?`}
        confirmLabel="Delete connection"
        loading={remove.isPending}
        onClose={deleteModal.close}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              notifySuccess(`${connection.name} deleted`);
              navigate('/settings/erp');
            },
            onError: (e) => notifyError(e),
          })
        }
      >
        <Text size="sm">
          Its links to customers, the invoices and payments read from {connection.connectorLabel}, its runs and queues
          are removed from iPerform. Nothing is deleted in {connection.connectorLabel}.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}

function Health({ connection }: { connection: ErpConnection }) {
  return (
    <Stack gap={4}>
      {connection.statusReason && (
        <Text size="sm" c={connection.status === 'broken' ? 'red' : 'dimmed'}>
          {connection.statusReason}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        Last success {connection.lastSuccessAt ? formatRelative(connection.lastSuccessAt) : 'never'}
        {connection.lastRunAt ? ` · last run ${formatDateTime(connection.lastRunAt)}` : ''}
        {' · '}
        <span data-testid="erp-schedule">
          {connection.schedule
            ? `runs on schedule ${connection.schedule}, next run ${formatDateTime(connection.nextRunAt, 'not planned')}`
            : 'on demand only'}
        </span>
        {connection.pushOnWon ? ' · won leads are pushed' : ''}
      </Text>
      {connection.lastError && (
        <Text size="sm" c="red">
          Last error{connection.lastError.at ? ` (${formatDateTime(connection.lastError.at)})` : ''}:{' '}
          {connection.lastError.message}
        </Text>
      )}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ the mapping editor

const policyOptions = [
  { value: 'erp', label: 'ERP wins' },
  { value: 'iperform', label: 'iPerform wins' },
  { value: 'latest', label: 'Latest change wins' },
];
const transformOptions = [
  { value: 'none', label: 'None' },
  { value: 'trim', label: 'Trim' },
  { value: 'upper', label: 'Upper case' },
  { value: 'lower', label: 'Lower case' },
  { value: 'digits', label: 'Digits only' },
];

interface Row {
  key: number;
  leadField: string | null;
  erpField: string | null;
  policy: ErpMappingField['policy'];
  transform: NonNullable<ErpMappingField['transform']> | 'none';
  valueMap?: ErpMappingField['valueMap'];
}

type RowField = 'leadField' | 'erpField' | 'policy' | 'transform' | 'valueMap';

let nextRowKey = 1;
const toRow = (f: ErpMappingField): Row => ({
  key: nextRowKey++,
  leadField: f.leadField,
  erpField: f.erpField,
  policy: f.policy,
  transform: f.transform ?? 'none',
  valueMap: f.valueMap,
});

function withCurrent(options: { value: string; label: string }[], current: string | null) {
  return current && !options.some((o) => o.value === current)
    ? [...options, { value: current, label: current }]
    : options;
}

function MappingEditor({
  connection,
  connector,
  canManage,
}: {
  connection: ErpConnection;
  connector: ErpConnector | undefined;
  canManage: boolean;
}) {
  const save = useSaveErpMapping(connection.id);
  const [rows, setRows] = useState<Row[]>(() => connection.mapping.map(toRow));
  const [rowErrors, setRowErrors] = useState<Record<number, Partial<Record<RowField, string>>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const leadOptions = (connector?.leadFields ?? []).map((f) => ({ value: f.key, label: f.label }));
  const erpOptions = (connector?.customerFields ?? []).map((f) => ({
    value: f.name,
    label: f.required ? `${f.label} (required)` : f.label,
  }));

  const change = (key: number, patch: Partial<Row>) => {
    setRows((current) => current.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    const index = rows.findIndex((r) => r.key === key);
    setRowErrors((current) => {
      if (!current[index]) return current;
      const next = { ...current };
      delete next[index];
      return next;
    });
  };

  const submit = () => {
    const missing: Record<number, Partial<Record<RowField, string>>> = {};
    rows.forEach((r, i) => {
      if (!r.leadField) missing[i] = { ...missing[i], leadField: 'Choose a lead field' };
      if (!r.erpField) missing[i] = { ...missing[i], erpField: 'Choose an ERP field' };
    });
    if (Object.keys(missing).length > 0) {
      setRowErrors(missing);
      return;
    }
    const fields: ErpMappingField[] = rows.map((r) => ({
      leadField: r.leadField ?? '',
      erpField: r.erpField ?? '',
      policy: r.policy,
      ...(r.transform !== 'none' ? { transform: r.transform } : {}),
      ...(r.valueMap ? { valueMap: r.valueMap } : {}),
    }));
    setRowErrors({});
    setFormError(null);
    save.mutate(fields, {
      onSuccess: (updated) => {
        setRows(updated.mapping.map(toRow));
        notifySuccess('Mapping saved');
      },
      onError: (error) => {
        const placed: Record<number, Partial<Record<RowField, string>>> = {};
        const split = splitErrors(error, (key) =>
          /^(fields|mapping)\.\d+\.(leadField|erpField|policy|transform|valueMap)/.test(key),
        );
        for (const [key, message] of Object.entries(split.fields)) {
          const [, index, field] = key.split('.');
          placed[Number(index)] = { ...placed[Number(index)], [field as RowField]: message };
        }
        setRowErrors(placed);
        setFormError(split.rest);
      },
    });
  };

  const comparable = (r: Omit<Row, 'key'> | ErpMappingField) =>
    JSON.stringify([r.leadField, r.erpField, r.policy, r.transform ?? 'none', r.valueMap ?? null]);
  const dirty =
    rows.length !== connection.mapping.length ||
    rows.some((r, i) => {
      const saved = connection.mapping[i];
      return !saved || comparable(r) !== comparable(saved);
    });

  return (
    <Stack gap="sm" aria-label="Field mapping">
      <Text size="sm" c="dimmed">
        Which lead field fills which {connection.connectorLabel} customer field, and who wins when both sides change it.
      </Text>
      {rows.length === 0 && <Empty>No fields mapped yet.</Empty>}
      {rows.map((row, index) => {
        const errors = rowErrors[index] ?? {};
        return (
          <Paper key={row.key} withBorder p="sm" data-testid="erp-mapping-row">
            <Grid gap="xs" align="flex-end">
              <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                <Select
                  label="Lead field"
                  data={withCurrent(leadOptions, row.leadField)}
                  value={row.leadField}
                  onChange={(v) => change(row.key, { leadField: v })}
                  searchable
                  disabled={!canManage}
                  error={errors.leadField}
                  allowDeselect={false}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                <Select
                  label={`${connection.connectorLabel} field`}
                  data={withCurrent(erpOptions, row.erpField)}
                  value={row.erpField}
                  onChange={(v) => change(row.key, { erpField: v })}
                  searchable
                  disabled={!canManage}
                  error={errors.erpField}
                  allowDeselect={false}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                <Select
                  label="When both change"
                  data={policyOptions}
                  value={row.policy}
                  onChange={(v) => v && change(row.key, { policy: v as Row['policy'] })}
                  disabled={!canManage}
                  error={errors.policy}
                  allowDeselect={false}
                />
              </Grid.Col>
              <Grid.Col span={{ base: canManage ? 10 : 12, sm: canManage ? 5 : 6, md: canManage ? 2 : 3 }}>
                <Select
                  label="Transform"
                  data={transformOptions}
                  value={row.transform}
                  onChange={(v) => v && change(row.key, { transform: v as Row['transform'] })}
                  disabled={!canManage}
                  error={errors.transform}
                  allowDeselect={false}
                />
              </Grid.Col>
              {canManage && (
                <Grid.Col span={{ base: 2, sm: 1, md: 1 }}>
                  <Group justify="flex-end">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      size="lg"
                      aria-label={`Remove row ${index + 1}`}
                      onClick={() => {
                        setRows((current) => current.filter((r) => r.key !== row.key));
                        setRowErrors({});
                      }}
                    >
                      <IconX size={16} />
                    </ActionIcon>
                  </Group>
                </Grid.Col>
              )}
            </Grid>
            {row.valueMap && Object.keys(row.valueMap).length > 0 && (
              <Text size="xs" c="dimmed" mt={6}>
                Values translated:{' '}
                {Object.entries(row.valueMap)
                  .map(([a, b]) => `${a} → ${b}`)
                  .join(', ')}
              </Text>
            )}
            {errors.valueMap && (
              <Text size="xs" c="red" mt={4}>
                {errors.valueMap}
              </Text>
            )}
          </Paper>
        );
      })}
      {formError && (
        <Alert color="red" role="alert">
          {formError}
        </Alert>
      )}
      {canManage && (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() =>
                setRows((current) => [
                  ...current,
                  { key: nextRowKey++, leadField: null, erpField: null, policy: 'latest', transform: 'none' },
                ])
              }
            >
              Add field
            </Button>
            {connector && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() => {
                  setRows(connector.defaultMapping.map(toRow));
                  setRowErrors({});
                }}
              >
                Use the suggested mapping
              </Button>
            )}
          </Group>
          <Group gap="xs">
            {dirty && (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                onClick={() => {
                  setRows(connection.mapping.map(toRow));
                  setRowErrors({});
                  setFormError(null);
                }}
              >
                Discard changes
              </Button>
            )}
            <Button size="xs" onClick={submit} loading={save.isPending} disabled={!dirty || rows.length === 0}>
              Save mapping
            </Button>
          </Group>
        </Group>
      )}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ runs

const runColors: Record<ErpRun['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
};

function countsText(counts: Record<string, number>): string {
  const entries = Object.entries(counts).filter(([, n]) => n !== 0);
  if (entries.length === 0) return 'nothing changed';
  return entries
    .map(([k, n]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${formatNumber(n)}`)
    .join(' · ');
}

function RunRow({ run }: { run: ErpRun }) {
  const active = run.status === 'queued' || run.status === 'running';
  return (
    <Paper withBorder p="sm" data-testid="erp-run">
      <Stack gap={4}>
        <Group gap="xs" wrap="wrap">
          <Badge color={runColors[run.status]} variant="light">
            {run.status}
          </Badge>
          <Text size="sm" fw={600}>
            {run.kind}
          </Text>
          <Text size="sm" c="dimmed">
            {run.trigger} · {formatDateTime(run.createdAt)}
            {run.finishedAt && run.startedAt
              ? ` · ${Math.max(0, Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000))} s`
              : ''}
          </Text>
          {active && <Loader size="xs" />}
          {run.status === 'running' && run.phase && (
            <Text size="sm" c="blue">
              {run.phase}…
            </Text>
          )}
        </Group>
        {!active && (
          <Text size="sm" c="dimmed">
            {countsText(run.counts)}
          </Text>
        )}
        {run.error && (
          <Text size="sm" c="red">
            {run.error}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Runs({ runs }: { runs: ReturnType<typeof useErpRuns> }) {
  if (runs.isPending) return <LoadingRows rows={3} />;
  if (runs.isError) return <ErrorAlert error={runs.error} onRetry={() => runs.refetch()} />;
  if (runs.data.data.length === 0) return <Empty>No runs yet.</Empty>;
  return (
    <Stack gap="xs">
      {runs.data.data.map((run) => (
        <RunRow key={run.id} run={run} />
      ))}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ the error queue

function ErrorRow({ item, canManage }: { item: ErpErrorItem; canManage: boolean }) {
  const act = useActOnErpError(item.connectionId);
  const run = (action: 'retry' | 'skip') =>
    act.mutate(
      { id: item.id, action },
      {
        onSuccess: () => notifySuccess(action === 'retry' ? 'Tried again' : 'Skipped'),
        onError: (e) => notifyError(e),
      },
    );
  return (
    <Paper withBorder p="sm" data-testid="erp-error">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={4} miw={0} style={{ flex: '1 1 260px' }}>
          <Group gap="xs" wrap="wrap">
            <LeadLink id={item.leadId} name={item.leadName} fallback={item.externalId} />
            <Badge variant="light" color="gray" size="sm">
              {item.direction} {item.entity}
            </Badge>
            <Badge variant="light" color="orange" size="sm">
              {item.kind}
            </Badge>
          </Group>
          <Text size="sm">
            {item.message}
            {item.vendorCode && (
              <>
                {' '}
                <Code>{item.vendorCode}</Code>
              </>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {item.attempts} {item.attempts === 1 ? 'attempt' : 'attempts'}
            {item.nextRetryAt ? ` · next try ${formatDateTime(item.nextRetryAt)}` : ' · no automatic retry'}
            {' · since '}
            {formatDateTime(item.createdAt)}
          </Text>
        </Stack>
        {canManage && (
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              loading={act.isPending && act.variables?.action === 'retry'}
              onClick={() => run('retry')}
            >
              Retry
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="gray"
              loading={act.isPending && act.variables?.action === 'skip'}
              onClick={() => run('skip')}
            >
              Skip
            </Button>
          </Group>
        )}
      </Group>
    </Paper>
  );
}

function Errors({ id, canManage }: { id: string; canManage: boolean }) {
  const errors = useErpErrors(id);
  if (errors.isPending) return <LoadingRows rows={3} />;
  if (errors.isError) return <ErrorAlert error={errors.error} onRetry={() => errors.refetch()} />;
  if (errors.data.data.length === 0) return <Empty>No open errors: everything was accepted.</Empty>;
  return (
    <Stack gap="xs">
      {errors.data.data.map((item) => (
        <ErrorRow key={item.id} item={item} canManage={canManage} />
      ))}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ conflicts

function ConflictRow({
  conflict,
  fieldLabel,
  connectorLabel,
  canManage,
}: {
  conflict: ErpConflict;
  fieldLabel: string;
  connectorLabel: string;
  canManage: boolean;
}) {
  const resolve = useResolveErpConflict(conflict.connectionId);
  const take = (side: 'erp' | 'iperform') =>
    resolve.mutate({ id: conflict.id, take: side }, { onError: (e) => notifyError(e) });
  return (
    <Paper withBorder p="sm" data-testid="erp-conflict">
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <LeadLink id={conflict.leadId} name={conflict.leadName} />
          <Text size="sm" c="dimmed">
            {fieldLabel} · since {formatDateTime(conflict.createdAt)}
          </Text>
        </Group>
        <Grid gap="xs">
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Text size="xs" c="dimmed">
              iPerform
            </Text>
            <Text size="sm" style={{ wordBreak: 'break-word' }}>
              {shown(conflict.ours)}
            </Text>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Text size="xs" c="dimmed">
              {connectorLabel}
            </Text>
            <Text size="sm" style={{ wordBreak: 'break-word' }}>
              {shown(conflict.theirs)}
            </Text>
          </Grid.Col>
        </Grid>
        {canManage && (
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              loading={resolve.isPending && resolve.variables?.take === 'iperform'}
              onClick={() => take('iperform')}
            >
              Keep iPerform
            </Button>
            <Button
              size="xs"
              variant="default"
              loading={resolve.isPending && resolve.variables?.take === 'erp'}
              onClick={() => take('erp')}
            >
              Take ERP
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function Conflicts({
  connection,
  connector,
  canManage,
}: {
  connection: ErpConnection;
  connector: ErpConnector | undefined;
  canManage: boolean;
}) {
  const conflicts = useErpConflicts(connection.id);
  if (conflicts.isPending) return <LoadingRows rows={3} />;
  if (conflicts.isError) return <ErrorAlert error={conflicts.error} onRetry={() => conflicts.refetch()} />;
  const open = conflicts.data.data.filter((c) => c.status === 'open');
  if (open.length === 0) return <Empty>No conflicts: nothing is waiting for a decision.</Empty>;
  const leadLabel = (key: string) => connector?.leadFields.find((f) => f.key === key)?.label ?? key;
  const erpLabel = (name: string) => connector?.customerFields.find((f) => f.name === name)?.label ?? name;
  return (
    <Stack gap="xs">
      {open.map((c) => (
        <ConflictRow
          key={c.id}
          conflict={c}
          fieldLabel={`${leadLabel(c.leadField)} ↔ ${erpLabel(c.erpField)}`}
          connectorLabel={connection.connectorLabel}
          canManage={canManage}
        />
      ))}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ review

function ReviewRow({
  item,
  connectionId,
  canManage,
}: {
  item: ErpReviewItem;
  connectionId: string;
  canManage: boolean;
}) {
  const review = useReviewErpCustomer(connectionId);
  const fields = Object.entries(item.fields).filter(([, v]) => v !== null && v !== '');
  const act = (action: 'link' | 'ignore', leadId?: string, name?: string) =>
    review.mutate(
      { externalId: item.externalId, action, ...(leadId ? { leadId } : {}) },
      {
        onSuccess: () => notifySuccess(action === 'link' ? `Linked to ${name}` : 'Left unlinked'),
        onError: (e) => notifyError(e),
      },
    );
  return (
    <Paper withBorder p="sm" data-testid="erp-review">
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={600}>
            {shown(item.fields.name ?? item.fields.CardName ?? item.fields.DisplayName ?? item.externalId)}
          </Text>
          <Code>{item.externalId}</Code>
          {item.status === 'ignored' && (
            <Badge color="gray" variant="light" size="sm">
              ignored
            </Badge>
          )}
        </Group>
        {fields.length > 0 && (
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
            {fields.map(([k, v]) => `${k}: ${shown(v)}`).join(' · ')}
          </Text>
        )}
        {canManage && (
          <Group gap="xs" wrap="wrap">
            {item.candidates.map((lead) => (
              <Button
                key={lead.id}
                size="xs"
                variant="default"
                loading={review.isPending && review.variables?.leadId === lead.id}
                onClick={() => act('link', lead.id, lead.name)}
              >
                Link to {lead.name}
              </Button>
            ))}
            {item.candidates.length === 0 && (
              <Text size="xs" c="dimmed">
                No likely lead.
              </Text>
            )}
            {item.status !== 'ignored' && (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                loading={review.isPending && review.variables?.action === 'ignore'}
                onClick={() => act('ignore')}
              >
                Ignore
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function Review({ id, canManage }: { id: string; canManage: boolean }) {
  const review = useErpReview(id);
  if (review.isPending) return <LoadingRows rows={3} />;
  if (review.isError) return <ErrorAlert error={review.error} onRetry={() => review.refetch()} />;
  if (review.data.data.length === 0) return <Empty>Every customer in the books is linked to a lead.</Empty>;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        Customers in the books that matched no lead on their own.
      </Text>
      {review.data.data.map((item) => (
        <ReviewRow key={item.externalId} item={item} connectionId={id} canManage={canManage} />
      ))}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ consistency

const driftLabels: Record<ErpDrift['type'], string> = {
  missing_in_erp: 'Missing in ERP',
  missing_in_iperform: 'Missing in iPerform',
  not_pulled: 'Not read yet',
  differs: 'Differs',
};
const directionLabels: Record<ErpDrift['direction'], string> = {
  to_erp: '→ ERP',
  to_iperform: '→ iPerform',
  none: '—',
};

function DriftReport({ runId }: { runId: string }) {
  const run = useErpRun(runId);
  if (run.isPending) return <LoadingRows rows={2} />;
  if (run.isError) return <ErrorAlert error={run.error} onRetry={() => run.refetch()} />;
  const drift = run.data.report?.drift ?? [];
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {run.data.status === 'failed'
          ? `The check of ${formatDateTime(run.data.createdAt)} failed: ${run.data.error ?? 'no reason given'}`
          : `${drift.length === 0 ? 'No drift' : `${formatNumber(drift.length)} differences`} found ${formatDateTime(
              run.data.finishedAt ?? run.data.createdAt,
            )}${run.data.trigger.includes('repair') ? ' (repaired)' : ''}.`}
        {run.data.report?.truncated ? ' Only the first differences are listed.' : ''}
      </Text>
      {drift.length > 0 && (
        <Table.ScrollContainer minWidth={680} type="native">
          <Table striped verticalSpacing="xs" fz="sm" data-testid="erp-drift">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>Lead</Table.Th>
                <Table.Th>Field</Table.Th>
                <Table.Th>iPerform</Table.Th>
                <Table.Th>ERP</Table.Th>
                <Table.Th>Direction</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {drift.map((d, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: drift rows have no id of their own.
                <Table.Tr key={i}>
                  <Table.Td>{driftLabels[d.type]}</Table.Td>
                  <Table.Td>
                    <LeadLink id={d.leadId} name={d.leadName} fallback={d.externalId} />
                  </Table.Td>
                  <Table.Td>{d.field ?? '—'}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>{shown(d.ours)}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>{shown(d.theirs)}</Table.Td>
                  <Table.Td>{directionLabels[d.direction]}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function Consistency({
  connection,
  runs,
  canManage,
}: {
  connection: ErpConnection;
  runs: ErpRun[];
  canManage: boolean;
}) {
  const consistency = useErpConsistency(connection.id);
  const checks = runs.filter((r) => r.kind === 'consistency');
  const active = checks.find((r) => r.status === 'queued' || r.status === 'running');
  const latest = checks.find((r) => r.status === 'succeeded' || r.status === 'failed');
  const start = (repair: boolean) =>
    consistency.mutate(repair, {
      onSuccess: () => notifySuccess(repair ? 'Repair queued' : 'Check queued'),
      onError: (e) => notifyError(e),
    });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Compares every linked customer on both sides. Repair settles each difference in the direction of its field’s
        policy.
      </Text>
      {canManage && (
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            loading={consistency.isPending && consistency.variables === false}
            disabled={Boolean(active) || connection.status === 'paused'}
            onClick={() => start(false)}
          >
            Check consistency
          </Button>
          <Button
            size="xs"
            variant="default"
            color="orange"
            loading={consistency.isPending && consistency.variables === true}
            disabled={Boolean(active) || connection.status === 'paused'}
            onClick={() => start(true)}
          >
            Repair
          </Button>
        </Group>
      )}
      {active && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm">
            {active.status === 'queued' ? 'Waiting to start…' : `Checking${active.phase ? ` ${active.phase}` : ''}…`}
          </Text>
        </Group>
      )}
      {latest ? <DriftReport runId={latest.id} /> : !active && <Empty>No check has been run yet.</Empty>}
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------ the page

function countBadge(n: number) {
  return n > 0 ? (
    <Badge size="xs" color="red" variant="filled" circle={n < 10}>
      {n}
    </Badge>
  ) : undefined;
}

/** Settings › ERP › one connection: health and actions, the field mapping, runs, errors, conflicts, review, drift. */
export function ErpConnectionPage() {
  const { id = '' } = useParams();
  const canManage = useCan('erp:manage');
  const connection = useErpConnection(id);
  const connectors = useErpConnectors();
  const runs = useErpRuns(id);
  const [tab, setTab] = useState<string | null>('runs');

  if (connection.isPending) {
    return (
      <Stack>
        {back}
        <LoadingRows />
      </Stack>
    );
  }
  if (connection.isError) {
    return (
      <Stack>
        {back}
        <ErrorAlert
          error={connection.error}
          onRetry={() => connection.refetch()}
          title="Could not load the connection"
        />
      </Stack>
    );
  }
  const c = connection.data;
  const connector = connectors.data?.data.find((k) => k.id === c.connector);
  return (
    <Stack gap="md">
      {back}
      <OAuthResult />
      <Card>
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap" align="center">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>
              {c.name}
            </Title>
            <ConnectionStatusBadge connection={c} />
            {c.connectorLabel !== c.name && (
              <Text size="sm" c="dimmed">
                {c.connectorLabel}
              </Text>
            )}
          </Group>
          <Health connection={c} />
          {canManage && <Actions connection={c} connector={connector} />}
          <ConnectionStats connection={c} />
        </Stack>
      </Card>
      <Card>
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
            <Tabs.Tab value="runs">Runs</Tabs.Tab>
            <Tabs.Tab value="mapping">Mapping</Tabs.Tab>
            <Tabs.Tab value="errors" rightSection={countBadge(c.stats.openErrors)}>
              Errors
            </Tabs.Tab>
            <Tabs.Tab value="conflicts" rightSection={countBadge(c.stats.openConflicts)}>
              Conflicts
            </Tabs.Tab>
            <Tabs.Tab value="review" rightSection={countBadge(c.stats.forReview)}>
              Review
            </Tabs.Tab>
            <Tabs.Tab value="consistency">Consistency</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="runs">
            <Runs runs={runs} />
          </Tabs.Panel>
          <Tabs.Panel value="mapping">
            <MappingEditor key={c.id} connection={c} connector={connector} canManage={canManage} />
          </Tabs.Panel>
          <Tabs.Panel value="errors">
            <Errors id={c.id} canManage={canManage} />
          </Tabs.Panel>
          <Tabs.Panel value="conflicts">
            <Conflicts connection={c} connector={connector} canManage={canManage} />
          </Tabs.Panel>
          <Tabs.Panel value="review">
            <Review id={c.id} canManage={canManage} />
          </Tabs.Panel>
          <Tabs.Panel value="consistency">
            <Consistency connection={c} runs={runs.data?.data ?? []} canManage={canManage} />
          </Tabs.Panel>
        </Tabs>
      </Card>
    </Stack>
  );
}
