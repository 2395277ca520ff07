import { ActionIcon, Button, Checkbox, Divider, Group, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { IconColumns3 } from '@tabler/icons-react';
import { useMe } from '../auth/session';
import { defaultColumnIds, type LeadColumn } from './leadColumns';

/**
 * The columns this person chose for the lead list, kept in this browser per user (a saved view carries its own
 * columns, and wins while it is selected).
 */
export function useColumnChoice() {
  const me = useMe();
  const [ids, setIds] = useLocalStorage<string[]>({
    key: `iperform.leads.columns.${me.user.id}`,
    defaultValue: defaultColumnIds,
    getInitialValueInEffect: false,
  });
  return [ids, setIds] as const;
}

export function ColumnChooser({
  value,
  onChange,
  available,
}: {
  value: readonly string[];
  onChange: (ids: string[]) => void;
  /** The columns this person may choose from (fields their role sees, and the custom fields). */
  available: readonly LeadColumn[];
}) {
  const offered = available;
  const toggle = (id: string, on: boolean) => {
    const chosen = new Set(value);
    if (on) chosen.add(id);
    else chosen.delete(id);
    // Keep the list's own order, whatever order they were ticked in.
    onChange(available.filter((c) => chosen.has(c.id)).map((c) => c.id));
  };
  return (
    <Popover position="bottom-end" shadow="md" width={240} withinPortal>
      <Popover.Target>
        <ActionIcon variant="default" size={36} aria-label="Columns" title="Choose columns">
          <IconColumns3 size={18} />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown p="sm" aria-label="Choose columns">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={8} style={{ letterSpacing: '0.04em' }}>
          Show columns
        </Text>
        <ScrollArea.Autosize mah={320} type="auto">
          <Stack gap={8} pr="xs">
            <Checkbox label="Name" checked disabled />
            {offered.map((column) => (
              <Checkbox
                key={column.id}
                label={column.label}
                checked={value.includes(column.id)}
                onChange={(event) => toggle(column.id, event.currentTarget.checked)}
              />
            ))}
          </Stack>
        </ScrollArea.Autosize>
        <Divider my="sm" />
        <Group justify="flex-end">
          <Button size="xs" variant="subtle" onClick={() => onChange([...defaultColumnIds])}>
            Reset to default
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
