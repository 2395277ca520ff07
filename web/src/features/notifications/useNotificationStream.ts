import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { getAccessToken } from '../../lib/tokens';
import {
  type AppNotification,
  fetchUnreadCount,
  notificationKeys,
  prependNotification,
  setUnreadCount,
} from './notifications.queries';
import { createSseParser, type SseEvent } from './sse';
import { publishStreamState, type StreamState } from './streamState';

const STREAM_URL = '/api/v1/notifications/stream';
const MAX_DELAY_MS = 30_000;

/** 1 s, 2 s, 4 s … up to 30 s, with jitter so many tabs do not come back at the same instant. */
export function backoffDelay(attempt: number): number {
  const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export type { StreamState };

/**
 * Keeps one Server-Sent Events stream of the signed-in user's notifications open. EventSource cannot send a bearer
 * token, so the stream is read with fetch and a ReadableStream. The server ends it when the access token expires
 * or the session ends; it is then opened again after an ordinary API call (which renews the token, and resyncs
 * the unread count), backing off while the server cannot be reached.
 */
export function useNotificationStream(onNotification: (notification: AppNotification) => void): StreamState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onNotification);
  handler.current = onNotification;

  // Other screens read the state too: a dashboard opened after `ready` says "Live" at once.
  useEffect(() => {
    publishStreamState(state);
  }, [state]);
  useEffect(() => () => publishStreamState('connecting'), []);

  useEffect(() => {
    let stopped = false;
    let controller: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;

    const handle = (event: SseEvent) => {
      let payload: { unreadCount?: number; live?: boolean; notification?: AppNotification };
      try {
        payload = JSON.parse(event.data);
      } catch {
        return;
      }
      // Re-announced for other screens that follow the stream (open dashboards refresh on lead events).
      window.dispatchEvent(new CustomEvent('iperform:stream', { detail: { event: event.event, data: payload } }));
      if (typeof payload.unreadCount === 'number') setUnreadCount(queryClient, payload.unreadCount);
      if (event.event === 'ready') {
        attempt = 0;
        setState(payload.live === false ? 'polling' : 'live');
      } else if (event.event === 'notification' && payload.notification) {
        prependNotification(queryClient, payload.notification);
        handler.current(payload.notification);
      } else if (event.event === 'unread') {
        void queryClient.invalidateQueries({ queryKey: notificationKeys.list(true) });
        void queryClient.invalidateQueries({ queryKey: notificationKeys.list(false) });
      }
    };

    const schedule = (delay: number) => {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void connect(), delay);
    };

    const connect = async () => {
      timer = null;
      if (stopped) return;
      // Renews the access token if it expired (the API client does that on a 401) and catches up the count.
      if (attempt > 0) {
        try {
          setUnreadCount(queryClient, await fetchUnreadCount());
        } catch {
          setState('offline');
          attempt += 1;
          schedule(backoffDelay(attempt));
          return;
        }
      }
      const token = getAccessToken();
      if (!token) return;
      controller = new AbortController();
      try {
        const response = await fetch(STREAM_URL, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        const parser = createSseParser(handle);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        if (stopped) return;
        setState('offline');
      }
      if (stopped) return;
      // A stream that ended after it was live (token expiry) comes back at once; failures back off.
      attempt += 1;
      schedule(attempt === 1 ? 200 : backoffDelay(attempt - 1));
    };

    // Back online: no need to sit out the rest of a backoff.
    const reconnectNow = () => {
      if (timer) schedule(0);
    };

    void connect();
    window.addEventListener('online', reconnectNow);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
      window.removeEventListener('online', reconnectNow);
    };
  }, [queryClient]);

  return state;
}
