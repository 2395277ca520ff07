import { useSyncExternalStore } from 'react';

/**
 * The state of the one notification stream, for every screen that follows it (the bell, open dashboards). The
 * stream hook publishes here; a screen mounted after the stream said `ready` still reads it as live.
 */
export type StreamState = 'connecting' | 'live' | 'polling' | 'offline';

let current: StreamState = 'connecting';
const listeners = new Set<() => void>();

export function publishStreamState(next: StreamState): void {
  if (next === current) return;
  current = next;
  for (const listener of listeners) listener();
}

export function currentStreamState(): StreamState {
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useStreamState(): StreamState {
  return useSyncExternalStore(subscribe, currentStreamState, currentStreamState);
}
