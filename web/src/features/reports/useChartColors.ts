import { useStages } from '../leads/pipeline.queries';
import { stageColor } from '../leads/stages';
import type { ReportColumn } from './reports.types';

/** Stages keep their board colours in every chart (won green, lost red); other values take the palette. */
export function useChartColors() {
  const { stages } = useStages();
  return (column: ReportColumn, value: string | number | null): string | null => {
    if (column.format !== 'stage' || value === null) return null;
    const color = stageColor(stages, String(value));
    return color === 'gray' ? null : `${color}.6`;
  };
}
