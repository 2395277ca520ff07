import { Alert, CloseButton, Group, Text } from '@mantine/core';
import { IconArrowsJoin } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';

interface MergedState {
  mergedFrom?: string;
}

/**
 * A merged-away lead's address answers with its survivor (the API redirects, fetch follows): put the survivor's
 * address in the bar, and remember which one was asked for so the page can say so.
 */
export function useFollowMerge(requestedId: string, loadedId: string | undefined): void {
  const navigate = useNavigate();
  useEffect(() => {
    if (loadedId && loadedId !== requestedId) {
      navigate(`/leads/${loadedId}`, { replace: true, state: { mergedFrom: requestedId } satisfies MergedState });
    }
  }, [requestedId, loadedId, navigate]);
}

/** "The lead you opened was merged into this one", after following a merged lead's address. */
export function MergedNotice() {
  const location = useLocation();
  const navigate = useNavigate();
  const state = location.state as MergedState | null;
  if (!state?.mergedFrom) return null;
  return (
    <Alert color="blue" icon={<IconArrowsJoin size={18} />} mb="md" p="xs" role="status">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm">The lead you opened was merged into this one: its notes and history are here.</Text>
        <CloseButton
          size="sm"
          aria-label="Dismiss"
          onClick={() => navigate(location.pathname, { replace: true, state: null })}
        />
      </Group>
    </Alert>
  );
}
