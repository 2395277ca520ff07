import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { reportKeys } from '../reports/reports.queries';
import { dashboardKeys } from './dashboards.queries';
import {
  createCoalescer,
  leadEventKind,
  POLL_MS,
  SAFETY_POLL_MS,
  STREAM_EVENT,
  type StreamMessage,
} from './liveRefresh';

/**
 * Keeps the open dashboard's tiles live: every change the notification stream announces runs them again
 * (coalesced, at most every two seconds). Returns the polling interval tiles should use meanwhile: every 30 s
 * until the stream has delivered a change, then every 5 minutes in case the stream drops.
 */
export function useLiveTiles(): number {
  const queryClient = useQueryClient();
  const [eventsSeen, setEventsSeen] = useState(false);

  useEffect(() => {
    const refresh = createCoalescer(() => {
      void queryClient.invalidateQueries({ queryKey: reportKeys.runs });
      void queryClient.invalidateQueries({ queryKey: dashboardKeys.targetsAll });
    });
    const onMessage = (event: Event) => {
      const message = (event as CustomEvent<StreamMessage>).detail;
      const kind = message ? leadEventKind(message) : null;
      if (!kind) return;
      if (kind === 'lead') setEventsSeen(true);
      refresh.trigger();
    };
    window.addEventListener(STREAM_EVENT, onMessage);
    return () => {
      window.removeEventListener(STREAM_EVENT, onMessage);
      refresh.cancel();
    };
  }, [queryClient]);

  return eventsSeen ? SAFETY_POLL_MS : POLL_MS;
}
