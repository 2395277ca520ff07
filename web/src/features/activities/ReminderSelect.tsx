import { Select } from '@mantine/core';

const options = [
  { value: 'default', label: 'My usual reminder' },
  { value: '0', label: 'When it is due' },
  { value: '5', label: '5 minutes before' },
  { value: '15', label: '15 minutes before' },
  { value: '30', label: '30 minutes before' },
  { value: '60', label: '1 hour before' },
  { value: '120', label: '2 hours before' },
  { value: '1440', label: '1 day before' },
];

/** How long before a follow-up its assignee is reminded; null keeps the assignee's own preference. */
export function ReminderSelect({
  value,
  onChange,
  error,
}: {
  value: number | null;
  onChange: (value: number | null) => void;
  error?: string;
}) {
  const current = value === null ? 'default' : String(value);
  const data = options.some((o) => o.value === current)
    ? options
    : [...options, { value: current, label: `${current} minutes before` }];
  return (
    <Select
      label="Reminder"
      data={data}
      value={current}
      onChange={(next) => onChange(!next || next === 'default' ? null : Number(next))}
      allowDeselect={false}
      error={error}
    />
  );
}
