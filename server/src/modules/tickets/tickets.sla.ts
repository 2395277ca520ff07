import type { TicketPriority } from './tickets.schemas.ts';

const HOUR = 3_600_000;

/**
 * SLA targets by priority, in calendar hours from the ticket's creation (business hours are not counted yet):
 * the first public reply is due within `firstResponse`, the solve within `resolution`.
 */
export const SLA_TARGETS: Record<TicketPriority, { firstResponse: number; resolution: number }> = {
  urgent: { firstResponse: 1 * HOUR, resolution: 4 * HOUR },
  high: { firstResponse: 4 * HOUR, resolution: 24 * HOUR },
  normal: { firstResponse: 8 * HOUR, resolution: 72 * HOUR },
  low: { firstResponse: 24 * HOUR, resolution: 120 * HOUR },
};

/** The share of a clock's target after which the assignee and its manager are warned. */
export const WARN_AT = 0.8;

export type SlaClockName = 'first_response' | 'resolution';
export type SlaStage = 'warn' | 'breach';

export function dueTimes(createdAt: Date, priority: TicketPriority) {
  const target = SLA_TARGETS[priority];
  return {
    firstResponseDueAt: new Date(createdAt.getTime() + target.firstResponse),
    resolutionDueAt: new Date(createdAt.getTime() + target.resolution),
  };
}

/** When the warning of a clock due at `dueAt`, started at `createdAt`, is given. */
export function warnTime(createdAt: Date, dueAt: Date): Date {
  return new Date(createdAt.getTime() + Math.round((dueAt.getTime() - createdAt.getTime()) * WARN_AT));
}
