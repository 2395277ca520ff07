import {
  type Announcements,
  type CollisionDetection,
  KeyboardCode,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { Text } from '@mantine/core';
import type { PointerEvent as ReactPointerEvent } from 'react';
import classes from './LeadBoard.module.css';
import type { Lead } from './leads.types';
import type { Stage } from './stages';

/**
 * Drag and drop on the board (dnd-kit): a mouse or pen drags after moving a few pixels, a finger after holding a
 * card a moment (so a swipe still scrolls the board), and the keyboard picks a focused card up with Space or
 * Enter, steps through the stages with the arrow keys and drops with Space or Enter (Escape cancels). While a
 * card is dragged, a bar along the bottom of the window offers every stage, so Won and Lost are one move away
 * whatever the screen's width.
 */

/** What a drop target carries: the stage a lead dropped there moves to. */
export interface StageDropData {
  stageKey: string;
}

export interface CardDragData {
  lead: Lead;
}

const BAR_PREFIX = 'bar:';
export const barTargetId = (stageKey: string) => `${BAR_PREFIX}${stageKey}`;

/** The pointer sensor leaves touch to the touch sensor, whose hold-to-drag keeps swiping for scrolling. */
class MouseAndPenSensor extends PointerSensor {
  static activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent }: ReactPointerEvent) =>
        nativeEvent.isPrimary && nativeEvent.button === 0 && nativeEvent.pointerType !== 'touch',
    },
  ];
}

/** The arrow keys move a lifted card from one stage of the drop bar to the next. */
const stageStepper: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const forward = event.code === KeyboardCode.Right || event.code === KeyboardCode.Down;
  const backward = event.code === KeyboardCode.Left || event.code === KeyboardCode.Up;
  if (!forward && !backward) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const targets = droppableContainers
    .getEnabled()
    .filter((container) => String(container.id).startsWith(BAR_PREFIX))
    .map((container) => ({ id: container.id, rect: droppableRects.get(container.id) }))
    .filter((target): target is { id: string; rect: NonNullable<typeof target.rect> } => target.rect !== undefined)
    .sort((a, b) => a.rect.left - b.rect.left || a.rect.top - b.rect.top);
  if (targets.length === 0) return undefined;
  const at = targets.findIndex((target) => target.id === over?.id);
  const next =
    at === -1 ? (forward ? 0 : targets.length - 1) : Math.min(targets.length - 1, Math.max(0, at + (forward ? 1 : -1)));
  const target = targets[next];
  if (!target) return undefined;
  const centre = (rect: { left: number; top: number; width: number; height: number }) => ({
    x: rect.left + rect.width / 2,
    y: rect.top + rect.height / 2,
  });
  const from = centre(collisionRect);
  const to = centre(target.rect);
  return { x: currentCoordinates.x + to.x - from.x, y: currentCoordinates.y + to.y - from.y };
};

export function useBoardSensors() {
  return useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 220, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: stageStepper }),
  );
}

/**
 * Under the pointer, the drop bar wins over the column beneath it; the keyboard (no pointer) goes by overlap.
 */
export const boardCollisions: CollisionDetection = (args) => {
  const hits = args.pointerCoordinates ? pointerWithin(args) : rectIntersection(args);
  const bar = hits.filter((hit) => String(hit.id).startsWith(BAR_PREFIX));
  return bar.length > 0 ? bar : hits;
};

/** What a screen reader hears while a card moves. */
export function boardAnnouncements(stages: readonly Stage[]): Announcements {
  const stageName = (data: unknown) => {
    const key = (data as StageDropData | undefined)?.stageKey;
    return stages.find((stage) => stage.key === key)?.name ?? null;
  };
  const leadName = (data: unknown) => (data as CardDragData | undefined)?.lead.name ?? 'The lead';
  return {
    onDragStart: ({ active }) =>
      `Picked up ${leadName(active.data.current)}. Use the arrow keys to choose a stage, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => {
      const name = stageName(over?.data.current);
      return name
        ? `${leadName(active.data.current)} is over ${name}.`
        : `${leadName(active.data.current)} is over no stage.`;
    },
    onDragEnd: ({ active, over }) => {
      const name = stageName(over?.data.current);
      return name
        ? `${leadName(active.data.current)} dropped on ${name}.`
        : 'Dropped outside any stage: nothing moved.';
    },
    onDragCancel: ({ active }) => `Moving ${leadName(active.data.current)} was cancelled.`,
  };
}

function BarTarget({ stage, color, current }: { stage: Stage; color: string; current: boolean }) {
  const { setNodeRef, isOver } = useDroppable({
    id: barTargetId(stage.key),
    data: { stageKey: stage.key } satisfies StageDropData,
    disabled: current,
  });
  return (
    <section
      ref={setNodeRef}
      className={classes.barTarget}
      data-over={isOver || undefined}
      data-current={current || undefined}
      data-kind={stage.kind}
      aria-label={`Drop in ${stage.name}`}
    >
      <span className={classes.stageDot} style={{ background: `var(--mantine-color-${color}-6)` }} />
      <Text size="sm" fw={600} truncate>
        {stage.name}
      </Text>
    </section>
  );
}

/** Every stage as a drop target along the bottom of the window, shown while a card is dragged. */
export function StageDropBar({
  stages,
  colorOf,
  fromStage,
}: {
  stages: readonly Stage[];
  colorOf: (stageKey: string) => string;
  fromStage: string | null;
}) {
  if (fromStage === null) return null;
  return (
    <aside className={classes.dropBar} aria-label="Move to stage">
      {stages.map((stage) => (
        <BarTarget key={stage.key} stage={stage} color={colorOf(stage.key)} current={stage.key === fromStage} />
      ))}
    </aside>
  );
}
