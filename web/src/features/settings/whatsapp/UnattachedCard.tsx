import { Button, Card, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconLink } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatRelative } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { LeadSearchSelect } from '../../messaging/LeadSearchSelect';
import type { Unattached } from '../../messaging/messaging.types';
import { useAttachUnattached, useUnattached } from '../../messaging/whatsapp.queries';
import classes from '../settings.module.css';

function Row({ item }: { item: Unattached }) {
  const [leadId, setLeadId] = useState<string | null>(null);
  const attach = useAttachUnattached();
  return (
    <div className={classes.card}>
      <Group justify="space-between" gap="sm" wrap="wrap" align="flex-start">
        <Stack gap={2} miw={0} style={{ flex: '1 1 220px' }}>
          <Text size="sm" fw={600}>
            {item.contactName ? `${item.contactName} · ` : ''}
            {item.phone}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {item.lastText ?? `(${item.lastType})`}
          </Text>
          <Text size="xs" c="dimmed">
            {item.messages} message{item.messages === 1 ? '' : 's'} · last {formatRelative(item.lastAt)}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <LeadSearchSelect aria-label="Lead" onPick={(lead) => setLeadId(lead?.id ?? null)} size="xs" w={220} />
          <Button
            size="xs"
            variant="light"
            leftSection={<IconLink size={14} />}
            disabled={!leadId}
            loading={attach.isPending}
            onClick={() =>
              leadId &&
              attach.mutate(
                { phone: item.phone, leadId },
                {
                  onSuccess: (result) =>
                    notifySuccess(
                      `${result.attached} message${result.attached === 1 ? '' : 's'} filed on the lead.`,
                      'Attached',
                    ),
                  onError: (error) => notifyError(error, 'Not attached'),
                },
              )
            }
          >
            Attach
          </Button>
        </Group>
      </Group>
    </div>
  );
}

/** Conversations from numbers no lead has (when new leads are not made from them): file each on a lead. */
export function UnattachedCard() {
  const list = useUnattached(true);
  const items = list.data?.data ?? [];
  return (
    <Card p={0}>
      <Stack gap={2} p="md" pb="sm">
        <Text fw={650}>Messages from unknown numbers</Text>
        <Text size="sm" c="dimmed">
          WhatsApp messages from numbers that belong to no lead. Attach a number to a lead to file its conversation
          there.
        </Text>
      </Stack>
      {list.isPending ? (
        <Stack p="md" pt={0}>
          <Skeleton h={40} />
        </Stack>
      ) : list.isError ? (
        <Stack p="md" pt={0}>
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load them" />
        </Stack>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" px="md" pb="md">
          None: every message so far came from a known lead.
        </Text>
      ) : (
        <div style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          {items.map((item) => (
            <Row key={item.phone} item={item} />
          ))}
        </div>
      )}
    </Card>
  );
}
