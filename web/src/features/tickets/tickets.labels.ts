import type { Ticket } from './tickets.queries';

export const statusLabels: Record<Ticket['status'], string> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending on customer',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};

export const priorityLabels: Record<Ticket['priority'], string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export const priorityColors: Record<Ticket['priority'], string> = {
  low: 'gray',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};

export const statusOptions = Object.entries(statusLabels).map(([value, label]) => ({ value, label }));
export const priorityOptions = Object.entries(priorityLabels).map(([value, label]) => ({ value, label }));

/** The clock that matters now: the first response until it is given, then the resolution. */
export function slaState(ticket: Ticket): { label: string; dueAt: string; breached: boolean } | null {
  const { firstResponse, resolution } = ticket.sla;
  if (firstResponse.stoppedAt === null && resolution.stoppedAt === null) {
    return { label: 'First response', dueAt: firstResponse.dueAt, breached: firstResponse.breached };
  }
  if (resolution.stoppedAt === null)
    return { label: 'Resolution', dueAt: resolution.dueAt, breached: resolution.breached };
  return null;
}
