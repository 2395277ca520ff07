import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import type { CreateFormBody, UpdateFormBody, WebForm } from '../settings.types';

export const formsKeys = {
  all: ['settings', 'forms'] as const,
  list: ['settings', 'forms', 'list'] as const,
  detail: (id: string) => ['settings', 'forms', 'detail', id] as const,
};

export function useFormList() {
  return useInfiniteQuery({
    queryKey: formsKeys.list,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/forms', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
  });
}

export function useWebForm(id: string) {
  return useQuery({
    queryKey: formsKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/forms/{id}', { params: { path: { id } } })),
  });
}

function useFormSaved() {
  const queryClient = useQueryClient();
  return (form: WebForm) => {
    queryClient.setQueryData(formsKeys.detail(form.id), form);
    void queryClient.invalidateQueries({ queryKey: formsKeys.list });
  };
}

export function useCreateWebForm() {
  const saved = useFormSaved();
  return useMutation({
    mutationFn: (body: CreateFormBody) => unwrap(api.POST('/api/v1/forms', { body })),
    onSuccess: saved,
  });
}

export function useUpdateWebForm(id: string) {
  const saved = useFormSaved();
  return useMutation({
    mutationFn: (body: UpdateFormBody) => unwrap(api.PATCH('/api/v1/forms/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}
