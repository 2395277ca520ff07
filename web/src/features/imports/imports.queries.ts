import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { download } from '../leads/download';
import { leadsKeys } from '../leads/leads.queries';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type ImportDetail = Json<paths['/api/v1/imports/{id}']['get']['responses'][200]>;
export type ImportSummary = Json<paths['/api/v1/imports']['get']['responses'][200]>['data'][number];
export type ImportStatus = ImportDetail['status'];
export type Mapping = ImportDetail['suggestedMapping'];
export type SavedMapping = Json<paths['/api/v1/imports/mappings']['get']['responses'][200]>['data'][number];
export type DryRunBody = NonNullable<
  paths['/api/v1/imports/{id}/dry-run']['post']['requestBody']
>['content']['application/json'];
export type DryRunResult = Json<paths['/api/v1/imports/{id}/dry-run']['post']['responses'][200]>;
export type RunBody = NonNullable<
  paths['/api/v1/imports/{id}/run']['post']['requestBody']
>['content']['application/json'];
export type OnDuplicate = NonNullable<RunBody['onDuplicate']>;
export type UploadOptions = { format?: string; encoding?: string; delimiter?: string; mappingId?: string };

export const importsKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
  mappings: ['imports', 'mappings'] as const,
};

const busy: readonly ImportStatus[] = ['queued', 'running', 'undoing'];

export function isBusy(status: ImportStatus): boolean {
  return busy.includes(status);
}

/** One import; asked again every second while it runs (or is being undone), so progress moves on screen. */
export function useImport(id: string) {
  return useQuery({
    queryKey: importsKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/imports/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data && isBusy(query.state.data.status) ? 1000 : false),
    staleTime: 0,
  });
}

export function useImports() {
  return useInfiniteQuery({
    queryKey: importsKeys.list,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/imports', { params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
    // A running import in the list keeps its row moving.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.data.some((item) => isBusy(item.status))) ? 2000 : false,
  });
}

export function useSavedMappings() {
  return useQuery({
    queryKey: importsKeys.mappings,
    queryFn: async () => (await unwrap(api.GET('/api/v1/imports/mappings'))).data,
  });
}

/** Sends the file as multipart/form-data: the file part, then the options the person overrode. */
export function useUpload() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, options }: { file: File; options: UploadOptions }) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(options)) if (value) form.append(name, value);
      form.append('file', file, file.name);
      return unwrap(api.POST('/api/v1/imports', { body: {} as never, bodySerializer: () => form }));
    },
    onSuccess: (detail) => {
      queryClient.setQueryData(importsKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: importsKeys.list });
    },
  });
}

export function useSetMapping(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { mapping?: Mapping; mappingId?: string; saveAs?: string }) =>
      unwrap(api.PUT('/api/v1/imports/{id}/mapping', { params: { path: { id } }, body })),
    onSuccess: (detail, body) => {
      queryClient.setQueryData(importsKeys.detail(id), detail);
      if (body.saveAs) void queryClient.invalidateQueries({ queryKey: importsKeys.mappings });
    },
  });
}

export function useSaveMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; mapping: Mapping }) => unwrap(api.POST('/api/v1/imports/mappings', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importsKeys.mappings }),
  });
}

export function useDeleteMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/imports/mappings/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importsKeys.mappings }),
  });
}

export function useDryRun(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DryRunBody) =>
      unwrap(api.POST('/api/v1/imports/{id}/dry-run', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importsKeys.detail(id) }),
  });
}

/** Starting, or undoing, changes the import (and, as it runs, the leads): follow it from here. */
function useImportChanged(id: string) {
  const queryClient = useQueryClient();
  return (detail: ImportDetail) => {
    queryClient.setQueryData(importsKeys.detail(id), detail);
    void queryClient.invalidateQueries({ queryKey: importsKeys.list });
    void queryClient.invalidateQueries({ queryKey: leadsKeys.all });
  };
}

export function useRunImport(id: string) {
  const changed = useImportChanged(id);
  return useMutation({
    mutationFn: (body: RunBody) => unwrap(api.POST('/api/v1/imports/{id}/run', { params: { path: { id } }, body })),
    onSuccess: changed,
  });
}

export function useUndoImport(id: string) {
  const changed = useImportChanged(id);
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/imports/{id}/undo', { params: { path: { id } } })),
    onSuccess: changed,
  });
}

export function downloadResult(id: string, fileName: string) {
  return download(
    api.GET('/api/v1/imports/{id}/result', { params: { path: { id } }, parseAs: 'blob' }),
    `${fileName.replace(/\.[^.]+$/, '')}-result.csv`,
  );
}
