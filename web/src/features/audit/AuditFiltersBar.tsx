import { Button, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFilterOff } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useUserOptions } from '../users/users.queries';
import classes from './AuditPage.module.css';
import { useAuditEntityTypes } from './audit.queries';
import { entityTypeWords } from './auditLabels';

function ActorSelect({ value, onChange }: { value: string | null; onChange: (value: string | null) => void }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [selectedLabel, setSelectedLabel] = useState<string | null>(null);
  const q = debounced && debounced !== selectedLabel ? debounced : undefined;
  const users = useUserOptions({ q });
  const data = useMemo(
    () => (users.data?.data ?? []).map((user) => ({ value: user.id, label: user.name })),
    [users.data],
  );
  return (
    <Select
      label="Performed by"
      placeholder="Anyone"
      data={data}
      value={value}
      onChange={(next, option) => {
        setSelectedLabel(option?.label ?? null);
        onChange(next);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      clearable
      nothingFoundMessage={users.isFetching ? 'Searching…' : 'Nobody found'}
    />
  );
}

/** The kinds of record the log holds, by name (the server lists them with their labels). */
function EntityTypeSelect({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const types = useAuditEntityTypes();
  const data = useMemo(() => {
    const list = (types.data?.data ?? []).map((t) => ({ value: t.type, label: t.label }));
    // A kind given in the address but not (or no longer) in the log still shows as chosen.
    if (value && !list.some((t) => t.value === value)) list.push({ value, label: entityTypeWords(value) });
    return list;
  }, [types.data, value]);
  return (
    <Select
      label="Record"
      placeholder="Any kind"
      data={data}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      searchable
      clearable
      nothingFoundMessage={types.isPending ? 'Loading…' : 'No such kind of record'}
    />
  );
}

interface AuditFiltersBarProps {
  entityType: string;
  onEntityTypeChange: (value: string) => void;
  actorId: string | null;
  onActorIdChange: (value: string | null) => void;
  /** yyyy-mm-dd from the date inputs, or ''. */
  from: string;
  onFromChange: (value: string) => void;
  to: string;
  onToChange: (value: string) => void;
  /** To falls before From: shown on To, and the page leaves To out of the query. */
  badRange: boolean;
  /** Some filter is in effect: offers to clear them all. */
  filtered: boolean;
  onClear: () => void;
}

/** The filters above the audit log: entity type, who did it, and a date range. */
export function AuditFiltersBar({
  entityType,
  onEntityTypeChange,
  actorId,
  onActorIdChange,
  from,
  onFromChange,
  to,
  onToChange,
  badRange,
  filtered,
  onClear,
}: AuditFiltersBarProps) {
  return (
    <div className={classes.filters}>
      <EntityTypeSelect value={entityType} onChange={onEntityTypeChange} />
      <ActorSelect value={actorId} onChange={onActorIdChange} />
      <TextInput
        label="From"
        type="date"
        value={from}
        onChange={(event) => onFromChange(event.currentTarget.value)}
        max={to || undefined}
      />
      <TextInput
        label="To"
        type="date"
        value={to}
        onChange={(event) => onToChange(event.currentTarget.value)}
        min={from || undefined}
        error={badRange ? 'Must be on or after From' : undefined}
      />
      {filtered && (
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconFilterOff size={16} />}
          onClick={onClear}
          className={classes.clear}
        >
          Clear filters
        </Button>
      )}
    </div>
  );
}
