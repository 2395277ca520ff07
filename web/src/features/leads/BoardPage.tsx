import { Button, Card } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconList, IconPlus } from '@tabler/icons-react';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../auth/session';
import { BoardColumn, type BoardDrag } from './BoardColumn';
import { type StageCounts, type StageTotal, useStageCounts } from './counts.queries';
import { ExportButton } from './ExportButton';
import classes from './LeadBoard.module.css';
import { LeadFiltersBar } from './LeadFiltersBar';
import { toListParams, useLeadFilters } from './leadFilters';
import { leadsKeys, placeLeadInLists } from './leads.queries';
import type { Lead } from './leads.types';
import { NewLeadModal } from './NewLeadModal';
import { useStages } from './pipeline.queries';
import { stageColor } from './stages';
import { useStageMove } from './useStageMove';

const DRAG_TYPE = 'application/x-iperform-lead';

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

  // The card pressed is the card dragged, even when the board scrolled under the pointer between the press and
  // the first move (as automated drags do); while pressed, the whole board may start the drag.
  const pressed = useRef<{ lead: Lead; element: HTMLElement } | null>(null);
  const [pressing, setPressing] = useState(false);
  useEffect(() => {
    if (!pressing) return;
    const release = () => setPressing(false);
    window.addEventListener('pointerup', release);
    return () => window.removeEventListener('pointerup', release);
  }, [pressing]);

  const onPress = (lead: Lead, element: HTMLElement) => {
    pressed.current = { lead, element };
    setPressing(true);
  };

  const onDragStart = (event: DragEvent<HTMLElement>) => {
    const source = pressed.current;
    if (!source) {
      event.preventDefault();
      return;
    }
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData(DRAG_TYPE, source.lead.id);
    event.dataTransfer.setData('text/plain', source.lead.name);
    if (event.target !== source.element) event.dataTransfer.setDragImage(source.element, 24, 24);
    setDrag({ lead: source.lead });
  };

  const onDragEnd = () => {
    setDrag(null);
    setPressing(false);
    pressed.current = null;
  };

  return (
    <>
      <PageHeader
        title="Board"
        description={
          canMove ? 'Your pipeline by stage. Drag a card to move it, or use its menu.' : 'Your pipeline by stage.'
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

      <section
        className={classes.board}
        aria-label="Pipeline board"
        draggable={pressing || undefined}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
      >
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
            onPress={onPress}
            onDrop={(stageKey) => {
              if (drag) move(drag.lead, stageKey);
              onDragEnd();
            }}
            onMove={move}
          />
        ))}
      </section>
      {mover.modal}
      {canCreate && <NewLeadModal opened={creating} onClose={createModal.close} />}
    </>
  );
}
