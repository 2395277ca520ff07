import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Divider,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { formatNumber } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCustomFields } from '../leads/customFields.queries';
import { cleanMapping, hasName, IGNORE, targetOf, targetOptions, withTarget } from './importFields';
import classes from './imports.module.css';
import { type ImportDetail, type Mapping, useDeleteMapping, useSavedMappings, useSaveMapping } from './imports.queries';
import { Constants, ValueMaps } from './ValueMaps';

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** What was detected about the file, said plainly. */
export function FileFacts({ detail }: { detail: ImportDetail }) {
  const facts = [
    detail.format.toUpperCase(),
    detail.encoding ? detail.encoding.toUpperCase() : null,
    detail.delimiter ? `${delimiterNames[detail.delimiter] ?? detail.delimiter} separated` : null,
    `${formatNumber(detail.progress.totalRows)} ${detail.progress.totalRows === 1 ? 'row' : 'rows'}`,
    `${detail.headers.length} columns`,
  ].filter((f): f is string => f !== null);
  return (
    <Stack gap={6}>
      <Group gap={6} aria-label="Detected">
        <Text size="sm" fw={600} mr={4} className={classes.fileName}>
          {detail.fileName}
        </Text>
        {facts.map((fact) => (
          <Badge key={fact} color="gray" variant="light" tt="none">
            {fact}
          </Badge>
        ))}
      </Group>
      {detail.parseFailures > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} p="xs">
          <Text size="sm">
            {formatNumber(detail.parseFailures)} {detail.parseFailures === 1 ? 'row' : 'rows'} of the file could not be
            read (a wrong number of cells, or a broken line): {detail.parseFailures === 1 ? 'it is' : 'they are'}{' '}
            reported in the result and not imported.
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

function samplesOf(detail: ImportDetail, index: number): string {
  const values = detail.sample.map((row) => row[index] ?? '').filter((v) => v.trim() !== '');
  return values.slice(0, 3).join(' · ') || 'empty in the first rows';
}

/** Step 2: which field each column feeds, value maps, defaults; saved mappings to load and save. */
export function MappingStep({
  detail,
  mapping,
  onChange,
  mappingId,
  onMappingId,
  onNext,
  busy,
}: {
  detail: ImportDetail;
  mapping: Mapping;
  onChange: (mapping: Mapping) => void;
  mappingId: string | null;
  onMappingId: (id: string | null) => void;
  onNext: () => void;
  busy: boolean;
}) {
  const customFields = useCustomFields();
  const defs = customFields.data ?? [];
  const saved = useSavedMappings();
  const save = useSaveMapping();
  const remove = useDeleteMapping();
  const [saveName, setSaveName] = useState('');
  const options = targetOptions(defs);
  const named = hasName(mapping);

  const load = (id: string | null) => {
    onMappingId(id);
    const found = saved.data?.find((m) => m.id === id);
    onChange(found ? found.mapping : detail.suggestedMapping);
  };

  const saveCurrent = () => {
    const name = saveName.trim();
    if (!name) return;
    save.mutate(
      { name, mapping: cleanMapping(mapping) },
      {
        onSuccess: (result) => {
          onMappingId(result.id);
          setSaveName('');
          notifySuccess(`“${result.name}” can be used for the next files like this one.`, 'Mapping saved');
        },
        onError: (error) => notifyError(error, 'The mapping was not saved'),
      },
    );
  };

  return (
    <Stack gap="lg">
      <FileFacts detail={detail} />

      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Saved mapping"
          placeholder="Suggested from the headers"
          data={(saved.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          value={mappingId}
          onChange={load}
          clearable
          style={{ flex: '1 1 220px' }}
          maw={360}
        />
        {mappingId && (
          <Tooltip label="Delete this saved mapping">
            <ActionIcon
              variant="default"
              size={36}
              aria-label="Delete this saved mapping"
              loading={remove.isPending}
              onClick={() =>
                remove.mutate(mappingId, {
                  onSuccess: () => onMappingId(null),
                  onError: (error) => notifyError(error, 'The mapping was not deleted'),
                })
              }
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        )}
        <TextInput
          label="Save this mapping as"
          placeholder="e.g. HubSpot export"
          value={saveName}
          onChange={(e) => setSaveName(e.currentTarget.value)}
          style={{ flex: '1 1 200px' }}
          maw={300}
        />
        <Button
          variant="default"
          leftSection={<IconDeviceFloppy size={16} />}
          onClick={saveCurrent}
          disabled={!saveName.trim()}
          loading={save.isPending}
        >
          Save
        </Button>
      </Group>

      <section aria-label="Columns">
        <div className={classes.mapRow}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Column of the file
          </Text>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" visibleFrom="sm">
            First values
          </Text>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" visibleFrom="sm">
            Imported as
          </Text>
        </div>
        {detail.headers.map((header, index) => {
          const target = targetOf(mapping, header);
          return (
            <div className={classes.mapRow} key={header} data-ignored={target === IGNORE || undefined}>
              <Text size="sm" fw={600} className={classes.fileName}>
                {header}
              </Text>
              <Text className={classes.sample}>{samplesOf(detail, index)}</Text>
              <Select
                aria-label={`Import ${header} as`}
                data={options}
                value={target}
                onChange={(value) => onChange(withTarget(mapping, header, value ?? IGNORE))}
                allowDeselect={false}
                searchable
                size="sm"
                c={target === IGNORE ? 'dimmed' : undefined}
              />
            </div>
          );
        })}
      </section>

      <ValueMaps detail={detail} mapping={mapping} onChange={onChange} />

      <div>
        <Divider label="For rows where it is blank" labelPosition="left" mb="sm" />
        <Constants mapping={mapping} onChange={onChange} />
      </div>

      <Select
        label="Dates like 05/03/2026 are"
        data={[
          { value: 'auto', label: 'As in my company’s locale' },
          { value: 'dmy', label: 'Day first (5 March 2026)' },
          { value: 'mdy', label: 'Month first (3 May 2026)' },
          { value: 'ymd', label: 'Year first' },
        ]}
        value={mapping.dateFormat ?? 'auto'}
        onChange={(value) => onChange({ ...mapping, dateFormat: (value ?? 'auto') as Mapping['dateFormat'] })}
        allowDeselect={false}
        maw={320}
      />

      <Select
        label="A row with one bad value (an invalid email, a number that does not read)"
        description="Name, stage, owner and required fields are never left out: a row without them fails."
        data={[
          { value: 'reject_row', label: 'Fails: the row is not imported' },
          { value: 'skip_value', label: 'Is imported without that value, and flagged' },
        ]}
        value={mapping.badValues ?? 'reject_row'}
        onChange={(value) => onChange({ ...mapping, badValues: (value ?? 'reject_row') as Mapping['badValues'] })}
        allowDeselect={false}
        maw={420}
      />

      {!named && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} role="alert">
          Every lead needs a name: import a column as Name (or as First name and Last name).
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={onNext} disabled={!named} loading={busy}>
          Check the rows
        </Button>
      </Group>
    </Stack>
  );
}
