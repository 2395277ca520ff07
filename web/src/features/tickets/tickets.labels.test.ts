import { describe, expect, it } from 'vitest';
import { slaState } from './tickets.labels';
import type { Ticket } from './tickets.queries';

const clock = (dueAt: string, stoppedAt: string | null, breached = false) => ({ dueAt, stoppedAt, breached });

function ticket(sla: Ticket['sla']): Ticket {
  return { sla } as Ticket;
}

describe('slaState', () => {
  it('shows the first response until it is given, then the resolution, then nothing', () => {
    const fr = '2030-01-07T05:30:00.000Z';
    const res = '2030-01-07T08:30:00.000Z';
    expect(slaState(ticket({ firstResponse: clock(fr, null), resolution: clock(res, null) }))).toEqual({
      label: 'First response',
      dueAt: fr,
      breached: false,
    });
    expect(
      slaState(ticket({ firstResponse: clock(fr, '2030-01-07T05:00:00.000Z'), resolution: clock(res, null, true) })),
    ).toEqual({ label: 'Resolution', dueAt: res, breached: true });
    expect(
      slaState(
        ticket({
          firstResponse: clock(fr, '2030-01-07T05:00:00.000Z'),
          resolution: clock(res, '2030-01-07T06:00:00.000Z'),
        }),
      ),
    ).toBeNull();
  });
});
