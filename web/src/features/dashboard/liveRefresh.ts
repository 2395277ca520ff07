/**
 * Open dashboards follow the pipeline live. The notification stream (`features/notifications`) re-announces
 * every event it receives on `window` as `iperform:stream`; the server sends `changed` (`{what: 'leads'}` or
 * `'activities'`) to every stream of the company when a transaction changed them, and a notification about a
 * lead is news too: either makes the tiles run again. Bursts (a bulk move, an import) are coalesced: the first
 * event refreshes at once, later ones at most once every two seconds.
 */
export const STREAM_EVENT = 'iperform:stream';
export const MIN_REFRESH_MS = 2000;
/** While the stream is not connected (or the server cannot push), tiles refresh on a timer. */
export const POLL_MS = 30_000;
/** Once the stream is connected, a slow timer only covers a stream that went quiet. */
export const SAFETY_POLL_MS = 5 * 60_000;

/**
 * Whether open dashboards follow changes live, from the notification stream's state: live as soon as the stream
 * is connected and the server pushes (its `ready` event), not only after a first change; otherwise tiles poll.
 */
export function liveMode(stream: 'connecting' | 'live' | 'polling' | 'offline'): {
  live: boolean;
  refetchInterval: number;
} {
  const live = stream === 'live';
  return { live, refetchInterval: live ? SAFETY_POLL_MS : POLL_MS };
}

export interface StreamMessage {
  event: string;
  data: unknown;
}

/**
 * What an event of the stream says about the figures: `lead` for the company's changes (`changed` leads or
 * activities; any `lead…` event), `related` for a notification about a lead (one person's news, not every
 * change), null otherwise.
 */
export function leadEventKind(message: StreamMessage): 'lead' | 'related' | null {
  const name = message.event;
  if (name === 'changed') {
    const what = (message.data as { what?: unknown } | null)?.what;
    return what === 'leads' || what === 'activities' ? 'lead' : null;
  }
  if (name === 'lead' || name === 'leads' || name.startsWith('lead.') || name.startsWith('leads.')) return 'lead';
  if (name === 'notification') {
    const notification = (message.data as { notification?: { leadId?: unknown; kind?: unknown } } | null)?.notification;
    const aboutLead =
      Boolean(notification?.leadId) ||
      (typeof notification?.kind === 'string' && notification.kind.startsWith('lead.'));
    return aboutLead ? 'related' : null;
  }
  return null;
}

export interface Timers {
  now: () => number;
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `fn` on the first trigger at once, then at most once every `waitMs`, however many triggers come. */
export function createCoalescer(fn: () => void, waitMs = MIN_REFRESH_MS, timers: Timers = realTimers) {
  let pending: unknown = null;
  let last = Number.NEGATIVE_INFINITY;
  return {
    trigger() {
      if (pending !== null) return;
      const delay = Math.max(0, last + waitMs - timers.now());
      pending = timers.set(() => {
        pending = null;
        last = timers.now();
        fn();
      }, delay);
    },
    cancel() {
      if (pending !== null) timers.clear(pending);
      pending = null;
    },
  };
}
