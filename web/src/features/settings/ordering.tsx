import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { type DragEvent, useState } from 'react';

/** A copy of `items` with the one at `from` moved to `to`. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [moved] = next.splice(from, 1);
  if (moved === undefined) return next;
  next.splice(Math.max(0, Math.min(to, next.length)), 0, moved);
  return next;
}

/** Up and down buttons: the way to reorder that works with a keyboard, a screen reader and a thumb. */
export function OrderButtons({
  name,
  index,
  count,
  lastMovable = count - 1,
  disabled = false,
  onMove,
}: {
  name: string;
  index: number;
  count: number;
  /** The last position an item may take (a pinned item below it stays put). */
  lastMovable?: number;
  disabled?: boolean;
  onMove: (from: number, to: number) => void;
}) {
  return (
    <Group gap={2} wrap="nowrap">
      <Tooltip label="Move up" openDelay={400}>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={`Move ${name} up`}
          disabled={disabled || index === 0}
          onClick={() => onMove(index, index - 1)}
        >
          <IconArrowUp size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Move down" openDelay={400}>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={`Move ${name} down`}
          disabled={disabled || index >= lastMovable}
          onClick={() => onMove(index, index + 1)}
        >
          <IconArrowDown size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/**
 * Drag and drop between rows with the browser's own drag events (a mouse nicety on top of the buttons).
 * `rowProps(index)` goes on each row and `handleProps(index)` on its grip: a row drags only when picked up by
 * its grip, so selecting text in a field of the row or clicking its links still works. `over` is the row a
 * dragged one would land on.
 */
export function useRowDrag(onMove: (from: number, to: number) => void, enabled = true) {
  const [armed, setArmed] = useState<number | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);

  const reset = () => {
    setArmed(null);
    setDragging(null);
    setOver(null);
  };

  const handleProps = (index: number) =>
    enabled
      ? {
          onPointerDown: () => setArmed(index),
          onPointerUp: () => setArmed(null),
        }
      : {};

  const rowProps = (index: number) =>
    enabled
      ? {
          draggable: armed === index,
          'data-dragging': dragging === index || undefined,
          'data-drop-target': over === index && dragging !== index ? true : undefined,
          onDragStart: (event: DragEvent) => {
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', String(index));
            setDragging(index);
          },
          onDragOver: (event: DragEvent) => {
            if (dragging === null) return;
            event.preventDefault();
            event.dataTransfer.dropEffect = 'move';
            if (over !== index) setOver(index);
          },
          onDrop: (event: DragEvent) => {
            event.preventDefault();
            if (dragging !== null && dragging !== index) onMove(dragging, index);
            reset();
          },
          onDragEnd: reset,
        }
      : {};

  return { rowProps, handleProps, dragging };
}
