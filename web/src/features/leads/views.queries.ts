import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { SavedView, SaveViewBody, UpdateViewBody } from './leads.types';

export const viewsKeys = { all: ['views'] as const };

/** My saved lead views and those shared in the company, by name. */
export function useViews() {
  return useQuery({
    queryKey: viewsKeys.all,
    queryFn: async () => (await unwrap(api.GET('/api/v1/views'))).data,
    staleTime: 60_000,
  });
}

function useViewSaved() {
  const queryClient = useQueryClient();
  return (view: SavedView) => {
    queryClient.setQueryData<SavedView[]>(viewsKeys.all, (current) =>
      current
        ? [...current.filter((v) => v.id !== view.id), view].sort((a, b) => a.name.localeCompare(b.name))
        : current,
    );
    void queryClient.invalidateQueries({ queryKey: viewsKeys.all });
  };
}

export function useCreateView() {
  const saved = useViewSaved();
  return useMutation({
    mutationFn: (body: SaveViewBody) => unwrap(api.POST('/api/v1/views', { body })),
    onSuccess: saved,
  });
}

export function useUpdateView() {
  const saved = useViewSaved();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateViewBody & { id: string }) =>
      unwrap(api.PATCH('/api/v1/views/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useDeleteView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/views/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => {
      queryClient.setQueryData<SavedView[]>(viewsKeys.all, (current) => current?.filter((v) => v.id !== id));
      void queryClient.invalidateQueries({ queryKey: viewsKeys.all });
    },
  });
}
