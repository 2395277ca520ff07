import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useStreamState } from '../notifications/streamState';
import { reportKeys } from '../reports/reports.queries';
import { dashboardKeys } from './dashboards.queries';
import { createCoalescer, leadEventKind, liveMode, STREAM_EVENT, type StreamMessage } from './liveRefresh';

/**
 * Keeps the open dashboard's tiles live: every change the notification stream announces runs them again
 * (coalesced, at most every two seconds). Says whether the dashboard is live (the stream is connected: its
 * `ready` came, even before any change) and the polling interval tiles should use meanwhile: every 30 s while the
 * stream is down, every 5 minutes while it is up, in case it goes quiet.
 */
export function useLiveTiles(): { live: boolean; refetchInterval: number } {
  const queryClient = useQueryClient();
  const stream = useStreamState();

  useEffect(() => {
    const refresh = createCoalescer(() => {
      void queryClient.invalidateQueries({ queryKey: reportKeys.runs });
      void queryClient.invalidateQueries({ queryKey: dashboardKeys.targetsAll });
    });
    const onMessage = (event: Event) => {
      const message = (event as CustomEvent<StreamMessage>).detail;
      if (message && leadEventKind(message)) refresh.trigger();
    };
    window.addEventListener(STREAM_EVENT, onMessage);
    return () => {
      window.removeEventListener(STREAM_EVENT, onMessage);
      refresh.cancel();
    };
  }, [queryClient]);

  return liveMode(stream);
}
