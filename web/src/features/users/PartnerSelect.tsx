import { Select } from '@mantine/core';
import { usePartnerOptions } from '../settings/partners/partners.queries';

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
  const partners = usePartnerOptions();
  const data = partners.data ?? [];
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
