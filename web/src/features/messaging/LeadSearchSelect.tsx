import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useLeadList } from '../leads/leads.queries';

/** Finds one lead by name, phone or email, searched on the server as one types. */
export function LeadSearchSelect({
  onPick,
  ...props
}: { onPick: (lead: { id: string; name: string } | null) => void } & Omit<
  SelectProps,
  'data' | 'onChange' | 'searchValue' | 'onSearchChange'
>) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const [picked, setPicked] = useState<string | null>(null);
  const typing = q.trim().length > 1 && q !== picked;
  const leads = useLeadList({ q: typing ? q : undefined, limit: 10 }, { enabled: typing });
  const data = typing ? (leads.data?.pages[0]?.data ?? []).map((lead) => ({ value: lead.id, label: lead.name })) : [];
  return (
    <Select
      placeholder="Find a lead"
      data={data}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(value, option) => {
        setPicked(option?.label ?? null);
        onPick(value ? { id: value, name: option?.label ?? '' } : null);
      }}
      filter={({ options }) => options}
      nothingFoundMessage={typing ? (leads.isFetching ? 'Searching…' : 'No lead found') : 'Type part of a name'}
      {...props}
    />
  );
}
