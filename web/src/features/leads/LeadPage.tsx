import { Anchor, Badge, Card, Center, EmptyState, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconMapSearch } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { ApiError } from '../../lib/problem';
import { useCan } from '../auth/session';
import { LeadValueCard } from '../customer-value/LeadValueCard';
import { LeadDuplicatesCard } from '../duplicates/LeadDuplicatesCard';
import { MergedNotice, useFollowMerge } from '../duplicates/MergedNotice';
import { MergeHistoryCard } from '../duplicates/MergeHistoryCard';
import { LeadErpCard } from '../erp/LeadErpCard';
import { AttachmentsCard } from '../files/AttachmentsCard';
import { LeadRiskCard } from '../risk/LeadRiskCard';
import { LeadScoreCard } from '../scoring/LeadScoreCard';
import { LeadTicketsCard } from '../tickets/LeadTicketsCard';
import { DeleteLeadMenu } from '../trash/DeleteLeadMenu';
import { sourceLabel } from './fields';
import { InlineField } from './InlineField';
import { LeadActivity } from './LeadActivity';
import { LeadFieldsCard } from './LeadFieldsCard';
import { LeadFollowUpsCard } from './LeadFollowUpsCard';
import classes from './LeadPage.module.css';
import { LeadQuickActions } from './LeadQuickActions';
import { StageBadge } from './leadColumns';
import { useLead } from './leads.queries';
import type { Lead } from './leads.types';
import { PeopleCard } from './PeopleCard';
import { useStages } from './pipeline.queries';
import { StageBar } from './StageBar';
import { useStageMove } from './useStageMove';

function BackLink() {
  return (
    <Anchor component={Link} to="/leads" size="sm" c="dimmed">
      <Group gap={4}>
        <IconArrowLeft size={14} />
        Leads
      </Group>
    </Anchor>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="sm" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="right">
        {children}
      </Text>
    </Group>
  );
}

const channels: Record<string, string> = { ui: 'iPerform', api: 'API', web_form: 'Web form', import: 'Import' };

function channelLabel(channel: string): string {
  return channels[channel] ?? sourceLabel(channel);
}

function Facts({ lead }: { lead: Lead }) {
  const when = (iso: string) => <span title={formatDateTime(iso)}>{formatRelative(iso)}</span>;
  return (
    <Card>
      <Text fw={650} mb="sm">
        Record
      </Text>
      <Stack gap={8}>
        <Fact label="Created">{when(lead.createdAt)}</Fact>
        <Fact label="Came in via">{channelLabel(lead.createdVia)}</Fact>
        <Fact label="In this stage since">{when(lead.stageChangedAt)}</Fact>
        <Fact label="Last activity">{when(lead.lastTouchedAt)}</Fact>
        <Fact label="Last change">{when(lead.updatedAt)}</Fact>
      </Stack>
    </Card>
  );
}

function LeadMissing() {
  return (
    <Center py={80}>
      <EmptyState
        icon={<IconMapSearch size={28} />}
        title="Lead not found"
        description="It may have been removed, or it is not one of the leads you can see."
      >
        <Anchor component={Link} to="/leads" mt="md">
          Back to leads
        </Anchor>
      </EmptyState>
    </Center>
  );
}

export function LeadPage() {
  const { id = '' } = useParams();
  const lead = useLead(id);
  const { stages } = useStages();
  const canWrite = useCan('leads:write');
  const mover = useStageMove();
  useFollowMerge(id, lead.data?.id);

  if (lead.isPending) {
    return (
      <Stack gap="md" aria-busy="true" aria-label="Loading lead">
        <Skeleton h={18} w={80} />
        <Skeleton h={36} w="40%" />
        <Skeleton h={40} />
        <Skeleton h={280} />
      </Stack>
    );
  }
  if (lead.isError) {
    if (lead.error instanceof ApiError && (lead.error.status === 404 || lead.error.status === 400)) {
      return <LeadMissing />;
    }
    return (
      <Stack gap="md">
        <BackLink />
        <ErrorAlert error={lead.error} onRetry={() => lead.refetch()} title="Could not load this lead" />
      </Stack>
    );
  }

  const data = lead.data;
  const stage = stages.find((s) => s.key === data.stage);
  const movable = canWrite && data.editable.length > 0;

  return (
    <>
      <MergedNotice />
      <Stack gap={6} mb="lg">
        <Group justify="space-between" gap="xs">
          <BackLink />
          <DeleteLeadMenu lead={data} />
        </Group>
        <InlineField
          lead={data}
          field="name"
          label="Name"
          render={(value) => (
            <Title order={1} style={{ overflowWrap: 'anywhere' }}>
              {value}
            </Title>
          )}
        />
        <Group gap="xs">
          <StageBadge stage={data.stage} stages={stages} />
          {data.companyName && (
            <Text size="sm" c="dimmed">
              {data.companyName}
            </Text>
          )}
          {data.ownerName !== undefined && (
            <Text size="sm" c="dimmed">
              {data.ownerName ? `Owned by ${data.ownerName}` : 'Unassigned'}
            </Text>
          )}
          {(data.tags ?? []).map((tag) => (
            <Badge key={tag} color="gray" size="sm">
              {tag}
            </Badge>
          ))}
        </Group>
      </Stack>

      <div style={{ marginBottom: 'var(--mantine-spacing-md)' }}>
        <LeadQuickActions lead={data} />
      </div>
      <Card mb="lg" p="sm">
        <StageBar
          stages={stages}
          current={data.stage}
          disabled={!movable || mover.isMoving}
          pendingStage={mover.isMoving ? null : undefined}
          onMove={(key) => mover.move(data, key)}
        />
      </Card>

      <div className={classes.layout}>
        <div className={classes.main}>
          <LeadFieldsCard lead={data} closedLost={stage?.kind === 'lost'} />
        </div>
        <Stack gap="lg" className={classes.side}>
          <LeadScoreCard leadId={data.id} closed={stage?.kind === 'won' || stage?.kind === 'lost'} />
          <LeadRiskCard leadId={data.id} />
          <LeadFollowUpsCard lead={data} />
          <PeopleCard lead={data} />
          <AttachmentsCard place={{ leadId: data.id }} canChange={data.editable.length > 0} />
          <LeadTicketsCard leadId={data.id} />
          <LeadErpCard leadId={data.id} />
          <LeadValueCard leadId={data.id} />
          <LeadDuplicatesCard lead={data} />
          <Facts lead={data} />
          <MergeHistoryCard lead={data} />
        </Stack>
        <div className={classes.activity}>
          <LeadActivity lead={data} stages={stages} />
        </div>
      </div>
      {mover.modal}
    </>
  );
}
