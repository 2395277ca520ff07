import { DndContext, type DragEndEvent, DragOverlay, type DragStartEvent } from '@dnd-kit/core';
import { Button, Card } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconList, IconPlus } from '@tabler/icons-react';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../auth/session';
import { BoardColumn, type BoardDrag } from './BoardColumn';
import {
  boardAnnouncements,
  boardCollisions,
  type CardDragData,
  StageDropBar,
  type StageDropData,
  useBoardSensors,
} from './boardDnd';
import { type StageCounts, type StageTotal, useStageCounts } from './counts.queries';
import { ExportButton } from './ExportButton';
import classes from './LeadBoard.module.css';
import { LeadCardPreview } from './LeadCard';
import { LeadFiltersBar } from './LeadFiltersBar';
import { toListParams, useLeadFilters } from './leadFilters';
import { leadsKeys, placeLeadInLists } from './leads.queries';
import type { Lead } from './leads.types';
import { NewLeadModal } from './NewLeadModal';
import { useStages } from './pipeline.queries';
import { stageColor } from './stages';
import { useStageMove } from './useStageMove';

/** Moves the card in every cached column (and count) at once; returns how to put everything back. */
function showMove(queryClient: QueryClient, lead: Lead, toStage: string): () => void {
  void queryClient.cancelQueries({ queryKey: leadsKeys.lists });
  const lists = queryClient.getQueriesData({ queryKey: leadsKeys.lists });
  const counts = queryClient.getQueriesData<StageCounts | null>({ queryKey: ['leads', 'counts'] });
  placeLeadInLists(queryClient, { ...lead, stage: toStage }, (query) => query.stage === toStage);
  const worth = lead.expectedValue ?? 0;
  for (const [key, data] of counts) {
    if (!data) continue;
    const from = data[lead.stage];
    const to = data[toStage] ?? { count: 0, value: from?.value === undefined ? undefined : 0 };
    const shift = (total: StageTotal, by: number): StageTotal => ({
      count: Math.max(0, total.count + by),
      value: total.value === undefined ? undefined : Math.max(0, total.value + by * worth),
    });
    queryClient.setQueryData<StageCounts>(key, {
      ...data,
      ...(from ? { [lead.stage]: shift(from, -1) } : {}),
      [toStage]: shift(to, 1),
    });
  }
  return () => {
    for (const [key, data] of [...lists, ...counts]) queryClient.setQueryData(key, data);
  };
}

export function BoardPage() {
  const queryClient = useQueryClient();
  const canCreate = useCan('leads:create');
  const canMove = useCan('leads:write');
  const { stages } = useStages();
  const { filters, update, clear } = useLeadFilters();
  const query = toListParams(filters, { withStages: false });
  const counts = useStageCounts(query);
  const [drag, setDrag] = useState<BoardDrag | null>(null);
  const [creating, createModal] = useDisclosure(false);
  const mover = useStageMove();

  const move = (lead: Lead, stageKey: string) =>
    mover.move(lead, stageKey, { optimistic: () => showMove(queryClient, lead, stageKey) });

  const sensors = useBoardSensors();
  const announcements = useMemo(() => boardAnnouncements(stages), [stages]);
  const colorOf = (key: string) => stageColor(stages, key);

  const onDragStart = ({ active }: DragStartEvent) => {
    const data = active.data.current as CardDragData | undefined;
    if (data) setDrag({ lead: data.lead });
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDrag(null);
    const lead = (active.data.current as CardDragData | undefined)?.lead;
    const stageKey = (over?.data.current as StageDropData | undefined)?.stageKey;
    if (lead && stageKey && stageKey !== lead.stage) move(lead, stageKey);
  };

  return (
    <>
      <PageHeader
        title="Board"
        description={
          canMove
            ? 'Your pipeline by stage. Drag a card (or lift it with Space and use the arrow keys) to move it, or use its menu.'
            : 'Your pipeline by stage.'
        }
        actions={
          <>
            <Button component={Link} to="/leads" variant="default" leftSection={<IconList size={18} />}>
              List
            </Button>
            <ExportButton filter={query} />
            {canCreate && (
              <Button leftSection={<IconPlus size={18} />} onClick={createModal.open}>
                New lead
              </Button>
            )}
          </>
        }
      />

      <Card p={0} mb="md">
        <LeadFiltersBar
          filters={filters}
          onChange={(changes) => update(changes)}
          onClear={clear}
          stages={stages}
          showStages={false}
        />
      </Card>

      <DndContext
        sensors={sensors}
        collisionDetection={boardCollisions}
        accessibility={{ announcements }}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDrag(null)}
      >
        <section className={classes.board} aria-label="Pipeline board" data-dragging={drag !== null || undefined}>
          {stages.map((stage) => (
            <BoardColumn
              key={stage.key}
              stage={stage}
              stages={stages}
              color={stageColor(stages, stage.key)}
              query={query}
              total={counts.data ? (counts.data[stage.key] ?? { count: 0 }) : undefined}
              drag={drag}
              canMove={canMove}
              movingId={mover.movingId}
              onMove={move}
            />
          ))}
        </section>
        <StageDropBar stages={stages} colorOf={colorOf} fromStage={drag?.lead.stage ?? null} />
        <DragOverlay dropAnimation={null}>{drag ? <LeadCardPreview lead={drag.lead} /> : null}</DragOverlay>
      </DndContext>
      {mover.modal}
      {canCreate && <NewLeadModal opened={creating} onClose={createModal.close} />}
    </>
  );
}
