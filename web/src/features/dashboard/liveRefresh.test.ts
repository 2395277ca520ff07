import { describe, expect, it } from 'vitest';
import { currentStreamState, publishStreamState } from '../notifications/streamState';
import { createCoalescer, leadEventKind, liveMode, POLL_MS, SAFETY_POLL_MS, type Timers } from './liveRefresh';

function fakeTimers() {
  let now = 0;
  let queue: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    now: () => now,
    set: (fn, ms) => {
      const id = next++;
      queue.push({ at: now + ms, fn, id });
      return id;
    },
    clear: (id) => {
      queue = queue.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = queue.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      queue = queue.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = until;
  };
  return { timers, advance };
}

describe('live dashboard refresh', () => {
  it('refreshes at once on the first lead event, then at most every two seconds', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const refresh = createCoalescer(() => runs++, 2000, timers);
    refresh.trigger();
    advance(0);
    expect(runs).toBe(1);
    // A burst (a bulk move): ten events in a second make one more refresh, two seconds after the first.
    for (let i = 0; i < 10; i++) {
      advance(100);
      refresh.trigger();
    }
    expect(runs).toBe(1);
    advance(999);
    expect(runs).toBe(1);
    advance(1);
    expect(runs).toBe(2);
    advance(5000);
    expect(runs).toBe(2);
    // Quiet for a while: the next event refreshes at once again.
    refresh.trigger();
    advance(0);
    expect(runs).toBe(3);
    refresh.trigger();
    refresh.cancel();
    advance(10_000);
    expect(runs).toBe(3);
  });

  it('tells lead events from the others', () => {
    // What the server sends every stream of the company when a transaction changed leads or activities.
    expect(leadEventKind({ event: 'changed', data: { what: 'leads' } })).toBe('lead');
    expect(leadEventKind({ event: 'changed', data: { what: 'activities' } })).toBe('lead');
    expect(leadEventKind({ event: 'changed', data: { what: 'users' } })).toBeNull();
    expect(leadEventKind({ event: 'lead', data: { type: 'stage_changed' } })).toBe('lead');
    expect(leadEventKind({ event: 'lead.stage_changed', data: {} })).toBe('lead');
    expect(leadEventKind({ event: 'leads.bulk', data: {} })).toBe('lead');
    // A notification about a lead refreshes too, but does not stand for every change of every lead.
    expect(
      leadEventKind({ event: 'notification', data: { notification: { kind: 'lead.assigned', leadId: 'x' } } }),
    ).toBe('related');
    expect(
      leadEventKind({ event: 'notification', data: { notification: { kind: 'import.done', leadId: null } } }),
    ).toBeNull();
    expect(leadEventKind({ event: 'unread', data: { unreadCount: 2 } })).toBeNull();
    expect(leadEventKind({ event: 'ready', data: { live: true } })).toBeNull();
    expect(leadEventKind({ event: 'leaderboard', data: {} })).toBeNull();
  });

  it('is live as soon as the stream is connected, before any change arrives', () => {
    expect(liveMode('live')).toEqual({ live: true, refetchInterval: SAFETY_POLL_MS });
    for (const state of ['connecting', 'polling', 'offline'] as const) {
      expect(liveMode(state)).toEqual({ live: false, refetchInterval: POLL_MS });
    }
  });

  it('keeps the stream state for screens mounted after the stream said ready', () => {
    expect(currentStreamState()).toBe('connecting');
    publishStreamState('live');
    // A dashboard opened now reads "live" without waiting for another event.
    expect(liveMode(currentStreamState()).live).toBe(true);
    publishStreamState('offline');
    expect(liveMode(currentStreamState()).live).toBe(false);
  });
});
