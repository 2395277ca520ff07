import { AppError, type FieldError } from '../../http/errors.ts';

/**
 * History a new lead brings from elsewhere (an import, a migration through the API): when it was created and
 * when it reached the stage it is created in (for a Won or Lost lead, when it was won or lost). ISO instants.
 */
export interface LeadHistory {
  createdAt?: string | undefined;
  stageChangedAt?: string | undefined;
}

/** The dates a lead with history is written with, and the stage it entered first when it moved since. */
export interface HistoryDates {
  createdAt: string;
  stageAt: string;
  /**
   * The stage its creation entry goes into when it reached its own stage later (the pipeline's first open
   * stage); null when it was created in its stage.
   */
  entryStage: string | null;
}

interface StageRef {
  key: string;
  name: string;
}

const EPOCH = Date.UTC(1970, 0, 1);

/**
 * Checks a new lead's history: each date an instant from 1970 to now, the stage date not before the created
 * date, and a lead in the pipeline's first stage in it since it was created. A created date alone is also its
 * stage date; a stage date alone is also its created date. Returns null without history (the lead is created
 * now, as always). Errors name `<base>createdAt` and `<base>stageChangedAt`.
 */
export function checkHistory(
  history: LeadHistory,
  stage: StageRef,
  firstStage: StageRef | undefined,
  now: Date,
  base = '',
): HistoryDates | null {
  if (history.createdAt === undefined && history.stageChangedAt === undefined) return null;
  const errors: FieldError[] = [];
  const read = (field: 'createdAt' | 'stageChangedAt'): number | null => {
    const text = history[field];
    if (text === undefined) return null;
    const at = Date.parse(text);
    const fail = (message: string) => {
      errors.push({ path: `${base}${field}`, message });
      return null;
    };
    if (Number.isNaN(at)) return fail('is not a date and time');
    if (at < EPOCH) return fail('must not be before 1970');
    if (at > now.getTime()) return fail('must not be in the future');
    return at;
  };
  const created = read('createdAt');
  const reached = read('stageChangedAt');
  if (created !== null && reached !== null && reached < created) {
    errors.push({ path: `${base}stageChangedAt`, message: 'must not be before the created date (createdAt)' });
  }
  const createdAt = created ?? reached;
  const stageAt = reached ?? created;
  const moved = createdAt !== null && stageAt !== null && stageAt > createdAt;
  if (moved && errors.length === 0 && (!firstStage || firstStage.key === stage.key)) {
    errors.push({
      path: `${base}stageChangedAt`,
      message: `must be the created date: ${stage.name} is the first stage, the lead is in it since it was created`,
    });
  }
  if (errors.length > 0 || createdAt === null || stageAt === null) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return {
    createdAt: new Date(createdAt).toISOString(),
    stageAt: new Date(stageAt).toISOString(),
    entryStage: moved ? (firstStage as StageRef).key : null,
  };
}
