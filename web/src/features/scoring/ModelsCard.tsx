import {
  Alert,
  Badge,
  Button,
  Card,
  Collapse,
  Divider,
  Group,
  Loader,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDate, formatDateTime, formatDay, formatNumber } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { ReliabilityChart } from './ReliabilityChart';
import { useActivateModel, useRetireModel, useScoreModels, useScoringStatus, useTrainModel } from './scoring.queries';
import type { ModelStatus, ScoreModel, ScoringStatus } from './scoring.types';

const statusColors: Record<ModelStatus, string> = {
  training: 'blue',
  candidate: 'yellow',
  active: 'teal',
  retired: 'gray',
  failed: 'red',
};
const statusLabels: Record<ModelStatus, string> = {
  training: 'Training',
  candidate: 'Ready to switch on',
  active: 'On',
  retired: 'Off',
  failed: 'Failed',
};

const dayOrDate = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value) : formatDate(value));
const fixed = (value: number | null, digits: number) => (value === null ? '—' : value.toFixed(digits));

function Metric({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Tooltip label={hint} multiline w={260} withArrow>
      <Stack gap={0} tabIndex={0} aria-label={`${label}: ${value}. ${hint}`}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text size="lg" fw={650} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {value}
        </Text>
      </Stack>
    </Tooltip>
  );
}

function Need({ label, have, need }: { label: string; have: number; need: number }) {
  const done = have >= need;
  return (
    <Stack gap={2}>
      <Group justify="space-between" gap="xs">
        <Text size="sm">{label}</Text>
        <Text size="sm" c={done ? 'teal.8' : 'dimmed'} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatNumber(have)} of {formatNumber(need)}
        </Text>
      </Group>
      <Progress value={Math.min(100, need > 0 ? (have / need) * 100 : 100)} color={done ? 'teal' : 'blue'} size="sm" />
    </Stack>
  );
}

function StatusBlock({ status }: { status: ScoringStatus }) {
  const train = useTrainModel();
  const lost = status.closedLeads - status.wonLeads;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        A model learns from the company’s own closed leads what made a lead be won, using only what was known about each
        lead at the time. It needs enough of them first:
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <Need label="Closed leads" have={status.closedLeads} need={status.threshold.closed} />
        <Need label="Won" have={status.wonLeads} need={status.threshold.won} />
        <Need label="Lost" have={lost} need={status.threshold.lost} />
      </SimpleGrid>
      <Group justify="space-between" gap="sm">
        <Text size="xs" c="dimmed">
          {status.lastScoredAt ? `Leads last scored ${formatDateTime(status.lastScoredAt)}` : 'Leads not scored yet'}
        </Text>
        <Tooltip label="Not enough closed leads yet" disabled={status.canTrain}>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlayerPlay size={14} />}
            disabled={!status.canTrain}
            loading={train.isPending}
            onClick={() =>
              train.mutate(undefined, {
                onSuccess: () => notifySuccess('Training a model: it shows below when it is ready'),
                onError: (e) => notifyError(e, 'Could not train a model'),
              })
            }
          >
            Train now
          </Button>
        </Tooltip>
      </Group>
    </Stack>
  );
}

