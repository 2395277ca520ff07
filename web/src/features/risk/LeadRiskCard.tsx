import { Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCan } from '../auth/session';
import { reasonColors, reasonSentence } from './reasons';
import { useLeadRisk } from './risk.queries';

/** On the lead page: why the lead is at risk, as of the last morning check; nothing when it is not. */
export function LeadRiskCard({ leadId }: { leadId: string }) {
  const canRead = useCan('leads:read');
  const risk = useLeadRisk(leadId, canRead);
  if (!risk.data?.atRisk) return null;
  const { reasons, flaggedSince, checkedAt } = risk.data;
  return (
    <Card data-testid="lead-risk" withBorder style={{ borderColor: 'var(--mantine-color-orange-4)' }}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color="orange" size={32} radius="md">
          <IconAlertTriangle size={18} />
        </ThemeIcon>
        <Stack gap={6} miw={0} style={{ flex: 1 }}>
          <Text fw={650}>At risk</Text>
          <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {reasons.map((reason) => (
              <Group key={reason.key} component="li" gap={8} wrap="nowrap" align="baseline">
                <span
                  aria-hidden
                  style={{
                    width: 8,
                    height: 8,
                    borderRadius: 4,
                    flex: 'none',
                    background: `var(--mantine-color-${reasonColors[reason.key]}-6)`,
                  }}
                />
                <Text size="sm">{reasonSentence(reason)}</Text>
              </Group>
            ))}
          </Stack>
          <Text size="xs" c="dimmed" title={checkedAt ? `Checked ${formatDateTime(checkedAt)}` : undefined}>
            At risk since {formatRelative(flaggedSince)}
          </Text>
        </Stack>
      </Group>
    </Card>
  );
}
