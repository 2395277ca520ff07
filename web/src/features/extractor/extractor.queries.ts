import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type ExtractorSource =
  paths['/api/v1/extractor/sources']['get']['responses'][200]['content']['application/json']['data'][number];
export type ExtractorRun =
  paths['/api/v1/extractor/sources/{id}/runs']['get']['responses'][200]['content']['application/json']['data'][number];
export type ExtractorPreview =
  paths['/api/v1/extractor/sources/{id}/preview']['post']['responses'][200]['content']['application/json'];

const sourcesKey = ['extractor', 'sources'] as const;
const runsKey = (id: string) => ['extractor', 'runs', id] as const;

export function useExtractorSources() {
  return useQuery({ queryKey: sourcesKey, queryFn: () => unwrap(api.GET('/api/v1/extractor/sources')) });
}

/** A source's runs, polled while one is queued or running. */
export function useExtractorRuns(id: string) {
  return useQuery({
    queryKey: runsKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/extractor/sources/{id}/runs', { params: { path: { id } } })),
    refetchInterval: (query) =>
      query.state.data?.data.some((r) => r.status === 'queued' || r.status === 'running') ? 2000 : false,
  });
}

export function useStartRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/extractor/sources/{id}/runs', { params: { path: { id } } })),
    onSettled: (_data, _error, id) => {
      queryClient.invalidateQueries({ queryKey: runsKey(id) });
      queryClient.invalidateQueries({ queryKey: sourcesKey });
    },
  });
}

export function usePreview() {
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/extractor/sources/{id}/preview', { params: { path: { id } } })),
  });
}

export type ExtractorSourceBody =
  paths['/api/v1/extractor/sources']['post']['requestBody']['content']['application/json'];
export type ExtractorSourcePatch =
  paths['/api/v1/extractor/sources/{id}']['patch']['requestBody']['content']['application/json'];
export type MappingEntry = ExtractorSourceBody['mapping'][number];

export function useSaveSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string | null; body: ExtractorSourceBody }) =>
      input.id
        ? unwrap(
            api.PATCH('/api/v1/extractor/sources/{id}', {
              params: { path: { id: input.id } },
              body: input.body as ExtractorSourcePatch,
            }),
          )
        : unwrap(api.POST('/api/v1/extractor/sources', { body: input.body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sourcesKey }),
  });
}

export function useDeleteSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/extractor/sources/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sourcesKey }),
  });
}