function Features({ features }: { features: ScoreModel['features'] }) {
  const top = [...features].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 8);
  if (top.length === 0) return null;
  const largest = Math.max(...top.map((f) => Math.abs(f.weight)), 1e-9);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        What weighs most
      </Text>
      {top.map((f) => (
        <Group key={f.name} gap="xs" wrap="nowrap">
          <Text size="sm" style={{ flex: '1 1 50%', overflowWrap: 'anywhere' }}>
            {f.label}
          </Text>
          <Progress
            value={(Math.abs(f.weight) / largest) * 100}
            color={f.weight >= 0 ? 'teal' : 'red'}
            size="sm"
            style={{ flex: '1 1 40%' }}
            aria-label={`${f.label}: ${f.weight >= 0 ? 'raises' : 'lowers'} the chance`}
          />
          <Text size="xs" c={f.weight >= 0 ? 'teal.8' : 'red.8'} w={44} ta="right">
            {f.weight >= 0 ? '+' : '−'}
            {fixed(Math.abs(f.weight), 2)}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function ModelActions({ model, activeId }: { model: ScoreModel; activeId: string | null }) {
  const activate = useActivateModel();
  const retire = useRetireModel();
  const on = (verb: string) => ({
    onSuccess: () => notifySuccess(`${verb}: the leads are being scored again`),
    onError: (e: unknown) => notifyError(e),
  });
  if (model.status === 'active') {
    return (
      <Button
        size="xs"
        variant="default"
        loading={retire.isPending}
        onClick={() => retire.mutate(model.id, on('Switched off'))}
      >
        Switch off
      </Button>
    );
  }
  if (model.status === 'candidate' || (model.status === 'retired' && model.activatedAt)) {
    const label =
      model.status === 'retired' ? 'Roll back to this model' : activeId ? 'Switch to this model' : 'Switch on';
    return (
      <Button
        size="xs"
        variant={model.status === 'candidate' ? 'filled' : 'default'}
        loading={activate.isPending}
        onClick={() => activate.mutate(model.id, on(model.status === 'retired' ? 'Rolled back' : 'Switched on'))}
      >
        {label}
      </Button>
    );
  }
  return null;
}

function ModelRow({ model, activeId, open }: { model: ScoreModel; activeId: string | null; open: boolean }) {
  const [expanded, setExpanded] = useState(open);
  const m = model.metrics;
  return (
    <Stack gap="sm" p="md" data-testid="score-model">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="wrap">
          <Badge
            color={statusColors[model.status]}
            variant="light"
            leftSection={model.status === 'training' ? <Loader size={10} /> : undefined}
          >
            {statusLabels[model.status]}
          </Badge>
          <Text size="sm">
            {model.trainedAt
              ? `Trained ${formatDateTime(model.trainedAt)}`
              : `Started ${formatDateTime(model.createdAt)}`}
          </Text>
          <Text size="xs" c="dimmed">
            won within {model.horizonDays} days
          </Text>
        </Group>
        <Group gap="xs">
          {m && (
            <Button size="xs" variant="subtle" onClick={() => setExpanded((e) => !e)} aria-expanded={expanded}>
              {expanded ? 'Hide details' : 'Details'}
            </Button>
          )}
          <ModelActions model={model} activeId={activeId} />
        </Group>
      </Group>
      {model.status === 'failed' && model.error && (
        <Alert color="red" variant="light" p="xs">
          <Text size="sm">{model.error}</Text>
        </Alert>
      )}
      {m && model.status === 'candidate' && m.auc !== null && m.auc < 0.6 && (
        <Alert color="yellow" variant="light" p="xs" data-testid="weak-model">
          <Text size="sm">
            On leads it never saw, this model ranks won leads little better than a coin toss (AUC {fixed(m.auc, 2)}).
            The rules may serve you better until there is more history.
          </Text>
        </Alert>
      )}
      {m && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Metric
            label="AUC"
            value={fixed(m.auc, 2)}
            hint="How well it ranks won leads above the others on leads it never saw: 0.5 is a coin toss, 1 is perfect."
          />
          <Metric
            label="Brier"
            value={fixed(m.brier, 3)}
            hint="The average squared error of its chances: lower is better; 0 is perfect."
          />
          <Metric
            label="Top-10% lift"
            value={m.liftTop10 === null ? '—' : `${fixed(m.liftTop10, 1)}×`}
            hint={`How much more often the top 10% it scores are won than leads on average${m.baseRate === null ? '' : ` (${Math.round(m.baseRate * 100)}%)`}.`}
          />
          <Metric
            label="Hold-out"
            value={formatNumber(m.holdout.examples)}
            hint={`The most recent leads, kept out of training to test it: ${formatNumber(m.holdout.positives)} won, ${dayOrDate(m.holdout.from)} to ${dayOrDate(m.holdout.to)}. Trained on ${formatNumber(m.train.examples)} earlier leads (${formatNumber(m.train.positives)} won).`}
          />
        </SimpleGrid>
      )}
      {m && (
        <Collapse expanded={expanded}>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Stack gap={4}>
              <Text size="sm" fw={600}>
                Reliability on the hold-out
              </Text>
              <Text size="xs" c="dimmed">
                Tested on {formatNumber(m.holdout.examples)} leads from {dayOrDate(m.holdout.from)} to{' '}
                {dayOrDate(m.holdout.to)} ({formatNumber(m.holdout.positives)} won)
              </Text>
              <ReliabilityChart bins={m.reliability} />
            </Stack>
            <Features features={model.features} />
          </SimpleGrid>
        </Collapse>
      )}
    </Stack>
  );
}

/** The model: whether there are enough closed leads, Train now, and the models with their quality and switches. */
export function ModelsCard() {
  const status = useScoringStatus();
  const models = useScoreModels();
  const list = models.data?.data ?? [];
  const activeId = status.data?.activeModelId ?? list.find((m) => m.status === 'active')?.id ?? null;
  // The first model worth deciding on shows its details at once.
  const openId = list.find((m) => m.status === 'candidate' || m.status === 'active')?.id;
  return (
    <Card p={0}>
      <Stack gap="sm" p="md">
        <Text fw={650}>Model</Text>
        {status.isPending ? (
          <Skeleton h={90} />
        ) : status.isError ? (
          <ErrorAlert error={status.error} onRetry={() => status.refetch()} title="Could not load the model status" />
        ) : (
          <StatusBlock status={status.data} />
        )}
      </Stack>
      {models.isError && (
        <Stack p="md">
          <ErrorAlert error={models.error} onRetry={() => models.refetch()} title="Could not load the models" />
        </Stack>
      )}
      {list.map((model) => (
        <Fragment key={model.id}>
          <Divider />
          <ModelRow model={model} activeId={activeId} open={model.id === openId} />
        </Fragment>
      ))}
    </Card>
  );
}
