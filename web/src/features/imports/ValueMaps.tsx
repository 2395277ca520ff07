import { Card, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { sourceOptions } from '../leads/fields';
import { useStages } from '../leads/pipeline.queries';
import { UserPicker } from '../leads/UserPicker';
import { valueMapColumns } from './importFields';
import type { ImportDetail, Mapping } from './imports.queries';

type Kind = 'stage' | 'source' | 'owner';

const titles: Record<Kind, string> = {
  stage: 'Stages',
  source: 'Sources',
  owner: 'Owners',
};
const hints: Record<Kind, string> = {
  stage: 'Which stage each value of the file means. Values left alone are matched by stage name or key.',
  source: 'Which lead source each value means. Values left alone are matched by name, else “Other”.',
  owner:
    'Who each value is. Values left alone are matched by name or email; rows with no owner follow the assignment rules.',
};

function setValue(mapping: Mapping, kind: Kind, from: string, to: string | null): Mapping {
  const current = { ...(mapping.values?.[kind] ?? {}) } as Record<string, string>;
  if (to) current[from] = to;
  else delete current[from];
  return { ...mapping, values: { ...(mapping.values ?? {}), [kind]: current } };
}

/** Value maps: the file's own words for stages, sources and owners, turned into this company's. */
export function ValueMaps({
  detail,
  mapping,
  onChange,
}: {
  detail: ImportDetail;
  mapping: Mapping;
  onChange: (mapping: Mapping) => void;
}) {
  const { stages } = useStages();
  const kinds = (['stage', 'source', 'owner'] as const)
    .map((kind) => {
      const values = [
        ...new Set(valueMapColumns(mapping, kind).flatMap((header) => detail.columnValues[header] ?? [])),
      ].filter((v) => v.trim() !== '');
      return { kind, values };
    })
    .filter((entry) => entry.values.length > 0);
  if (kinds.length === 0) return null;

  return (
    <Stack gap="md">
      {kinds.map(({ kind, values }) => (
        <Card key={kind} withBorder p="md" aria-label={`${titles[kind]} of the file`}>
          <Text fw={600} size="sm">
            {titles[kind]}
          </Text>
          <Text size="xs" c="dimmed" mb="sm">
            {hints[kind]}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {values.map((value) => {
              const chosen = (mapping.values?.[kind] as Record<string, string> | undefined)?.[value] ?? null;
              const label = `“${value}”`;
              if (kind === 'owner') {
                return (
                  <UserPicker
                    key={value}
                    label={label}
                    placeholder="Match by name or email"
                    value={chosen}
                    onChange={(id) => onChange(setValue(mapping, kind, value, id))}
                    clearable
                  />
                );
              }
              return (
                <Select
                  key={value}
                  label={label}
                  placeholder={kind === 'stage' ? 'Match by name' : 'Match by name'}
                  data={kind === 'stage' ? stages.map((s) => ({ value: s.key, label: s.name })) : sourceOptions}
                  value={chosen}
                  onChange={(next) => onChange(setValue(mapping, kind, value, next))}
                  clearable
                />
              );
            })}
          </SimpleGrid>
        </Card>
      ))}
    </Stack>
  );
}

/** Values for rows whose own cell is blank (or for a field no column feeds). */
export function Constants({ mapping, onChange }: { mapping: Mapping; onChange: (mapping: Mapping) => void }) {
  const { stages } = useStages();
  const constants = (mapping.constants ?? {}) as Record<string, string>;
  const set = (field: string, value: string | null) =>
    onChange({ ...mapping, constants: { ...constants, [field]: value ?? '' } });
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
      <Select
        label="Source"
        placeholder="Import"
        data={sourceOptions}
        value={constants.source || null}
        onChange={(v) => set('source', v)}
        clearable
      />
      <Select
        label="Stage"
        placeholder="The first stage"
        data={stages.map((s) => ({ value: s.key, label: s.name }))}
        value={constants.stage || null}
        onChange={(v) => set('stage', v)}
        clearable
      />
      <TextInput
        label="Tags"
        placeholder="Comma-separated, e.g. expo-2026"
        value={constants.tags ?? ''}
        onChange={(e) => set('tags', e.currentTarget.value)}
      />
      <TextInput
        label="Campaign"
        value={constants.campaign ?? ''}
        onChange={(e) => set('campaign', e.currentTarget.value)}
      />
      <TextInput
        label="Lost reason"
        placeholder="Used for rows in a lost stage"
        value={constants.lostReason ?? ''}
        onChange={(e) => set('lostReason', e.currentTarget.value)}
      />
    </SimpleGrid>
  );
}
