import {
  ActionIcon,
  Alert,
  Autocomplete,
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { leadCatalog } from '../../lib/lead-catalog';
import { ApiError, errorMessage } from '../../lib/problem';
import { leadSources } from '../settings/sources';
import {
  type ExtractorPreview,
  type ExtractorSource,
  type ExtractorSourceBody,
  type MappingEntry,
  usePreview,
  useSaveSource,
} from './extractor.queries';

type Kind = 'mysql' | 'postgres' | 'http' | 'file';
type AuthKind = 'none' | 'bearer' | 'basic' | 'header';
type PageKind = 'none' | 'page' | 'offset' | 'cursor' | 'link';
type ValueKind = 'from' | 'constant' | 'expression';

const kinds: { value: Kind; label: string }[] = [
  { value: 'mysql', label: 'MySQL / MariaDB' },
  { value: 'postgres', label: 'PostgreSQL' },
  { value: 'http', label: 'HTTP JSON API' },
  { value: 'file', label: 'CSV or XLSX file at a URL' },
];
const authKinds: { value: AuthKind; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'User and password' },
  { value: 'header', label: 'Header key and value' },
];
const pageKinds: { value: PageKind; label: string }[] = [
  { value: 'none', label: 'One page' },
  { value: 'page', label: 'Page number' },
  { value: 'offset', label: 'Offset' },
  { value: 'cursor', label: 'Next cursor in the body' },
  { value: 'link', label: 'Link header (rel="next")' },
];
const transforms = [
  { value: '', label: 'As it is' },
  { value: 'trim', label: 'Trim' },
  { value: 'lower', label: 'Lower case' },
  { value: 'upper', label: 'Upper case' },
  { value: 'splitFirst', label: 'First word' },
  { value: 'splitLast', label: 'All but the first word' },
  { value: 'phone', label: 'Phone (digits and +)' },
  { value: 'date', label: 'Date' },
];
const valueKinds: { value: ValueKind; label: string }[] = [
  { value: 'from', label: 'Column' },
  { value: 'constant', label: 'Fixed value' },
  { value: 'expression', label: 'Expression' },
];

/** The lead fields a source may fill (as the server checks them); custom fields are typed as customFields.<key>. */
const targets = leadCatalog
  .filter((f) => f.key !== 'customFields' && (f.access !== 'system' || 'import' in f))
  .map((f) => ({ value: f.key, label: `${f.label} (${f.key})` }));

interface MappingRow {
  target: string;
  kind: ValueKind;
  value: string;
  transform: string;
  /** Kept as saved: the form does not edit it. */
  valueMap?: Record<string, string>;
}

interface Draft {
  name: string;
  kind: Kind;
  host: string;
  port: number | string;
  user: string;
  database: string;
  password: string;
  query: string;
  url: string;
  authKind: AuthKind;
  authUser: string;
  authName: string;
  authSecret: string;
  recordsPath: string;
  pageKind: PageKind;
  pageParam: string;
  pageStart: number | string;
  nextPath: string;
  sizeParam: string;
  size: number | string;
  cursorParam: string;
  format: 'csv' | 'xlsx';
  delimiter: string;
  cursorColumn: string;
  mapping: MappingRow[];
  leadSource: string;
  onDuplicate: 'skip' | 'merge';
  batchSize: number | string;
  schedule: string;
}

function draftOf(source: ExtractorSource | null): Draft {
  const p = source?.pagination;
  return {
    name: source?.name ?? '',
    kind: (source?.kind as Kind) ?? 'http',
    host: source?.host ?? '',
    port: source?.port ?? (source?.kind === 'postgres' ? 5432 : 3306),
    user: source?.user ?? '',
    database: source?.database ?? '',
    password: '',
    query: source?.query ?? '',
    url: source?.url ?? '',
    authKind: (source?.auth?.kind as AuthKind) ?? 'none',
    authUser: source?.auth?.user ?? '',
    authName: source?.auth?.name ?? '',
    authSecret: '',
    recordsPath: source?.recordsPath ?? '',
    pageKind: (p?.kind as PageKind) ?? 'none',
    pageParam: p?.param ?? '',
    pageStart: p?.start ?? '',
    nextPath: p?.nextPath ?? '',
    sizeParam: p?.sizeParam ?? '',
    size: p?.size ?? '',
    cursorParam: source?.cursorParam ?? '',
    format: (source?.format as 'csv' | 'xlsx') ?? 'csv',
    delimiter: source?.delimiter ?? ',',
    cursorColumn: source?.cursorColumn ?? '',
    mapping: (source?.mapping ?? [{ target: 'name', from: '' }]).map((m) => ({
      target: m.target,
      kind: m.expression !== undefined ? 'expression' : m.constant !== undefined ? 'constant' : 'from',
      value: m.expression ?? m.constant ?? m.from ?? '',
      transform: m.transform ?? '',
      ...(m.valueMap ? { valueMap: m.valueMap } : {}),
    })),
    leadSource: source?.leadSource ?? 'erp',
    onDuplicate: (source?.onDuplicate as 'skip' | 'merge') ?? 'skip',
    batchSize: source?.batchSize ?? 1000,
    schedule: source?.schedule ?? '',
  };
}

