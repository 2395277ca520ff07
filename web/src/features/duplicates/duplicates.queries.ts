import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type DuplicateMatch =
  paths['/api/v1/leads/{id}/duplicates']['get']['responses'][200]['content']['application/json']['data'][number];
type GroupsGet = paths['/api/v1/duplicates/groups']['get'];
export type DuplicateGroup = GroupsGet['responses'][200]['content']['application/json']['data'][number];
export type GroupStatus = NonNullable<NonNullable<GroupsGet['parameters']['query']>['status']>;
export type DuplicateCheckBody =
  paths['/api/v1/leads/duplicate-check']['post']['requestBody']['content']['application/json'];
export type DuplicateSettings =
  paths['/api/v1/duplicates/settings']['get']['responses'][200]['content']['application/json'];
export type DuplicateSettingsBody =
  paths['/api/v1/duplicates/settings']['put']['requestBody']['content']['application/json'];

export const duplicatesKeys = {
  all: ['duplicates'] as const,
  groups: (status: GroupStatus) => ['duplicates', 'groups', status] as const,
  ofLead: (id: string) => ['duplicates', 'lead', id] as const,
  check: (body: DuplicateCheckBody) => ['duplicates', 'check', body] as const,
  settings: ['duplicates', 'settings'] as const,
  scan: ['duplicates', 'scan'] as const,
};

export function useDuplicateGroups(status: GroupStatus) {
  return useInfiniteQuery({
    queryKey: duplicatesKeys.groups(status),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/duplicates/groups', {
          params: { query: { status, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

/** The live leads a lead looks like (only those the caller may see). */
export function useLeadDuplicates(id: string, enabled = true) {
  return useQuery({
    queryKey: duplicatesKeys.ofLead(id),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/duplicates', { params: { path: { id } } })),
    enabled,
  });
}

/** What a lead being typed matches; `enabled` once there is enough to look for. */
export function useDuplicateCheck(body: DuplicateCheckBody, enabled: boolean) {
  return useQuery({
    queryKey: duplicatesKeys.check(body),
    queryFn: () => unwrap(api.POST('/api/v1/leads/duplicate-check', { body })),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useDismissGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/duplicates/groups/{id}/dismiss', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: duplicatesKeys.all }),
  });
}

export function useStartScan() {
  return useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/duplicates/scan')) });
}

export function useDuplicateSettings(enabled = true) {
  return useQuery({
    queryKey: duplicatesKeys.settings,
    queryFn: () => unwrap(api.GET('/api/v1/duplicates/settings')),
    enabled,
  });
}

export function useSaveDuplicateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DuplicateSettingsBody) => unwrap(api.PUT('/api/v1/duplicates/settings', { body })),
    onSuccess: (settings) => queryClient.setQueryData(duplicatesKeys.settings, settings),
  });
}
