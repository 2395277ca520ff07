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

/** Select options of the active categories, plus the ticket's own one when it is retired or free text. */
export function categoryOptions(
  categories: { key: string; label: string; active: boolean }[],
  current?: string | null,
) {
  const options = categories.filter((c) => c.active).map((c) => ({ value: c.key, label: c.label }));
  if (current && !options.some((o) => o.value === current)) {
    const known = categories.find((c) => c.key === current);
    options.push({ value: current, label: known ? `${known.label} (retired)` : current });
  }
  return options;
}

/** A key made from a label: lower-case words joined by `-`. */
export function keyOf(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
