import { Badge, Button, Group, MultiSelect, NumberInput, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { tierOptions } from '../scoring/ScoreTierBadge';
import { sourceOptions } from './fields';
import type { LeadFilters } from './leadFilters';

type More = Pick<
  LeadFilters,
  'sources' | 'tags' | 'tiers' | 'valueMin' | 'valueMax' | 'createdFrom' | 'createdTo' | 'closeFrom' | 'closeTo'
>;

const noMore: More = {
  sources: [],
  tags: [],
  tiers: [],
  valueMin: null,
  valueMax: null,
  createdFrom: '',
  createdTo: '',
  closeFrom: '',
  closeTo: '',
};

const toNumber = (value: string | number) => (typeof value === 'number' ? value : null);

/**
 * Source, tags, value range and dates: edited together and applied at once, so typing a number does not
 * reload the list on every key.
 */
export function MoreFiltersForm({
  filters,
  onApply,
  currency,
}: {
  filters: LeadFilters;
  onApply: (changes: More) => void;
  currency: string;
}) {
  const [draft, setDraft] = useState<More>({
    sources: filters.sources,
    tags: filters.tags,
    tiers: filters.tiers,
    valueMin: filters.valueMin,
    valueMax: filters.valueMax,
    createdFrom: filters.createdFrom,
    createdTo: filters.createdTo,
    closeFrom: filters.closeFrom,
    closeTo: filters.closeTo,
  });
  const set = <K extends keyof More>(key: K, value: More[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const badValue = draft.valueMin !== null && draft.valueMax !== null && draft.valueMax < draft.valueMin;
  const badCreated = Boolean(draft.createdFrom && draft.createdTo && draft.createdTo < draft.createdFrom);
  const badClose = Boolean(draft.closeFrom && draft.closeTo && draft.closeTo < draft.closeFrom);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (badValue || badCreated || badClose) return;
    onApply(draft);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="More filters">
      <Stack gap="sm">
        <MultiSelect
          label="Source"
          placeholder={draft.sources.length > 0 ? undefined : 'Any source'}
          data={sourceOptions}
          value={draft.sources}
          onChange={(value) => set('sources', value)}
          clearable
          comboboxProps={{ withinPortal: false, keepMounted: false }}
        />
        <TagsInput
          label="Tags"
          placeholder={draft.tags.length > 0 ? undefined : 'Type a tag, press Enter'}
          value={draft.tags}
          onChange={(value) => set('tags', value)}
          clearable
          splitChars={[',']}
        />
        <MultiSelect
          label="Score tier"
          placeholder={draft.tiers.length > 0 ? undefined : 'Any tier'}
          data={tierOptions}
          value={draft.tiers}
          onChange={(value) => set('tiers', value)}
          clearable
          comboboxProps={{ withinPortal: false, keepMounted: false }}
        />
        <SimpleGrid cols={2} spacing="sm">
          <NumberInput
            label={`Value from (${currency})`}
            value={draft.valueMin ?? ''}
            onChange={(value) => set('valueMin', toNumber(value))}
            min={0}
            thousandSeparator=","
            hideControls
          />
          <NumberInput
            label="Value up to"
            value={draft.valueMax ?? ''}
            onChange={(value) => set('valueMax', toNumber(value))}
            min={0}
            thousandSeparator=","
            hideControls
            error={badValue ? 'Must not be below the lower bound' : undefined}
          />
          <TextInput
            label="Created from"
            type="date"
            value={draft.createdFrom}
            onChange={(event) => set('createdFrom', event.currentTarget.value)}
          />
          <TextInput
            label="Created to"
            type="date"
            value={draft.createdTo}
            onChange={(event) => set('createdTo', event.currentTarget.value)}
            error={badCreated ? 'Must be on or after the start' : undefined}
          />
          <TextInput
            label="Closing from"
            type="date"
            value={draft.closeFrom}
            onChange={(event) => set('closeFrom', event.currentTarget.value)}
          />
          <TextInput
            label="Closing to"
            type="date"
            value={draft.closeTo}
            onChange={(event) => set('closeTo', event.currentTarget.value)}
            error={badClose ? 'Must be on or after the start' : undefined}
          />
        </SimpleGrid>
        <Group justify="space-between" mt={4}>
          <Button variant="subtle" color="gray" onClick={() => onApply(noMore)}>
            Reset
          </Button>
          <Button type="submit">Apply</Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CountBadge({ count }: { count: number }) {
  return count > 0 ? (
    <Badge size="sm" circle>
      {count}
    </Badge>
  ) : null;
}
