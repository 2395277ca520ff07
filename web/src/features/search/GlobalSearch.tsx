import { Combobox, Group, Kbd, Loader, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { IconSearch, IconUser, IconUserSquare } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCan } from '../auth/session';
import { useGlobalSearch } from './search.queries';

const MAX_QUERY = 100;

/**
 * The header's search box: leads and users the caller may see, as they type; Enter or a click opens one.
 * "/" or Ctrl-K (⌘K) puts the cursor in it from anywhere. Shown to roles that may read leads or users.
 */
export function GlobalSearch() {
  const readsLeads = useCan('leads:read');
  const readsUsers = useCan('users:read');
  const [value, setValue] = useState('');
  const [debounced] = useDebouncedValue(value, 200);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const search = useGlobalSearch(debounced);
  useHotkeys([
    ['/', () => input.current?.focus()],
    ['mod+K', () => input.current?.focus()],
  ]);
  if (!readsLeads && !readsUsers) return null;

  const hits = debounced.trim() ? (search.data?.data ?? []) : [];
  const leads = hits.filter((h) => h.type === 'lead');
  const users = hits.filter((h) => h.type === 'user');
  const open = (key: string) => {
    const [type, id] = key.split(':');
    setValue('');
    combobox.closeDropdown();
    input.current?.blur();
    navigate(type === 'user' ? `/users/${id}` : `/leads/${id}`);
  };
  const option = (hit: (typeof hits)[number]) => (
    <Combobox.Option value={`${hit.type}:${hit.id}`} key={hit.id}>
      <Group gap="xs" wrap="nowrap">
        {hit.type === 'lead' ? <IconUserSquare size={16} /> : <IconUser size={16} />}
        <div style={{ minWidth: 0 }}>
          <Text size="sm" truncate>
            {hit.title}
          </Text>
          {hit.subtitle && (
            <Text size="xs" c="dimmed" truncate>
              {hit.subtitle}
            </Text>
          )}
        </div>
      </Group>
    </Combobox.Option>
  );

  return (
    <Combobox store={combobox} onOptionSubmit={open} withinPortal>
      <Combobox.Target>
        <TextInput
          ref={input}
          value={value}
          maxLength={MAX_QUERY}
          onChange={(event) => {
            setValue(event.currentTarget.value);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          }}
          onFocus={() => value && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              setValue('');
              input.current?.blur();
            }
          }}
          placeholder={readsLeads ? 'Search leads and people' : 'Search people'}
          aria-label="Search leads and people"
          leftSection={search.isFetching ? <Loader size={14} /> : <IconSearch size={16} />}
          rightSection={<Kbd size="xs">/</Kbd>}
          rightSectionPointerEvents="none"
          w={{ base: 160, sm: 280 }}
          size="sm"
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!debounced.trim()}>
        <Combobox.Options>
          {leads.length > 0 && <Combobox.Group label="Leads">{leads.map(option)}</Combobox.Group>}
          {users.length > 0 && <Combobox.Group label="People">{users.map(option)}</Combobox.Group>}
          {hits.length === 0 && !search.isFetching && <Combobox.Empty>Nothing found</Combobox.Empty>}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
