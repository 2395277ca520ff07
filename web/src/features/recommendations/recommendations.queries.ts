import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type Recommendation = Json<paths['/api/v1/insights/recommendations']['get']['responses'][200]>['data'][number];
export type RecommendationStatus = Recommendation['status'];
export type OwnerPerformance = Json<paths['/api/v1/insights/owner-performance']['get']['responses'][200]>;
export type Dimension = paths['/api/v1/insights/owner-performance']['get']['parameters']['query']['dimension'];
export type Preview = Json<paths['/api/v1/insights/recommendations/{id}/preview']['post']['responses'][200]>;

export const recommendationKeys = {
  all: ['recommendations'] as const,
  list: (status: RecommendationStatus) => ['recommendations', 'list', status] as const,
  performance: (dimension: Dimension) => ['recommendations', 'performance', dimension] as const,
};

export function useRecommendations(status: RecommendationStatus) {
  return useQuery({
    queryKey: recommendationKeys.list(status),
    queryFn: () => unwrap(api.GET('/api/v1/insights/recommendations', { params: { query: { status } } })),
  });
}

export function useOwnerPerformance(dimension: Dimension) {
  return useQuery({
    queryKey: recommendationKeys.performance(dimension),
    queryFn: () => unwrap(api.GET('/api/v1/insights/owner-performance', { params: { query: { dimension } } })),
    staleTime: 60_000,
  });
}

/** The proposed rule run on recent leads; asked for when the admin opens the preview. */
export function usePreview(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['recommendations', 'preview', id],
    queryFn: () => unwrap(api.POST('/api/v1/insights/recommendations/{id}/preview', { params: { path: { id } } })),
    enabled,
    staleTime: 30_000,
  });
}

export function useAccept() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; active: boolean; position?: number }) =>
      unwrap(
        api.POST('/api/v1/insights/recommendations/{id}/accept', {
          params: { path: { id: input.id } },
          body: { active: input.active, ...(input.position ? { position: input.position } : {}) },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: recommendationKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['settings', 'assignment-rules'] });
    },
  });
}

export function useDismiss() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/insights/recommendations/{id}/dismiss', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: recommendationKeys.all }),
  });
}

/** Draws the recommendations again; the lists are read again a few seconds later, when it has likely finished. */
export function useRefresh() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/insights/recommendations/refresh')),
    onSuccess: () => {
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: recommendationKeys.all }), 3_000);
    },
  });
}
