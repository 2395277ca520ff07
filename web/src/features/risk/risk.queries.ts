import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type AtRiskLead = Json<paths['/api/v1/insights/at-risk']['get']['responses'][200]>['data'][number];
export type RiskReason = AtRiskLead['reasons'][number];
export type ReasonKey = RiskReason['key'];
export type AtRiskSummary = Json<paths['/api/v1/insights/at-risk/summary']['get']['responses'][200]>;
export type LeadRisk = Json<paths['/api/v1/leads/{id}/risk']['get']['responses'][200]>;

export const riskKeys = {
  all: ['risk'] as const,
  list: (ownerId: string | null, reason: ReasonKey | null) => ['risk', 'list', ownerId, reason] as const,
  summary: ['risk', 'summary'] as const,
  lead: (id: string) => ['risk', 'lead', id] as const,
};

/** The at-risk leads the user may see, most severe first, page by page. */
export function useAtRisk(ownerId: string | null, reason: ReasonKey | null) {
  return useInfiniteQuery({
    queryKey: riskKeys.list(ownerId, reason),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/insights/at-risk', {
          params: {
            query: {
              limit: 50,
              ...(ownerId ? { ownerId } : {}),
              ...(reason ? { reason } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useAtRiskSummary(enabled = true) {
  return useQuery({
    queryKey: riskKeys.summary,
    queryFn: () => unwrap(api.GET('/api/v1/insights/at-risk/summary')),
    enabled,
    staleTime: 60_000,
  });
}

export function useLeadRisk(leadId: string, enabled = true) {
  return useQuery({
    queryKey: riskKeys.lead(leadId),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/risk', { params: { path: { id: leadId } } })),
    enabled,
    staleTime: 60_000,
  });
}

/** Runs the scan now (admins); the lists are read again a few seconds later, when it has likely finished. */
export function useRunRiskScan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/insights/at-risk/scan')),
    onSuccess: () => {
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: riskKeys.all }), 3_000);
    },
  });
}
