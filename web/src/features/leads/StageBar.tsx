import { UnstyledButton, VisuallyHidden } from '@mantine/core';
import { type CSSProperties, useEffect, useRef } from 'react';
import classes from './LeadPage.module.css';
import { type Stage, stageColor } from './stages';

/** The lead's place in the pipeline; a click on another stage moves it there (if the caller may). */
export function StageBar({
  stages,
  current,
  disabled,
  pendingStage,
  onMove,
}: {
  stages: readonly Stage[];
  current: string;
  disabled: boolean;
  /** The stage a move is under way to. */
  pendingStage?: string | null;
  onMove: (stageKey: string) => void;
}) {
  const bar = useRef<HTMLFieldSetElement>(null);
  const currentIndex = stages.findIndex((s) => s.key === current);
  // On a narrow screen the bar scrolls: keep the current stage in view.
  useEffect(() => {
    const step = bar.current?.querySelector<HTMLElement>(`[data-stage="${current}"]`);
    if (bar.current && step) {
      bar.current.scrollLeft = step.offsetLeft - (bar.current.clientWidth - step.offsetWidth) / 2;
    }
  }, [current]);
  const currentStage = stages[currentIndex];
  const closed = currentStage?.kind !== 'open';
  return (
    <fieldset className={classes.stageBar} ref={bar}>
      <VisuallyHidden component="legend">Stage</VisuallyHidden>
      {stages.map((stage, index) => {
        const isCurrent = stage.key === current;
        // Past open stages read as done; once closed, only the closing stage is marked.
        const passed = !closed && stage.kind === 'open' && index < currentIndex;
        return (
          <UnstyledButton
            key={stage.key}
            className={classes.stageStep}
            style={{ '--stage-color': `var(--mantine-color-${stageColor(stages, stage.key)}-6)` } as CSSProperties}
            data-stage={stage.key}
            data-current={isCurrent || undefined}
            data-passed={passed || undefined}
            aria-current={isCurrent ? 'step' : undefined}
            aria-busy={pendingStage === stage.key || undefined}
            disabled={disabled || isCurrent}
            title={isCurrent ? `${stage.name}: the current stage` : `Move to ${stage.name}`}
            onClick={() => onMove(stage.key)}
          >
            {stage.name}
          </UnstyledButton>
        );
      })}
    </fieldset>
  );
}
