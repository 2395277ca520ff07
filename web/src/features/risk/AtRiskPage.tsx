import { Anchor, Button, Card, Center, EmptyState, Group, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { ReasonBadges, reasonLabels, reasonOrder } from './reasons';
import { type AtRiskLead, type ReasonKey, useAtRisk, useAtRiskSummary, useRunRiskScan } from './risk.queries';

function LeadLink({ lead }: { lead: AtRiskLead }) {
  return (
    <Anchor component={Link} to={`/leads/${lead.leadId}`} fw={600} size="sm">
      {lead.leadName}
    </Anchor>
  );
}

function Since({ lead }: { lead: AtRiskLead }) {
  return (
    <Text size="sm" title={formatDateTime(lead.flaggedSince)}>
      {formatRelative(lead.flaggedSince)}
    </Text>
  );
}

function ScanButton() {
  const run = useRunRiskScan();
  return (
    <Button
      variant="light"
      leftSection={<IconRefresh size={16} />}
      loading={run.isPending}
      onClick={() =>
        run.mutate(undefined, {
          onSuccess: () => notifySuccess('The list refreshes in a moment.', 'Checking the leads now'),
          onError: (error) => notifyError(error, 'The check did not start'),
        })
      }
    >
      Check now
    </Button>
  );
}

/** The at-risk leads the user may see, most severe first, with their reasons as badges. */
export function AtRiskPage() {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const canScan = useCan('insights:manage');
  const [params, setParams] = useSearchParams();
  const ownerId = params.get('owner');
  const reasonParam = params.get('reason');
  const reason = reasonOrder.includes(reasonParam as ReasonKey) ? (reasonParam as ReasonKey) : null;
  const summary = useAtRiskSummary();
  const list = useAtRisk(ownerId, reason);
  const leads = list.data?.pages.flatMap((page) => page.data) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  const setParam = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  const owners = (summary.data?.byOwner ?? [])
    .filter((o) => o.ownerId)
    .map((o) => ({ value: o.ownerId as string, label: `${o.ownerName ?? 'Someone'} (${formatNumber(o.count)})` }));
  const reasons = (summary.data?.byReason ?? []).map((r) => ({
    value: r.key,
    label: `${reasonLabels[r.key]} (${formatNumber(r.count)})`,
  }));

  return (
    <>
      <PageHeader
        title="At-risk leads"
        description={
          <>
            Open leads that need attention, checked every morning: not touched for longer than their stage usually
            allows, longer in their stage than 9 in 10 leads, overdue follow-ups, a close date pushed more than once, or
            an owner on leave.
            {summary.data?.checkedAt ? ` Last checked ${formatDateTime(summary.data.checkedAt)}.` : ''}
          </>
        }
        actions={canScan ? <ScanButton /> : undefined}
      />
      <Card p={0}>
        <Group p="md" gap="sm" wrap="wrap">
          <Select
            aria-label="Owner"
            placeholder="Every owner"
            data={owners}
            value={ownerId}
            onChange={(value) => setParam('owner', value)}
            clearable
            searchable
            w={240}
          />
          <Select
            aria-label="Reason"
            placeholder="Every reason"
            data={reasons}
            value={reason}
            onChange={(value) => setParam('reason', value)}
            clearable
            w={240}
          />
        </Group>
        {list.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading the at-risk leads">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : list.isError ? (
          <Stack p="md">
            <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load the at-risk leads" />
          </Stack>
        ) : leads.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconAlertTriangle size={26} />}
              title={ownerId || reason ? 'No at-risk lead matches these filters' : 'No lead is at risk'}
              description={
                summary.data?.checkedAt
                  ? `As of ${formatDateTime(summary.data.checkedAt)}.`
                  : 'The first check runs tomorrow morning.'
              }
            />
          </Center>
        ) : compact ? (
          <Stack gap={0}>
            {leads.map((lead) => (
              <Stack
                key={lead.leadId}
                gap={4}
                p="md"
                style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
              >
                <LeadLink lead={lead} />
                <Text size="xs" c="dimmed">
                  {[lead.ownerName, lead.stageName].filter(Boolean).join(' · ')}
                </Text>
                <ReasonBadges reasons={lead.reasons} />
                <Text size="xs" c="dimmed">
                  At risk since {formatRelative(lead.flaggedSince)}
                </Text>
              </Stack>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native">
            <Table aria-label="At-risk leads" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Lead</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Stage</Table.Th>
                  <Table.Th>Why</Table.Th>
                  <Table.Th>At risk since</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {leads.map((lead) => (
                  <Table.Tr key={lead.leadId}>
                    <Table.Td>
                      <LeadLink lead={lead} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{lead.ownerName ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{lead.stageName}</Text>
                    </Table.Td>
                    <Table.Td>
                      <ReasonBadges reasons={lead.reasons} />
                    </Table.Td>
                    <Table.Td>
                      <Since lead={lead} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {leads.length > 0 && (
          <Group justify="space-between" p="md">
            <Text size="sm" c="dimmed">
              {formatNumber(leads.length)} of {formatNumber(total)} at-risk {total === 1 ? 'lead' : 'leads'}
            </Text>
            {list.hasNextPage && (
              <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </Group>
        )}
      </Card>
    </>
  );
}
