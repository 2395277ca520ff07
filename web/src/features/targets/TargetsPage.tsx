import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconCopy, IconFlag, IconPencil, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatRelative, formatTime, today } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useMe } from '../auth/session';
import type { Target } from '../dashboard/dashboards.types';
import { GoalRow, goals } from '../dashboard/TargetsTile';
import { TargetModal } from './TargetModal';
import {
  copyItems,
  groupTargets,
  type PeriodKind,
  periodKindOf,
  periodLabel,
  periodOf,
  reachedCount,
  type ScopeKind,
  scopeKinds,
  scopeLabels,
  shiftPeriod,
} from './targetForm';
import { useSetTargets, useTargets } from './targets.queries';

function TargetCard({ target, editable, onEdit }: { target: Target; editable: boolean; onEdit: () => void }) {
  return (
    <Card component="article" aria-label={`Target of ${target.scope.name}`} data-testid="target" padding="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Text fw={650} truncate tt={target.scope.kind === 'territory' ? 'capitalize' : undefined}>
              {target.scope.name}
            </Text>
            <Text size="xs" c="dimmed">
              {scopeLabels[target.scope.kind].one} · updated {formatRelative(target.updatedAt)}
            </Text>
          </div>
          {editable && (
            <Tooltip label="Change target" openDelay={400}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Change the target of ${target.scope.name}`}
                onClick={onEdit}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
        {goals.map((goal) => (
          <GoalRow key={goal.key} target={target} goal={goal} />
        ))}
      </Stack>
    </Card>
  );
}

/**
 * Targets of a month or a quarter: what each person, team, partner or territory should win, what it has won so
 * far (live, over the records the viewer may see), and a form to set or change them. Admins set any target,
 * managers those of their team.
 */
export function TargetsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const asked = params.get('period');
  const period = asked && periodKindOf(asked) ? asked : periodOf(today(), 'month');
  const kind = periodKindOf(period) as PeriodKind;
  const targets = useTargets(period, 60_000);
  const [editing, setEditing] = useState<Target | 'new' | null>(null);
  const isAdmin = me.user.role === 'ADMIN';
  const kinds: readonly ScopeKind[] = isAdmin ? scopeKinds : ['user', 'team'];
  const list = targets.data?.data ?? [];
  const groups = groupTargets(list);
  const reached = reachedCount(list);
  const territories = [...new Set(list.filter((t) => t.scope.kind === 'territory').map((t) => t.scope.name))];
  const thisPeriod = periodOf(today(), kind);
  const before = shiftPeriod(period, -1);
  const previous = useTargets(before, false);
  const toCopy = targets.data ? copyItems(previous.data?.data ?? [], list, period, kinds) : [];
  const save = useSetTargets();
  const copy = () =>
    save.mutate(
      { items: toCopy.slice(0, 200) },
      {
        onSuccess: (saved) =>
          notifySuccess(
            `${saved.data.length} ${saved.data.length === 1 ? 'target' : 'targets'} of ${periodLabel(before)} set for ${periodLabel(period)}.`,
            'Targets copied',
          ),
        onError: (error) => notifyError(error, 'Could not copy the targets'),
      },
    );

  const go = (next: string) =>
    setParams(next === periodOf(today(), 'month') ? {} : { period: next }, { replace: true });

  return (
    <>
      <PageHeader
        title="Targets"
        description={
          isAdmin
            ? 'What each person, team, partner and territory should win this month or quarter, and how far they are.'
            : 'What you and your team should win this month or quarter, and how far each is.'
        }
        actions={
          <>
            {toCopy.length > 0 && (
              <Button variant="default" leftSection={<IconCopy size={18} />} onClick={copy} loading={save.isPending}>
                Copy {toCopy.length} from {periodLabel(before)}
              </Button>
            )}
            <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
              Set a target
            </Button>
          </>
        }
      />
      <Stack gap="md">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="xs" wrap="wrap">
            <SegmentedControl
              aria-label="Period kind"
              data={[
                { value: 'month', label: 'Month' },
                { value: 'quarter', label: 'Quarter' },
              ]}
              value={kind}
              onChange={(value) => go(periodOf(today(), value === 'quarter' ? 'quarter' : 'month'))}
            />
            <Group gap="xs" wrap="nowrap">
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={`Previous ${kind}`}
                onClick={() => go(shiftPeriod(period, -1))}
              >
                <IconChevronLeft size={18} />
              </ActionIcon>
              <Text fw={650} miw={80} ta="center" data-testid="targets-period" aria-live="polite">
                {targets.data?.period.label ?? periodLabel(period)}
              </Text>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={`Next ${kind}`}
                onClick={() => go(shiftPeriod(period, 1))}
              >
                <IconChevronRight size={18} />
              </ActionIcon>
            </Group>
            {period !== thisPeriod && (
              <Button variant="subtle" onClick={() => go(thisPeriod)}>
                {kind === 'month' ? 'This month' : 'This quarter'}
              </Button>
            )}
          </Group>
          {targets.data && (
            <Text size="sm" c="dimmed" data-testid="targets-summary">
              {list.length === 0
                ? 'No targets'
                : `${list.length} ${list.length === 1 ? 'target' : 'targets'} · ${reached} reached`}{' '}
              · Updated {formatTime(targets.data.generatedAt)}
            </Text>
          )}
        </Group>

        {targets.isPending ? (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} h={160} radius="md" />
            ))}
          </SimpleGrid>
        ) : targets.isError ? (
          <ErrorAlert error={targets.error} onRetry={() => targets.refetch()} title="Could not load the targets" />
        ) : list.length === 0 ? (
          <Center py={56}>
            <EmptyState
              icon={<IconFlag size={26} />}
              title={`No targets for ${targets.data.period.label}`}
              description="Set what each person or team should win: their progress then shows here and on the dashboard."
            />
          </Center>
        ) : (
          groups.map(([scope, items]) => (
            <section key={scope} aria-labelledby={`targets-${scope}`}>
              <Group gap="xs" mb="sm">
                <Title order={2} fz="lg" id={`targets-${scope}`}>
                  {scopeLabels[scope].many}
                </Title>
                <Badge color="gray">{items.length}</Badge>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
                {items.map((target) => (
                  <TargetCard
                    key={target.id}
                    target={target}
                    editable={kinds.includes(target.scope.kind)}
                    onEdit={() => setEditing(target)}
                  />
                ))}
              </SimpleGrid>
            </section>
          ))
        )}
      </Stack>
      <TargetModal
        opened={editing !== null}
        target={editing === 'new' ? null : editing}
        period={period}
        kinds={kinds}
        existing={list}
        territories={territories}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
