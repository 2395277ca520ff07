import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import type { RoleName } from '../../lib/api';
import { useUserOptions } from '../users/users.queries';

/**
 * Picks one active person, searched on the server as the user types; `userRole` narrows the list (an owner is a
 * salesperson). `current` keeps the chosen name visible before the list has loaded.
 */
export function UserPicker({
  userRole,
  value,
  onChange,
  current,
  extraOptions = [],
  ...props
}: {
  userRole?: RoleName;
  value: string | null;
  onChange: (value: string | null, label: string | null) => void;
  current?: { id: string; name: string } | null;
  /** Choices that are not people, such as "Unassigned"; listed first. */
  extraOptions?: { value: string; label: string }[];
} & Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange'>) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [selectedLabel, setSelectedLabel] = useState<string | null>(current?.name ?? null);
  const q = debounced && debounced !== selectedLabel ? debounced : undefined;
  const options = useUserOptions({ role: userRole, active: true, q }, !props.disabled);

  const data = useMemo(() => {
    const people = (options.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }));
    if (current && !people.some((item) => item.value === current.id)) {
      people.unshift({ value: current.id, label: current.name });
    }
    const extras = q ? [] : extraOptions;
    return [...extras, ...people];
  }, [options.data, current, extraOptions, q]);

  return (
    <Select
      data={data}
      value={value}
      onChange={(next, option) => {
        setSelectedLabel(option?.label ?? null);
        onChange(next, option?.label ?? null);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={options.isFetching ? 'Searching…' : 'Nobody found'}
      {...props}
    />
  );
}
