import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { leadsKeys } from '../leads/leads.queries';

export type TrashedLead =
  paths['/api/v1/leads/trash']['get']['responses'][200]['content']['application/json']['data'][number];

export const trashKeys = {
  all: ['trash'] as const,
  list: (q: string) => ['trash', 'list', q] as const,
};

export function useTrash(q: string) {
  return useInfiniteQuery({
    queryKey: trashKeys.list(q),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/leads/trash', {
          params: { query: { limit: 50, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useRestoreLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/leads/{id}/restore', { params: { path: { id } } })),
    onSuccess: (lead) => {
      queryClient.setQueryData(leadsKeys.detail(lead.id), lead);
      void queryClient.invalidateQueries({ queryKey: trashKeys.all });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.lists });
      void queryClient.invalidateQueries({ queryKey: ['leads', 'counts'] });
    },
  });
}

export function useTrashLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/leads/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: leadsKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: trashKeys.all });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.lists });
      void queryClient.invalidateQueries({ queryKey: ['leads', 'counts'] });
    },
  });
}
