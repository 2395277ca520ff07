import { useDroppable } from '@dnd-kit/core';
import { Badge, Button, Group, Skeleton, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMoney } from '../../lib/format';
import type { StageDropData } from './boardDnd';
import type { StageTotal } from './counts.queries';
import classes from './LeadBoard.module.css';
import { LeadCard } from './LeadCard';
import { type LeadListParams, useLeadList } from './leads.queries';
import type { Lead } from './leads.types';
import type { Stage } from './stages';

const COLUMN_PAGE = 20;

export interface BoardDrag {
  lead: Lead;
}

export function BoardColumn({
  stage,
  stages,
  color,
  query,
  total,
  drag,
  canMove,
  movingId,
  onMove,
}: {
  stage: Stage;
  stages: readonly Stage[];
  color: string;
  /** The board's filters; the column adds its own stage. */
  query: LeadListParams;
  /** The stage's count (and value) under the filters. */
  total: StageTotal | undefined;
  drag: BoardDrag | null;
  canMove: boolean;
  movingId: string | null;
  onMove: (lead: Lead, stageKey: string) => void;
}) {
  const list = useLeadList({ ...query, stage: stage.key, limit: COLUMN_PAGE });
  const leads = list.data?.pages.flatMap((page) => page.data) ?? [];
  const accepts = drag !== null && drag.lead.stage !== stage.key;
  const { setNodeRef, isOver: over } = useDroppable({
    id: stage.key,
    data: { stageKey: stage.key } satisfies StageDropData,
    disabled: drag !== null && !accepts,
  });
  const shownCount = total?.count ?? (list.hasNextPage ? `${leads.length}+` : leads.length);

  return (
    <section
      ref={setNodeRef}
      className={classes.column}
      aria-label={`Stage ${stage.name}`}
      data-stage={stage.key}
      data-accepts={accepts || undefined}
      data-over={(accepts && over) || undefined}
    >
      <header className={classes.columnHeader}>
        <span className={classes.stageDot} style={{ background: `var(--mantine-color-${color}-6)` }} />
        <Text fw={650} size="sm" truncate style={{ flex: 1 }}>
          {stage.name}
        </Text>
        <Badge color="gray" variant="light" size="md" aria-label={`${shownCount} leads`}>
          {list.isPending && total === undefined ? '…' : shownCount}
        </Badge>
      </header>
      {total?.value !== undefined && total.value > 0 && (
        <Text size="xs" c="dimmed" px="sm" mt={-4} mb={2} aria-label={`Total value in ${stage.name}`}>
          {formatMoney(total.value)}
        </Text>
      )}

      <div className={classes.columnBody}>
        {list.isPending ? (
          [0, 1, 2].map((row) => <Skeleton key={row} h={92} radius="md" />)
        ) : list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load" />
        ) : leads.length === 0 ? (
          <div className={classes.columnEmpty}>
            <Text size="sm" c="dimmed">
              {accepts ? 'Drop here' : 'No leads'}
            </Text>
          </div>
        ) : (
          leads.map((lead) => (
            <LeadCard
              key={lead.id}
              lead={lead}
              stages={stages}
              draggable={canMove && lead.editable.length > 0}
              moving={movingId === lead.id}
              dragging={drag?.lead.id === lead.id}
              onMove={onMove}
            />
          ))
        )}
        {list.hasNextPage && (
          <Group justify="center" mt={4}>
            <Button
              variant="subtle"
              size="xs"
              onClick={() => list.fetchNextPage()}
              loading={list.isFetchingNextPage}
              aria-label={`Load more in ${stage.name}`}
            >
              Load more
            </Button>
          </Group>
        )}
      </div>
    </section>
  );
}
