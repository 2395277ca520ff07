import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { AddTileBody, CreateDashboardBody, Dashboard, UpdateDashboardBody } from './dashboards.types';

/** The id of the caller's role default dashboard. */
export const DEFAULT_DASHBOARD = 'default';

export const dashboardKeys = {
  all: ['dashboards'] as const,
  list: ['dashboards', 'list'] as const,
  detail: (id: string) => ['dashboards', 'detail', id] as const,
  targetsAll: ['targets'] as const,
  targets: (period: string | null) => ['targets', period ?? 'current'] as const,
};

export function useDashboards(enabled = true) {
  return useQuery({
    queryKey: dashboardKeys.list,
    queryFn: async () => (await unwrap(api.GET('/api/v1/dashboards'))).data,
    enabled,
  });
}

export function fetchDashboard(id: string): Promise<Dashboard> {
  return id === DEFAULT_DASHBOARD
    ? unwrap(api.GET('/api/v1/dashboards/default'))
    : unwrap(api.GET('/api/v1/dashboards/{id}', { params: { path: { id } } }));
}

export function useDashboard(id: string) {
  return useQuery({ queryKey: dashboardKeys.detail(id), queryFn: () => fetchDashboard(id) });
}

function useDashboardSaved() {
  const queryClient = useQueryClient();
  return (dashboard: Dashboard) => {
    queryClient.setQueryData(dashboardKeys.detail(dashboard.id), dashboard);
    void queryClient.invalidateQueries({ queryKey: dashboardKeys.list });
  };
}

export function useCreateDashboard() {
  const saved = useDashboardSaved();
  return useMutation({
    mutationFn: (body: CreateDashboardBody) => unwrap(api.POST('/api/v1/dashboards', { body })),
    onSuccess: saved,
  });
}

export function useUpdateDashboard() {
  const saved = useDashboardSaved();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateDashboardBody & { id: string }) =>
      unwrap(api.PUT('/api/v1/dashboards/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

/** "Add to dashboard": the report becomes the dashboard's last tile. */
export function useAddTile() {
  const saved = useDashboardSaved();
  return useMutation({
    mutationFn: ({ id, ...body }: AddTileBody & { id: string }) =>
      unwrap(api.POST('/api/v1/dashboards/{id}/tiles', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useDeleteDashboard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/dashboards/{id}', { params: { path: { id } } })),
    onSuccess: (_done, id) => {
      queryClient.removeQueries({ queryKey: dashboardKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: dashboardKeys.list });
    },
  });
}

/** The targets of a month (`2026-12`) or quarter (`2026-Q4`), this month by default, with what each achieved. */
export function useTargets(period: string | null, refetchInterval: number | false, enabled = true) {
  return useQuery({
    queryKey: dashboardKeys.targets(period),
    queryFn: () => unwrap(api.GET('/api/v1/targets', { params: { query: period ? { period } : {} } })),
    refetchInterval,
    staleTime: 10_000,
    enabled,
  });
}

/** Where reports run and how far ClickHouse is behind (admins); refreshed every 30 s while shown. */
export function useEngineStatus(enabled: boolean) {
  return useQuery({
    queryKey: ['reports', 'engine'] as const,
    queryFn: () => unwrap(api.GET('/api/v1/reports/engine')),
    refetchInterval: 30_000,
    staleTime: 10_000,
    enabled,
  });
}
