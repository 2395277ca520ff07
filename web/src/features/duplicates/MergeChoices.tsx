import { Badge, Card, Group, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { Lead } from '../leads/leads.types';
import classes from './duplicates.module.css';
import { type DisplayContext, displayValue, letterOf } from './mergeDisplay';
import { type ChoiceField, mergeValue, unionFields, unionOf } from './mergeFields';

function Empty() {
  return (
    <Text span size="sm" c="dimmed" fs="italic">
      empty
    </Text>
  );
}

/** One field whose values differ: a radio per lead, laid out under the leads' columns on a wide screen. */
export function ChoiceRow({
  field,
  leads,
  value,
  onChange,
  locked,
  ctx,
}: {
  field: ChoiceField;
  leads: readonly Lead[];
  value: string;
  onChange: (leadId: string) => void;
  /** The caller may not choose: the kept record's value stays. */
  locked: boolean;
  ctx: DisplayContext;
}) {
  return (
    <Radio.Group
      value={value}
      onChange={onChange}
      label={
        <Group gap={6} component="span">
          {field.label}
          {locked && <IconLock size={13} aria-hidden />}
        </Group>
      }
      description={locked ? 'Your role cannot change this field: the kept record keeps its own value.' : undefined}
      className={classes.choiceRow}
    >
      <SimpleGrid cols={{ base: leads.length === 2 ? 2 : 1, sm: Math.min(leads.length, 3) }} spacing="xs" mt={6}>
        {leads.map((lead, index) => {
          const shown = displayValue(field.key, mergeValue(lead, field.key), ctx, lead, field.custom);
          return (
            <Radio.Card
              key={lead.id}
              value={lead.id}
              disabled={locked}
              className={classes.choice}
              aria-label={`${field.label}: ${shown ?? 'empty'} (record ${letterOf(index)})`}
            >
              <Group wrap="nowrap" align="flex-start" gap="sm">
                <Radio.Indicator disabled={locked} />
                <Stack gap={2} miw={0} style={{ flex: 1 }}>
                  <Text size="xs" c="dimmed" fw={600}>
                    {letterOf(index)}
                  </Text>
                  <Text size="sm" className={classes.value}>
                    {shown ?? <Empty />}
                  </Text>
                </Stack>
              </Group>
            </Radio.Card>
          );
        })}
      </SimpleGrid>
    </Radio.Group>
  );
}

/** Emails, phones and tags: nothing to choose, every value is kept. */
export function UnionRows({ leads }: { leads: readonly Lead[] }) {
  const rows = unionFields
    .map((field) => ({ ...field, values: unionOf(leads, field.key) }))
    .filter((row) => row.values.length > 0);
  if (rows.length === 0) return null;
  return (
    <Card withBorder={false} p={0}>
      <Stack gap="sm">
        {rows.map((row) => (
          <div key={row.key}>
            <Group gap="xs" mb={4}>
              <Text size="sm" fw={500}>
                {row.label}
              </Text>
              <Badge size="xs" color="teal">
                all kept
              </Badge>
            </Group>
            <Group gap={6}>
              {row.values.map((value) => (
                <Badge key={value} color="gray" variant="outline" tt="none" className={classes.value}>
                  {value}
                </Badge>
              ))}
            </Group>
          </div>
        ))}
      </Stack>
    </Card>
  );
}
