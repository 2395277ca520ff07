import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import type { RoleName } from '../../lib/api';
import { requiredManagerRole, roleLabel } from './roles';
import { useUserOptions } from './users.queries';

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** Says the reporting rule for a role, e.g. "A warrior must report to a salesperson". */
export function managerRule(role: RoleName | null): string | null {
  if (!role) return null;
  const required = requiredManagerRole[role];
  if (!required) return null;
  const who = roleLabel(role).toLowerCase();
  const boss = roleLabel(required).toLowerCase();
  return `${article(who).replace(/^a/, 'A')} ${who} must report to ${article(boss)} ${boss}`;
}

/**
 * Picks a manager for someone of `role`: only plausible managers are offered (a warrior's manager is a salesperson,
 * a salesperson's a manager; anyone active for other roles), searched on the server as the user types.
 */
export function ManagerSelect({
  role,
  value,
  onChange,
  error,
  excludeId,
  current,
  disabled,
}: {
  role: RoleName | null;
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string;
  /** The user being edited: nobody reports to themselves. */
  excludeId?: string;
  /** The manager already set, so it shows even before the list has loaded. */
  current?: { id: string; name: string } | null;
  disabled?: boolean;
}) {
  const requiredRole = role ? requiredManagerRole[role] : undefined;
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const [selectedLabel, setSelectedLabel] = useState<string | null>(current?.name ?? null);

  // While the box shows the chosen name, list everyone rather than just that name.
  const q = debouncedSearch && debouncedSearch !== selectedLabel ? debouncedSearch : undefined;
  const options = useUserOptions({ role: requiredRole, active: true, q }, !disabled);

  const data = useMemo(() => {
    const items = (options.data?.data ?? [])
      .filter((user) => user.id !== excludeId)
      .map((user) => ({ value: user.id, label: user.name }));
    if (current && !items.some((item) => item.value === current.id)) {
      items.unshift({ value: current.id, label: current.name });
    }
    return items;
  }, [options.data, excludeId, current]);

  const rule = managerRule(role);

  return (
    <Select
      label="Manager"
      placeholder={requiredRole ? `Choose a ${roleLabel(requiredRole).toLowerCase()}` : 'No manager'}
      description={error ? undefined : (rule ?? 'Optional')}
      data={data}
      value={value}
      onChange={(next, option) => {
        setSelectedLabel(option?.label ?? null);
        onChange(next);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      clearable={!requiredRole}
      required={Boolean(requiredRole)}
      nothingFoundMessage={options.isFetching ? 'Searching…' : 'No matching people'}
      error={error}
      disabled={disabled}
    />
  );
}
