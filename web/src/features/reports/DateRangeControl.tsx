import { Group, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { today } from '../../lib/format';
import {
  type DateRangeValue,
  type DayRange,
  isDay,
  offeredPresets,
  presetLabels,
  presetRange,
  type RangePreset,
} from './dateRange';

/**
 * The period a report or dashboard is read over: a preset (counted on the user's clock) or two days of one's
 * own. A custom range applies once both days are valid and in order.
 */
export function DateRangeControl({
  value,
  onChange,
  defaultLabel,
  current,
}: {
  value: DateRangeValue;
  onChange: (value: DateRangeValue) => void;
  /** What "the report's own period" is called here ("Next quarter (the report's own)"); none: not offered. */
  defaultLabel?: string | null;
  /** The days shown now, where a custom range starts from. */
  current?: DayRange | null;
}) {
  const [draft, setDraft] = useState({ from: value.from, to: value.to });
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft({ from: value.from, to: value.to });
  }
  const backwards = isDay(draft.from) && isDay(draft.to) && draft.to < draft.from;

  const pick = (preset: RangePreset) => {
    if (preset === 'default') {
      onChange({ preset: 'default', from: '', to: '' });
      return;
    }
    if (preset === 'custom') {
      const start = value.from && value.to ? value : (current ?? presetRange('thisMonth', today()));
      if (start?.from && start.to) onChange({ preset: 'custom', from: start.from, to: start.to });
      return;
    }
    const days = presetRange(preset, today());
    if (days) onChange({ preset, ...days });
  };

  const edit = (key: 'from' | 'to', day: string) => {
    const next = { ...draft, [key]: day };
    setDraft(next);
    if (isDay(next.from) && isDay(next.to) && next.from <= next.to) onChange({ preset: 'custom', ...next });
  };

  return (
    <Group gap="xs" wrap="wrap" align="flex-start">
      <Select
        aria-label="Period"
        data={[...offeredPresets, ...(offeredPresets.includes(value.preset) ? [] : [value.preset])]
          .filter((p) => p !== 'default' || defaultLabel)
          .map((p) => ({ value: p, label: p === 'default' ? (defaultLabel as string) : presetLabels[p] }))}
        value={value.preset}
        onChange={(next) => next && pick(next as RangePreset)}
        allowDeselect={false}
        w={defaultLabel ? 230 : 160}
      />
      {value.preset === 'custom' && (
        <>
          <TextInput
            aria-label="From"
            type="date"
            value={draft.from}
            onChange={(event) => edit('from', event.currentTarget.value)}
            w={150}
          />
          <TextInput
            aria-label="To"
            type="date"
            value={draft.to}
            onChange={(event) => edit('to', event.currentTarget.value)}
            error={backwards ? 'Must be on or after the start' : undefined}
            w={150}
          />
        </>
      )}
    </Group>
  );
}
