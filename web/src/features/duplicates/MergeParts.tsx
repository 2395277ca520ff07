import { Anchor, Badge, Card, Group, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDate } from '../../lib/format';
import { StageBadge } from '../leads/leadColumns';
import type { Lead } from '../leads/leads.types';
import classes from './duplicates.module.css';
import { type DisplayContext, displayValue, letterOf } from './mergeDisplay';
import type { ChoiceField } from './mergeFields';

/** The record that stays: one card per lead. */
export function RecordPicker({
  leads,
  value,
  onChange,
  ctx,
}: {
  leads: readonly Lead[];
  value: string;
  onChange: (id: string) => void;
  ctx: DisplayContext;
}) {
  return (
    <Radio.Group value={value} onChange={onChange} label="Record to keep" description="The others become links to it.">
      <SimpleGrid cols={{ base: 1, sm: Math.min(leads.length, 3) }} spacing="sm" mt="xs">
        {leads.map((lead, index) => (
          <Radio.Card
            key={lead.id}
            value={lead.id}
            className={classes.record}
            p="md"
            radius="lg"
            aria-label={`Keep record ${letterOf(index)}: ${lead.name}`}
          >
            <Group wrap="nowrap" align="flex-start" gap="sm">
              <Radio.Indicator mt={2} />
              <Stack gap={4} miw={0} style={{ flex: 1 }}>
                <Group gap={6} wrap="nowrap" justify="space-between">
                  <Text fw={650} className={classes.value}>
                    {lead.name}
                  </Text>
                  <Badge variant="outline" color="gray" size="sm">
                    {letterOf(index)}
                  </Badge>
                </Group>
                <Group gap={6}>
                  <StageBadge stage={lead.stage} stages={ctx.stages} />
                  {lead.id === value && (
                    <Badge color="brand" size="sm">
                      kept
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {[lead.companyName, lead.ownerName ? `Owner ${lead.ownerName}` : null].filter(Boolean).join(' · ') ||
                    'No company or owner'}
                </Text>
                <Text size="xs" c="dimmed">
                  Created {formatDate(lead.createdAt)} ·{' '}
                  <Anchor component={Link} to={`/leads/${lead.id}`} size="xs" target="_blank">
                    open
                  </Anchor>
                </Text>
              </Stack>
            </Group>
          </Radio.Card>
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}

/** The kept record as the merge will leave it. */
export function MergePreview({
  preview,
  fields,
  ctx,
  sources,
  children,
}: {
  preview: Record<string, unknown>;
  fields: readonly ChoiceField[];
  ctx: DisplayContext;
  /** The lead each chosen value comes from, for the currency of the amount. */
  sources: Record<string, Lead>;
  /** The actions, under the preview (it stays in view on a wide screen). */
  children?: ReactNode;
}) {
  const rows = [
    ...fields.map((field) => ({
      key: field.key,
      label: field.label,
      text: displayValue(
        field.key,
        preview[field.key],
        ctx,
        {
          ownerName: preview.ownerName as string | null,
          partnerName: preview.partnerName as string | null,
          currency: (preview.currency as string | null) ?? sources.expectedValue?.currency,
        },
        field.custom,
      ),
    })),
    ...(['emails', 'phones', 'tags'] as const).map((key) => ({
      key,
      label: key === 'emails' ? 'Emails' : key === 'phones' ? 'Phones' : 'Tags',
      text:
        Array.isArray(preview[key]) && key !== 'tags'
          ? (preview[key] as string[]).join('\n') || null
          : displayValue(key, preview[key], ctx, {}),
    })),
  ].filter((row) => row.text !== null);

  return (
    <Card className={classes.preview} aria-label="Preview of the kept record">
      <Text fw={650} mb={4}>
        After the merge
      </Text>
      <Text size="xs" c="dimmed" mb="md">
        Notes, history, assignments, files and activities of every record move to this one.
      </Text>
      <Stack gap={8}>
        {rows.map((row) => (
          <div key={row.key} className={classes.previewRow}>
            <Text size="sm" c="dimmed">
              {row.label}
            </Text>
            <Text size="sm" className={classes.value} fw={row.key === 'name' ? 650 : undefined}>
              {row.text}
            </Text>
          </div>
        ))}
      </Stack>
      {children}
    </Card>
  );
}