const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
const num = (value: number | string) => (value === '' || value === undefined ? undefined : Number(value));

/** The body the API takes, from the form: only the fields of the chosen kind. */
function bodyOf(d: Draft, editing: ExtractorSource | null): ExtractorSourceBody {
  // Empty inputs are left out, so that the server names every missing field at once.
  const mapping: MappingEntry[] = d.mapping.map((m) => ({
    target: m.target.trim(),
    ...(m.value.trim() === '' ? {} : { [m.kind]: m.kind === 'constant' ? m.value : m.value.trim() }),
    ...(m.transform ? { transform: m.transform as MappingEntry['transform'] } : {}),
    ...(m.valueMap ? { valueMap: m.valueMap } : {}),
  }));
  const common = {
    name: d.name.trim(),
    kind: d.kind,
    mapping,
    leadSource: d.leadSource as ExtractorSourceBody['leadSource'],
    onDuplicate: d.onDuplicate,
    batchSize: num(d.batchSize) ?? 1000,
    schedule: text(d.schedule) ?? null,
  };
  if (d.kind === 'mysql' || d.kind === 'postgres') {
    return {
      ...common,
      host: text(d.host),
      port: num(d.port),
      user: text(d.user),
      database: text(d.database),
      query: text(d.query),
      cursorColumn: text(d.cursorColumn),
      // An empty password field keeps the stored one.
      ...(d.password !== '' ? { password: d.password } : {}),
    } as ExtractorSourceBody;
  }
  const secret = d.authSecret === '' ? {} : null;
  const auth =
    d.authKind === 'bearer'
      ? { kind: 'bearer' as const, ...(secret ?? { token: d.authSecret }) }
      : d.authKind === 'basic'
        ? { kind: 'basic' as const, user: d.authUser.trim(), ...(secret ?? { password: d.authSecret }) }
        : d.authKind === 'header'
          ? { kind: 'header' as const, name: d.authName.trim(), ...(secret ?? { value: d.authSecret }) }
          : { kind: 'none' as const };
  const cursor = text(d.cursorColumn) ?? (editing ? null : undefined);
  if (d.kind === 'file') {
    return {
      ...common,
      url: d.url.trim(),
      auth,
      format: d.format,
      delimiter: d.delimiter || ',',
      cursorColumn: cursor,
    };
  }
  return {
    ...common,
    url: text(d.url),
    auth,
    recordsPath: text(d.recordsPath),
    pagination: {
      kind: d.pageKind,
      ...(text(d.pageParam) ? { param: text(d.pageParam) } : {}),
      ...(num(d.pageStart) !== undefined && d.pageKind === 'page' ? { start: num(d.pageStart) } : {}),
      ...(text(d.nextPath) && d.pageKind === 'cursor' ? { nextPath: text(d.nextPath) } : {}),
      ...(text(d.sizeParam) ? { sizeParam: text(d.sizeParam) } : {}),
      ...(num(d.size) !== undefined ? { size: num(d.size) } : {}),
    },
    cursorParam: text(d.cursorParam) ?? null,
    cursorColumn: cursor,
  };
}

/** Field errors by the API's full path (`url`, `auth.token`, `mapping.2.target`), and the rest for the form. */
function splitErrors(error: unknown): { fields: Record<string, string>; form: string | null } {
  const fields: Record<string, string> = {};
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const path = item.path.replace(/^\//, '').replaceAll('/', '.');
      fields[path] ??= item.message;
    }
    return { fields, form: `Check the fields marked: ${error.problem.errors.map((e) => e.path).join(', ')}` };
  }
  return { fields, form: errorMessage(error) };
}

/**
 * Adds or changes a source of any kind: how to reach it (a database, an API, a file), the cursor, the mapping
 * of its columns to lead fields, and when it runs. "Save and preview" shows the first 50 rows mapped.
 */
