import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { download } from '../leads/download';
import type { ReportRun, RunBody, SaveReportBody } from './reports.types';

/** The reports' one key family: the catalog, the builder's model, every run (a tile's or a page's), saved ones. */
export const reportKeys = {
  all: ['reports'] as const,
  catalog: ['reports', 'catalog'] as const,
  model: ['reports', 'model'] as const,
  runs: ['reports', 'run'] as const,
  run: (body: RunBody) => ['reports', 'run', body] as const,
  saved: (id: string) => ['reports', 'saved', id] as const,
};

export function useReportCatalog() {
  return useQuery({
    queryKey: reportKeys.catalog,
    queryFn: () => unwrap(api.GET('/api/v1/reports')),
    select: (body) => body.data,
    staleTime: 5 * 60_000,
  });
}

export function useReportModel() {
  return useQuery({
    queryKey: reportKeys.model,
    queryFn: () => unwrap(api.GET('/api/v1/reports/model')),
    staleTime: 10 * 60_000,
  });
}

export function runReport(body: RunBody): Promise<ReportRun> {
  return unwrap(api.POST('/api/v1/reports/run', { body }));
}

/**
 * One run of a report: a page's, a tile's, the builder's preview. The previous answer stays on screen while the
 * next loads (a new page of rows, another period), so nothing jumps.
 */
export function useReportRun(
  body: RunBody | null,
  options: { refetchInterval?: number | false; keepPrevious?: boolean } = {},
) {
  return useQuery({
    queryKey: reportKeys.run(body ?? { report: '' }),
    queryFn: () => runReport(body as RunBody),
    enabled: body !== null,
    placeholderData: options.keepPrevious === false ? undefined : keepPreviousData,
    refetchInterval: options.refetchInterval ?? false,
    // Figures are live: a run is fresh for a short while only (the dashboard also refreshes on lead events).
    staleTime: 10_000,
  });
}

/** Downloads the whole report (every row, not the page shown) as the server streams it. */
export function exportReport(body: RunBody, format: 'csv' | 'xlsx') {
  return download(
    api.POST('/api/v1/reports/export', { body: { ...body, format }, parseAs: 'blob' }),
    `report.${format}`,
  );
}

export function useSavedReport(id: string | null) {
  return useQuery({
    queryKey: reportKeys.saved(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/reports/saved/{id}', { params: { path: { id: id as string } } })),
    enabled: id !== null,
  });
}

export function useSaveReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SaveReportBody) => unwrap(api.POST('/api/v1/reports/saved', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reportKeys.catalog }),
  });
}

export function useUpdateSavedReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: SaveReportBody & { id: string }) =>
      unwrap(api.PUT('/api/v1/reports/saved/{id}', { params: { path: { id } }, body })),
    onSuccess: (_saved, { id }) => {
      void queryClient.invalidateQueries({ queryKey: reportKeys.catalog });
      void queryClient.invalidateQueries({ queryKey: reportKeys.saved(id) });
      void queryClient.invalidateQueries({ queryKey: reportKeys.runs });
    },
  });
}

export function useDeleteSavedReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/reports/saved/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reportKeys.catalog }),
  });
}
