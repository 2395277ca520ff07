import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type ConnectionList = paths['/api/v1/integrations']['get']['responses'][200]['content']['application/json'];
export type Connection = ConnectionList['data'][number];

const integrationsKey = ['integrations'] as const;

/** Every connection of the company, refreshed each minute so a connection that breaks shows without a reload. */
export function useIntegrations() {
  return useQuery({
    queryKey: integrationsKey,
    queryFn: () => unwrap(api.GET('/api/v1/integrations')),
    refetchInterval: 60_000,
  });
}

export function useSetPaused() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id, paused }: { kind: string; id: string; paused: boolean }) =>
      unwrap(
        paused
          ? api.POST('/api/v1/integrations/{kind}/{id}/pause', { params: { path: { kind, id } } })
          : api.POST('/api/v1/integrations/{kind}/{id}/resume', { params: { path: { kind, id } } }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: integrationsKey }),
  });
}
