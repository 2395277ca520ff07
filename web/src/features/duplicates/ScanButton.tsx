import { Button, Group, Progress, Text } from '@mantine/core';
import { IconRadar } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, unwrap } from '../../lib/api';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { duplicatesKeys, useStartScan } from './duplicates.queries';

const running = (status: string | undefined) => status === 'queued' || status === 'running';

/** The latest scan, asked again every second and a half while one runs. */
function useLatestScan() {
  return useQuery({
    queryKey: duplicatesKeys.scan,
    queryFn: async () => (await unwrap(api.GET('/api/v1/duplicates/scans/latest'))).scan,
    refetchInterval: (query) => (running(query.state.data?.status) ? 1500 : false),
  });
}

/** When the last scan ran and what it found; a scan under way, with its progress. */
export function ScanStatus() {
  const queryClient = useQueryClient();
  const latest = useLatestScan();
  const scan = latest.data;
  const wasRunning = useRef(false);

  // A scan that finishes changes the queue: load it again.
  useEffect(() => {
    const now = running(scan?.status);
    if (wasRunning.current && !now) void queryClient.invalidateQueries({ queryKey: ['duplicates', 'groups'] });
    wasRunning.current = now;
  }, [scan?.status, queryClient]);

  if (!scan) return null;
  if (running(scan.status)) {
    const percent = scan.leadsTotal > 0 ? (scan.leadsDone / scan.leadsTotal) * 100 : 0;
    return (
      <Group gap="sm" wrap="nowrap" aria-live="polite">
        <Progress value={percent} animated w={140} aria-label="Scan progress" />
        <Text size="sm" c="dimmed">
          Scanning {formatNumber(scan.leadsDone)} of {formatNumber(scan.leadsTotal)} leads…
        </Text>
      </Group>
    );
  }
  return (
    <Text size="sm" c="dimmed" title={scan.finishedAt ? formatDateTime(scan.finishedAt) : undefined}>
      {scan.status === 'failed'
        ? `The last scan failed${scan.error ? `: ${scan.error}` : ''}`
        : `Last scan ${formatRelative(scan.finishedAt ?? scan.createdAt)}`}
    </Text>
  );
}

/** Starts a scan of every live lead (or joins the one under way). */
export function ScanButton() {
  const queryClient = useQueryClient();
  const latest = useLatestScan();
  const start = useStartScan();
  return (
    <Button
      leftSection={<IconRadar size={18} />}
      loading={start.isPending || running(latest.data?.status)}
      onClick={() =>
        start.mutate(undefined, {
          onSuccess: (scan) => queryClient.setQueryData(duplicatesKeys.scan, scan),
          onError: (error) => notifyError(error, 'The scan did not start'),
        })
      }
    >
      Scan for duplicates
    </Button>
  );
}
