import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { partnersKey } from '../settings/partners/partners.queries';

/** The partner organisation a PARTNER user belongs to: active partners of the company, by name. */
export function PartnerSelect({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string | undefined;
}) {
  const partners = useQuery({
    queryKey: [...partnersKey, 'picker'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { active: true, limit: 200 } } })),
  });
  const data = (partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  return (
    <Select
      label="Partner organisation"
      description="A partner user sees and works only the leads handed to its organisation."
      placeholder={partners.isLoading ? 'Loading partners…' : 'Choose a partner'}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      nothingFoundMessage="No active partner: add one in Settings → Partners"
      error={error}
      required
    />
  );
}
