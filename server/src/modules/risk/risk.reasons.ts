/**
 * The reasons a lead can be at risk: their keys (stored, filtered on, shown), weights (a lead's severity is the
 * sum of its reasons' weights) and how each is put in words.
 */
export const reasonKeys = [
  'overdue_follow_ups',
  'no_touch',
  'stage_overdue',
  'close_date_pushed',
  'owner_on_leave',
  'no_next_step',
] as const;
export type ReasonKey = (typeof reasonKeys)[number];

/** A reason that alone does not make a lead at risk: it only adds to the others. */
export const SUPPORTING_ONLY: ReasonKey = 'no_next_step';

export const reasonWeights: Record<ReasonKey, number> = {
  overdue_follow_ups: 3,
  no_touch: 3,
  stage_overdue: 2,
  close_date_pushed: 2,
  owner_on_leave: 2,
  no_next_step: 1,
};

export const reasonLabels: Record<ReasonKey, string> = {
  overdue_follow_ups: 'Overdue follow-ups',
  no_touch: 'Not touched for longer than usual',
  stage_overdue: 'In the stage longer than usual',
  close_date_pushed: 'Close date pushed more than once',
  owner_on_leave: 'Owner on leave',
  no_next_step: 'No next step',
};

/** The lead fields a reason speaks of: a reason is never shown to a role that cannot see its field. */
export const reasonFields: Partial<Record<ReasonKey, string>> = {
  close_date_pushed: 'expectedCloseDate',
  owner_on_leave: 'ownerId',
};

/** How the scan measures, and what it falls back on when a company's history is too thin. */
export const NORMS = {
  /** History looked at: the last 365 days. */
  historyDays: 365,
  /** Gaps between touches needed in a stage before its own median is used. */
  minPaceSamples: 20,
  /** The usual gap between touches assumed otherwise, in days. */
  defaultPaceDays: 7,
  /** Leads that left a stage needed before its own 90th percentile is used. */
  minStageSamples: 10,
  /** The 90th percentile of time in a stage assumed otherwise, in days. */
  defaultStageP90Days: 30,
  /** A lead is "not touched" after this many times its stage's usual gap ... */
  idleFactor: 2,
  /** ... and never before this many days. */
  minIdleDays: 3,
  /** A lead counted in an owner's notification is not counted again for this many days. */
  notifyEveryDays: 7,
} as const;

/** A reason as the scan stores it in `lead_risks.reasons`. */
export interface StoredReason {
  key: ReasonKey;
  value: number | null;
  usual: number | null;
  /** owner_on_leave: the last day of the leave; overdue_follow_ups: days the oldest one is late. */
  until?: string | null;
  late?: number | null;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const days = (n: number) => plural(n, 'day', 'days');
const roundDays = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);

/** A reason in words, e.g. "No touch for 20 days; leads in Demo are usually touched every 3 days". */
export function reasonText(reason: StoredReason, stageName: string): string {
  const value = reason.value ?? 0;
  const usual = reason.usual === null ? null : roundDays(reason.usual);
  switch (reason.key) {
    case 'no_touch':
      return `No touch for ${days(value)}; leads in ${stageName} are usually touched every ${days(usual ?? 0)}`;
    case 'stage_overdue':
      return `In ${stageName} for ${days(value)}; 9 in 10 leads leave it within ${days(usual ?? 0)}`;
    case 'overdue_follow_ups':
      return `${plural(value, 'overdue follow-up', 'overdue follow-ups')}${
        reason.late ? `, the oldest ${days(reason.late)} late` : ''
      }`;
    case 'close_date_pushed':
      return `Close date pushed later ${value} times`;
    case 'owner_on_leave':
      return reason.until ? `The owner is on leave until ${reason.until}` : 'The owner is on leave';
    case 'no_next_step':
      return 'No follow-up or meeting scheduled';
  }
}
