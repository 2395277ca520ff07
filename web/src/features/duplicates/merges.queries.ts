import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { components, paths } from '../../lib/api-types';
import { leadsKeys } from '../leads/leads.queries';

type MergesPaths = paths['/api/v1/leads/merges'];
export type MergeSummary = MergesPaths['get']['responses'][200]['content']['application/json']['data'][number];
export type MergeDetail =
  paths['/api/v1/leads/merges/{mergeId}']['get']['responses'][200]['content']['application/json'];
export type MergeBody = paths['/api/v1/leads/merge']['post']['requestBody']['content']['application/json'];
export type UndoResult =
  paths['/api/v1/leads/merges/{mergeId}/undo']['post']['responses'][200]['content']['application/json'];
export type { components };

export const mergesKeys = {
  all: ['merges'] as const,
  forLead: (leadId: string) => ['merges', 'lead', leadId] as const,
  detail: (id: string) => ['merges', 'detail', id] as const,
};

/** The merges a lead took part in, newest first. */
export function useLeadMerges(leadId: string) {
  return useQuery({
    queryKey: mergesKeys.forLead(leadId),
    queryFn: () => unwrap(api.GET('/api/v1/leads/merges', { params: { query: { leadId, limit: 20 } } })),
  });
}

/** One merge: what moved, and whether (and what) undo would restore. */
export function useMerge(id: string | null) {
  return useQuery({
    queryKey: mergesKeys.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/leads/merges/{mergeId}', { params: { path: { mergeId: id ?? '' } } })),
    enabled: id !== null,
    staleTime: 0,
  });
}

/** A merge or its undo changes leads, lists, counts, the review queue and every merge history. */
function useAfterMerge() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: leadsKeys.all });
    void queryClient.invalidateQueries({ queryKey: mergesKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
  };
}

export function useMergeLeads() {
  const after = useAfterMerge();
  return useMutation({
    mutationFn: (body: MergeBody) => unwrap(api.POST('/api/v1/leads/merge', { body })),
    onSuccess: after,
  });
}

export function useUndoMerge() {
  const after = useAfterMerge();
  return useMutation({
    mutationFn: (mergeId: string) =>
      unwrap(api.POST('/api/v1/leads/merges/{mergeId}/undo', { params: { path: { mergeId } } })),
    onSuccess: after,
    onError: after,
  });
}