export function SourceFormModal({
  opened,
  source,
  onClose,
  onPreview,
}: {
  opened: boolean;
  source: ExtractorSource | null;
  onClose: () => void;
  onPreview: (preview: ExtractorPreview) => void;
}) {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      fullScreen={compact}
      size="xl"
      title={<Text fw={650}>{source ? `Edit ${source.name}` : 'New extractor source'}</Text>}
    >
      {opened && <SourceForm key={source?.id ?? 'new'} source={source} onDone={onClose} onPreview={onPreview} />}
    </Modal>
  );
}

function SourceForm({
  source,
  onDone,
  onPreview,
}: {
  source: ExtractorSource | null;
  onDone: () => void;
  onPreview: (preview: ExtractorPreview) => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(source));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSaveSource();
  const preview = usePreview();
  /** A changed field drops the errors the server gave it (`auth` for any authentication field). */
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setD((current) => ({ ...current, [key]: value }));
    const prefix = key.startsWith('auth') ? 'auth' : key.startsWith('page') || key === 'nextPath' ? 'pagination' : key;
    setErrors((current) =>
      key === 'mapping'
        ? current
        : Object.fromEntries(Object.entries(current).filter(([path]) => !path.startsWith(prefix))),
    );
  };
  const err = (path: string) => errors[path];
  const isDb = d.kind === 'mysql' || d.kind === 'postgres';
  const secretStored = source?.auth?.hasSecret && source.auth.kind === d.authKind && source.kind === d.kind;

  const setRow = (i: number, patch: Partial<MappingRow>) => {
    set(
      'mapping',
      d.mapping.map((row, j) => (j === i ? { ...row, ...patch } : row)),
    );
    setErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([path]) => !path.startsWith(`mapping.${i}.`))),
    );
  };

  const submit = (thenPreview: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    setErrors({});
    setFormError(null);
    save.mutate(
      { id: source?.id ?? null, body: bodyOf(d, source) },
      {
        onSuccess: (saved) => {
          if (!thenPreview) return onDone();
          preview.mutate(saved.id, {
            onSuccess: (result) => {
              onDone();
              onPreview(result);
            },
            onError: (error) => setFormError(`Saved, but the preview failed: ${errorMessage(error)}`),
          });
        },
        onError: (error) => {
          const split = splitErrors(error);
          setErrors(split.fields);
          setFormError(split.form);
        },
      },
    );
  };

  const authFields = (
    <>
      <Select
        label="Authentication"
        data={authKinds}
        value={d.authKind}
        onChange={(v) => set('authKind', (v as AuthKind) ?? 'none')}
        allowDeselect={false}
        error={err('auth.kind')}
      />
      {d.authKind === 'basic' && (
        <TextInput
          label="User"
          value={d.authUser}
          onChange={(e) => set('authUser', e.currentTarget.value)}
          error={err('auth.user')}
        />
      )}
      {d.authKind === 'header' && (
        <TextInput
          label="Header name"
          placeholder="X-Api-Key"
          value={d.authName}
          onChange={(e) => set('authName', e.currentTarget.value)}
          error={err('auth.name')}
        />
      )}
      {d.authKind !== 'none' && (
        <PasswordInput
          label={d.authKind === 'bearer' ? 'Token' : d.authKind === 'basic' ? 'Password' : 'Header value'}
          description={secretStored ? 'Stored sealed; leave empty to keep it' : 'Stored sealed, never shown again'}
          value={d.authSecret}
          onChange={(e) => set('authSecret', e.currentTarget.value)}
          error={err('auth.token') ?? err('auth.password') ?? err('auth.value')}
          autoComplete="new-password"
        />
      )}
    </>
  );

  return (
    <form onSubmit={submit(false)} noValidate aria-label="Extractor source">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            required
            value={d.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={err('name')}
            data-autofocus
          />
          <Select
            label="Kind"
            data={kinds}
            value={d.kind}
            onChange={(v) => v && set('kind', v as Kind)}
            allowDeselect={false}
            error={err('kind')}
          />
        </SimpleGrid>

        {isDb && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Host"
                required
                value={d.host}
                onChange={(e) => set('host', e.currentTarget.value)}
                error={err('host')}
              />
              <NumberInput
                label="Port"
                required
                min={1}
                max={65535}
                value={d.port}
                onChange={(v) => set('port', v)}
                error={err('port')}
              />
              <TextInput
                label="Database"
                required
                value={d.database}
                onChange={(e) => set('database', e.currentTarget.value)}
                error={err('database')}
              />
              <TextInput
                label="User"
                required
                value={d.user}
                onChange={(e) => set('user', e.currentTarget.value)}
                error={err('user')}
              />
              <PasswordInput
                label="Password"
                description={source?.hasPassword && isDb ? 'Leave empty to keep the stored one' : 'Stored sealed'}
                value={d.password}
                onChange={(e) => set('password', e.currentTarget.value)}
                error={err('password')}
                autoComplete="new-password"
              />
              <TextInput
                label="Cursor column"
                description="A column that grows: an id or an updated-at"
                required
                value={d.cursorColumn}
                onChange={(e) => set('cursorColumn', e.currentTarget.value)}
                error={err('cursorColumn')}
              />
            </SimpleGrid>
            <Textarea
              label="Query"
              description="One SELECT; the cursor column must be in its output"
              required
              autosize
              minRows={3}
              styles={{ input: { fontFamily: 'monospace' } }}
              value={d.query}
              onChange={(e) => set('query', e.currentTarget.value)}
              error={err('query')}
            />
          </>
        )}

        {!isDb && (
          <>
            <TextInput
              label="URL"
              required
              placeholder={
                d.kind === 'file' ? 'https://files.example.com/leads.csv' : 'https://api.example.com/v1/customers'
              }
              value={d.url}
              onChange={(e) => set('url', e.currentTarget.value)}
              error={err('url')}
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }}>{authFields}</SimpleGrid>
          </>
        )}

        {d.kind === 'http' && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Records path"
                description="Where the list is in the answer: data.items, or $ for the whole body"
                required
                value={d.recordsPath}
                onChange={(e) => set('recordsPath', e.currentTarget.value)}
                error={err('recordsPath')}
              />
              <TextInput
                label="Cursor field"
                description="A field of the records that grows (optional)"
                value={d.cursorColumn}
                onChange={(e) => set('cursorColumn', e.currentTarget.value)}
                error={err('cursorColumn')}
              />
              <TextInput
                label="Send the cursor as"
                description="A query parameter, e.g. updated_since (optional)"
                value={d.cursorParam}
                onChange={(e) => set('cursorParam', e.currentTarget.value)}
                error={err('cursorParam')}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label="Pagination"
                data={pageKinds}
                value={d.pageKind}
                onChange={(v) => set('pageKind', (v as PageKind) ?? 'none')}
                allowDeselect={false}
                error={err('pagination.kind') ?? err('pagination')}
              />
              {['page', 'offset', 'cursor'].includes(d.pageKind) && (
                <TextInput
                  label={`${d.pageKind === 'page' ? 'Page' : d.pageKind === 'offset' ? 'Offset' : 'Cursor'} parameter`}
                  placeholder={d.pageKind === 'cursor' ? 'cursor' : d.pageKind}
                  value={d.pageParam}
                  onChange={(e) => set('pageParam', e.currentTarget.value)}
                  error={err('pagination.param')}
                />
              )}
              {d.pageKind === 'page' && (
                <NumberInput
                  label="First page"
                  placeholder="1"
                  min={0}
                  value={d.pageStart}
                  onChange={(v) => set('pageStart', v)}
                  error={err('pagination.start')}
                />
              )}
              {d.pageKind === 'cursor' && (
                <TextInput
                  label="Next cursor path"
                  placeholder="meta.next"
                  value={d.nextPath}
                  onChange={(e) => set('nextPath', e.currentTarget.value)}
                  error={err('pagination.nextPath')}
                />
              )}
              {d.pageKind !== 'none' && (
                <>
                  <TextInput
                    label="Page size parameter"
                    placeholder="per_page"
                    value={d.sizeParam}
                    onChange={(e) => set('sizeParam', e.currentTarget.value)}
                    error={err('pagination.sizeParam')}
                  />
                  <NumberInput
                    label="Page size"
                    min={1}
                    max={10000}
                    value={d.size}
                    onChange={(v) => set('size', v)}
                    error={err('pagination.size')}
                  />
                </>
              )}
            </SimpleGrid>
          </>
        )}

        {d.kind === 'file' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Format"
              data={[
                { value: 'csv', label: 'CSV' },
                { value: 'xlsx', label: 'XLSX (first worksheet)' },
              ]}
              value={d.format}
              onChange={(v) => set('format', (v as 'csv' | 'xlsx') ?? 'csv')}
              allowDeselect={false}
              error={err('format')}
            />
            {d.format === 'csv' && (
              <Select
                label="Delimiter"
                data={[
                  { value: ',', label: 'Comma ,' },
                  { value: ';', label: 'Semicolon ;' },
                  { value: '\t', label: 'Tab' },
                  { value: '|', label: 'Pipe |' },
                ]}
                value={d.delimiter}
                onChange={(v) => set('delimiter', v ?? ',')}
                allowDeselect={false}
                error={err('delimiter')}
              />
            )}
            <TextInput
              label="Cursor column"
              description="A column that grows (optional)"
              value={d.cursorColumn}
              onChange={(e) => set('cursorColumn', e.currentTarget.value)}
              error={err('cursorColumn')}
            />
          </SimpleGrid>
        )}

        <Divider label="Mapping: lead field ← value" labelPosition="left" />
        <Stack gap="xs" aria-label="Mapping">
          {d.mapping.map((row, i) => (
            <Group
              // biome-ignore lint/suspicious/noArrayIndexKey: mapping rows are edited in place and have no id.
              key={i}
              gap="xs"
              align="flex-start"
              wrap="wrap"
              data-testid="mapping-row"
            >
              <Autocomplete
                aria-label={`Lead field ${i + 1}`}
                placeholder="Lead field"
                data={targets}
                value={row.target}
                onChange={(v) => setRow(i, { target: v })}
                error={err(`mapping.${i}.target`)}
                style={{ flex: '1 1 150px' }}
              />
              <Select
                aria-label={`Value kind ${i + 1}`}
                data={valueKinds}
                value={row.kind}
                onChange={(v) => setRow(i, { kind: (v as ValueKind) ?? 'from' })}
                allowDeselect={false}
                style={{ flex: '0 1 130px' }}
              />
              <TextInput
                aria-label={`Value ${i + 1}`}
                placeholder={row.kind === 'from' ? 'Column' : row.kind === 'constant' ? 'Value' : "first & ' ' & last"}
                value={row.value}
                onChange={(e) => setRow(i, { value: e.currentTarget.value })}
                error={err(`mapping.${i}.from`) ?? err(`mapping.${i}.expression`) ?? err(`mapping.${i}.constant`)}
                style={{ flex: '1 1 150px' }}
                styles={row.kind === 'expression' ? { input: { fontFamily: 'monospace' } } : undefined}
              />
              <Select
                aria-label={`Transform ${i + 1}`}
                data={transforms}
                value={row.transform}
                onChange={(v) => setRow(i, { transform: v ?? '' })}
                allowDeselect={false}
                style={{ flex: '0 1 150px' }}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove mapping ${i + 1}`}
                onClick={() =>
                  set(
                    'mapping',
                    d.mapping.filter((_, j) => j !== i),
                  )
                }
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          {err('mapping') && (
            <Text size="sm" c="red">
              {err('mapping')}
            </Text>
          )}
          <Group>
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => set('mapping', [...d.mapping, { target: '', kind: 'from', value: '', transform: '' }])}
            >
              Add field
            </Button>
          </Group>
        </Stack>

        <Divider label="Writing and schedule" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <Select
            label="Lead source"
            data={leadSources.map((s) => ({ value: s.value, label: s.label }))}
            value={d.leadSource}
            onChange={(v) => set('leadSource', v ?? 'erp')}
            allowDeselect={false}
            error={err('leadSource')}
          />
          <Select
            label="A row matching a lead"
            data={[
              { value: 'skip', label: 'Skip it' },
              { value: 'merge', label: 'Update the lead' },
            ]}
            value={d.onDuplicate}
            onChange={(v) => set('onDuplicate', (v as 'skip' | 'merge') ?? 'skip')}
            allowDeselect={false}
          />
          <NumberInput
            label="Rows per batch"
            min={1}
            max={5000}
            value={d.batchSize}
            onChange={(v) => set('batchSize', v)}
            error={err('batchSize')}
          />
          <TextInput
            label="Schedule (cron)"
            placeholder="On demand; e.g. 0 * * * *"
            value={d.schedule}
            onChange={(e) => set('schedule', e.currentTarget.value)}
            error={err('schedule')}
          />
        </SimpleGrid>

        {formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm" wrap="wrap">
          <Button variant="default" onClick={onDone} disabled={save.isPending}>
            Cancel
          </Button>
          <Button variant="light" onClick={() => submit(true)()} loading={save.isPending || preview.isPending}>
            Save and preview
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
