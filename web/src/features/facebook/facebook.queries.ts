import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type ConnectPageBody = paths['/api/v1/facebook/pages']['post']['requestBody']['content']['application/json'];
export type UpdatePageBody =
  paths['/api/v1/facebook/pages/{id}']['patch']['requestBody']['content']['application/json'];
export type FacebookPage =
  paths['/api/v1/facebook/pages']['get']['responses'][200]['content']['application/json']['data'][number];
export type FacebookEvent =
  paths['/api/v1/facebook/pages/{id}/events']['get']['responses'][200]['content']['application/json']['data'][number];
export type FormMapping =
  paths['/api/v1/facebook/forms/{formId}/mapping']['get']['responses'][200]['content']['application/json'];
export type MappingBody =
  paths['/api/v1/facebook/forms/{formId}/mapping']['put']['requestBody']['content']['application/json'];
export type Backfill =
  paths['/api/v1/facebook/forms/{formId}/backfill']['get']['responses'][200]['content']['application/json'];

/** The lead fields an answer may fill (custom fields are added from the company's list). */
export const leadTargets: { value: string; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'firstName', label: 'First name (joined into the name)' },
  { value: 'lastName', label: 'Last name (joined into the name)' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'companyName', label: 'Company' },
  { value: 'city', label: 'City' },
  { value: 'state', label: 'State' },
  { value: 'country', label: 'Country' },
  { value: 'territory', label: 'Territory' },
  { value: 'product', label: 'Product' },
  { value: 'campaign', label: 'Campaign' },
  { value: 'notes', label: 'Notes' },
];

const pagesKey = ['facebook', 'pages'] as const;
const eventsKey = (id: string) => ['facebook', 'events', id] as const;
const mappingKey = (formId: string) => ['facebook', 'mapping', formId] as const;
const backfillKey = (formId: string) => ['facebook', 'backfill', formId] as const;

export function useFacebookPages() {
  return useQuery({ queryKey: pagesKey, queryFn: () => unwrap(api.GET('/api/v1/facebook/pages')) });
}

export function useConnectPage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ConnectPageBody) => unwrap(api.POST('/api/v1/facebook/pages', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pagesKey }),
  });
}

export function useUpdatePage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdatePageBody }) =>
      unwrap(api.PATCH('/api/v1/facebook/pages/{id}', { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['facebook'] }),
  });
}

export function useDeletePage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/facebook/pages/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: pagesKey }),
  });
}

export function usePageEvents(id: string | null) {
  return useQuery({
    queryKey: eventsKey(id ?? ''),
    enabled: id !== null,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/facebook/pages/{id}/events', {
          params: { path: { id: id as string }, query: { limit: 100 } },
        }),
      ),
    refetchInterval: 15_000,
  });
}

export function useFormMapping(formId: string | null) {
  return useQuery({
    queryKey: mappingKey(formId ?? ''),
    enabled: formId !== null,
    retry: false,
    queryFn: () =>
      unwrap(api.GET('/api/v1/facebook/forms/{formId}/mapping', { params: { path: { formId: formId as string } } })),
  });
}

export function useSaveMapping(formId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MappingBody) =>
      unwrap(api.PUT('/api/v1/facebook/forms/{formId}/mapping', { params: { path: { formId } }, body })),
    onSuccess: (data) => queryClient.setQueryData(mappingKey(formId), data),
  });
}

export function useBackfill(formId: string | null) {
  return useQuery({
    queryKey: backfillKey(formId ?? ''),
    enabled: formId !== null,
    retry: false,
    queryFn: () =>
      unwrap(api.GET('/api/v1/facebook/forms/{formId}/backfill', { params: { path: { formId: formId as string } } })),
    // While a backfill runs, its progress is read every few seconds.
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 3_000 : false),
  });
}

export function useStartBackfill(formId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (connectionId: string | undefined) =>
      unwrap(
        api.POST('/api/v1/facebook/forms/{formId}/backfill', {
          params: { path: { formId } },
          body: connectionId ? { connectionId } : {},
        }),
      ),
    onSuccess: (data) => queryClient.setQueryData(backfillKey(formId), data),
  });
}
