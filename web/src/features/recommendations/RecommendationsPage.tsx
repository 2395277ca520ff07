import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconBulb, IconCheck, IconEye, IconRefresh, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatDuration, formatPercent } from '../reports/reportFormat';
import { SectionHeader } from '../settings/SettingsSection';
import {
  type Dimension,
  type Recommendation,
  type RecommendationStatus,
  useAccept,
  useDismiss,
  useOwnerPerformance,
  usePreview,
  useRecommendations,
  useRefresh,
} from './recommendations.queries';

type OwnerRow = NonNullable<Recommendation['evidence']['value']>['owners'][number];

const interval = (o: { low: number; high: number }) => `${formatPercent(o.low)}–${formatPercent(o.high)}`;

/** Owners against one value: win rate with its interval, the adjusted rate, speed to lead and load. */
function OwnersTable({ owners, highlight }: { owners: OwnerRow[]; highlight?: readonly string[] }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table striped fz="sm" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Owner</Table.Th>
            <Table.Th ta="right">Won / closed</Table.Th>
            <Table.Th ta="right">Win rate (95%)</Table.Th>
            <Table.Th ta="right" title="Pulled toward the value’s own rate when there are few leads">
              Adjusted
            </Table.Th>
            <Table.Th ta="right">Speed to lead</Table.Th>
            <Table.Th ta="right">Avg. load</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {owners.map((o) => (
            <Table.Tr key={o.ownerId} fw={highlight?.includes(o.ownerId) ? 700 : undefined}>
              <Table.Td>{o.ownerName}</Table.Td>
              <Table.Td ta="right">
                {formatNumber(o.won)} / {formatNumber(o.leads)}
              </Table.Td>
              <Table.Td ta="right">
                {formatPercent(o.winRate)}{' '}
                <Text span size="xs" c="dimmed">
                  ({interval(o)})
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatPercent(o.adjustedWinRate)}</Table.Td>
              <Table.Td ta="right">{formatDuration(o.medianSpeedSeconds)}</Table.Td>
              <Table.Td ta="right">{o.averageLoad === null ? '—' : formatNumber(Math.round(o.averageLoad))}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Figure({ label, now, then }: { label: string; now: string; then: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>
        {now} → {then}
      </Text>
    </Stack>
  );
}

function PreviewTable({ id }: { id: string }) {
  const preview = usePreview(id, true);
  if (preview.isLoading) return <Skeleton h={120} />;
  if (preview.error) return <ErrorAlert error={preview.error} onRetry={() => void preview.refetch()} />;
  const samples = preview.data?.samples ?? [];
  if (samples.length === 0) return <Text size="sm">No recent leads to try it on.</Text>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table fz="sm" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Lead</Table.Th>
            <Table.Th>Today’s rules</Table.Th>
            <Table.Th>With this rule</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {samples.map((s) => (
            <Table.Tr key={s.leadId}>
              <Table.Td>
                <Anchor component={Link} to={`/leads/${s.leadId}`} size="sm">
                  {s.leadName}
                </Anchor>
              </Table.Td>
              <Table.Td title={s.now.detail}>{s.now.ownerName ?? 'Unassigned'}</Table.Td>
              <Table.Td title={s.proposed.detail}>
                {s.matches ? (
                  <Text span fw={600} size="sm">
                    {s.proposed.ownerName ?? 'Unassigned'}
                  </Text>
                ) : (
                  <Text span c="dimmed" size="sm">
                    not matched
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AcceptControls({ reco }: { reco: Recommendation }) {
  const accept = useAccept();
  const dismiss = useDismiss();
  const [active, setActive] = useState(false);
  const [position, setPosition] = useState<number | string>(1);
  const isRule = reco.kind === 'rule';
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      {isRule && (
        <>
          <Switch checked={active} onChange={(e) => setActive(e.currentTarget.checked)} label="Switch the rule on" />
          <NumberInput
            label="Place in the rule order"
            min={1}
            w={170}
            value={position}
            onChange={setPosition}
            allowDecimal={false}
          />
        </>
      )}
      <Button
        leftSection={<IconCheck size={16} />}
        loading={accept.isPending}
        onClick={() =>
          accept.mutate(
            { id: reco.id, active: isRule ? active : true, ...(typeof position === 'number' ? { position } : {}) },
            {
              onSuccess: () =>
                notifySuccess(isRule ? 'The rule is in your assignment rules' : 'The cap is set', 'Accepted'),
              onError: (e) => notifyError(e, 'Could not accept'),
            },
          )
        }
      >
        Accept
      </Button>
      <Button
        variant="default"
        leftSection={<IconX size={16} />}
        loading={dismiss.isPending}
        onClick={() =>
          dismiss.mutate(reco.id, {
            onSuccess: () => notifySuccess('It will not be proposed again for 90 days', 'Dismissed'),
            onError: (e) => notifyError(e, 'Could not dismiss'),
          })
        }
      >
        Dismiss
      </Button>
    </Group>
  );
}

function Outcome({ reco }: { reco: Recommendation }) {
  const o = reco.outcome;
  if (!o) return null;
  return (
    <Alert color="teal" variant="light" title={`Since ${formatDateTime(o.since)}`}>
      <Text size="sm">
        {reco.kind === 'rule' ? `${formatNumber(o.leadsRouted)} leads routed by the rule; ` : ''}
        {formatNumber(o.closed)} closed, {formatNumber(o.won)} won: win rate {formatPercent(o.winRate)} (expected{' '}
        {formatPercent(o.expectedWinRate)})
        {reco.kind === 'rule'
          ? `; speed to lead ${formatDuration(o.medianSpeedSeconds)} (expected ${formatDuration(o.expectedMedianSpeedSeconds)})`
          : ''}
        .
      </Text>
    </Alert>
  );
}

function RecommendationCard({ reco }: { reco: Recommendation }) {
  const [showPreview, setShowPreview] = useState(false);
  const e = reco.expected;
  const pool = reco.proposal.owners.map((o) => o.id);
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={3} size="h5">
            {reco.proposal.summary}
          </Title>
          <Badge variant="light" color={reco.kind === 'rule' ? 'blue' : 'orange'}>
            {reco.kind === 'rule' ? `Rule · ${reco.dimension}` : 'Open-lead cap'}
          </Badge>
        </Group>
        <Text size="sm">{e.text}</Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
          <Figure label="Win rate" now={formatPercent(e.winRateNow)} then={formatPercent(e.winRateExpected)} />
          {reco.kind === 'rule' && (
            <Figure
              label="Median speed to lead"
              now={formatDuration(e.medianSpeedNowSeconds)}
              then={formatDuration(e.medianSpeedExpectedSeconds)}
            />
          )}
        </SimpleGrid>
        {reco.evidence.value && <OwnersTable owners={reco.evidence.value.owners} highlight={pool} />}
        {reco.kind === 'cap' && (
          <Table.ScrollContainer minWidth={320}>
            <Table fz="sm" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Open leads at assignment</Table.Th>
                  <Table.Th ta="right">Won / closed</Table.Th>
                  <Table.Th ta="right">Win rate</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {reco.evidence.bands
                  .filter((b) => b.leads > 0)
                  .map((b) => (
                    <Table.Tr key={b.band}>
                      <Table.Td>{b.band}</Table.Td>
                      <Table.Td ta="right">
                        {formatNumber(b.won)} / {formatNumber(b.leads)}
                      </Table.Td>
                      <Table.Td ta="right">{formatPercent(b.winRate)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Text size="xs" c="dimmed">
          Closed leads from {formatDateTime(reco.evidence.from)} to {formatDateTime(reco.evidence.to)}.
        </Text>
        {reco.status === 'proposed' && reco.kind === 'rule' && (
          <Stack gap="xs">
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconEye size={14} />}
              onClick={() => setShowPreview((v) => !v)}
              w="fit-content"
            >
              {showPreview ? 'Hide the preview' : 'Preview on recent leads'}
            </Button>
            {showPreview && <PreviewTable id={reco.id} />}
          </Stack>
        )}
        {reco.status === 'proposed' ? (
          <AcceptControls reco={reco} />
        ) : (
          <Text size="sm" c="dimmed">
            {reco.status === 'accepted' ? 'Accepted' : 'Dismissed'} by {reco.decidedBy?.name ?? 'someone'}
            {reco.decidedAt ? ` on ${formatDateTime(reco.decidedAt)}` : ''}.
            {reco.ruleId && (
              <>
                {' '}
                <Anchor component={Link} to={`/settings/assignment/${reco.ruleId}`} size="sm">
                  Open the rule
                </Anchor>
              </>
            )}
          </Text>
        )}
        <Outcome reco={reco} />
      </Stack>
    </Card>
  );
}

const dimensions: { value: Dimension; label: string }[] = [
  { value: 'source', label: 'Source' },
  { value: 'product', label: 'Product' },
  { value: 'city', label: 'City' },
  { value: 'state', label: 'State' },
  { value: 'territory', label: 'Territory' },
];

function OwnerPerformanceCard() {
  const [dimension, setDimension] = useState<Dimension>('source');
  const table = useOwnerPerformance(dimension);
  const [value, setValue] = useState<string | null>(null);
  const rows = table.data?.values ?? [];
  const chosen = rows.find((r) => r.value === value) ?? rows[0];
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4">
            Owner performance
          </Title>
          <Select
            aria-label="Compare owners by"
            data={dimensions}
            value={dimension}
            onChange={(next) => {
              if (next) setDimension(next as Dimension);
              setValue(null);
            }}
            allowDeselect={false}
            w={160}
          />
        </Group>
        {table.error && <ErrorAlert error={table.error} onRetry={() => void table.refetch()} />}
        {table.isLoading && <Skeleton h={160} />}
        {table.data && rows.length === 0 && (
          <Text size="sm" c="dimmed">
            No closed leads with a {dimension} in the last 12 months.
          </Text>
        )}
        {chosen && (
          <>
            <Select
              label="Value"
              data={rows.map((r) => ({
                value: r.value,
                label: `${r.value} · ${formatNumber(r.leads)} closed, ${formatPercent(r.winRate)} won`,
              }))}
              value={chosen.value}
              onChange={setValue}
              allowDeselect={false}
              searchable
            />
            <OwnersTable owners={chosen.owners} />
          </>
        )}
      </Stack>
    </Card>
  );
}

/** Settings → Recommendations: proposals from the company's history, accepted or dismissed by an admin. */
export function RecommendationsPage() {
  const [status, setStatus] = useState<RecommendationStatus>('proposed');
  const list = useRecommendations(status);
  const refresh = useRefresh();
  const items = list.data?.data ?? [];
  return (
    <>
      <SectionHeader
        title="Assignment recommendations"
        description="Which owners convert which sources, products and places best, at what load, from your closed leads of the last 12 months. Nothing changes until you accept."
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            loading={refresh.isPending}
            onClick={() =>
              refresh.mutate(undefined, {
                onSuccess: () => notifySuccess('The list refreshes in a moment', 'Looking at the history again'),
                onError: (e) => notifyError(e, 'Could not refresh'),
              })
            }
          >
            Refresh
          </Button>
        }
      />
      <Stack gap="lg">
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as RecommendationStatus)}
          data={[
            { value: 'proposed', label: 'Proposed' },
            { value: 'accepted', label: 'Accepted' },
            { value: 'dismissed', label: 'Dismissed' },
          ]}
          w="fit-content"
        />
        {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
        {list.isLoading && <Skeleton h={200} />}
        {list.data && items.length === 0 && (
          <Alert icon={<IconBulb size={18} />} variant="light">
            {status === 'proposed'
              ? 'No proposals now: no owner converts a source, product or place clearly better than the others yet, with enough leads on both sides.'
              : `Nothing ${status} yet.`}
          </Alert>
        )}
        {items.map((reco) => (
          <RecommendationCard key={reco.id} reco={reco} />
        ))}
        <OwnerPerformanceCard />
      </Stack>
    </>
  );
}
