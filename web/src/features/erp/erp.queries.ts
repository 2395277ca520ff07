import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type ErpConnector = Json<paths['/api/v1/erp/connectors']['get']['responses'][200]>['data'][number];
export type ErpConnection = Json<paths['/api/v1/erp/connections/{id}']['get']['responses'][200]>;
export type ErpRun = Json<paths['/api/v1/erp/connections/{id}/runs']['get']['responses'][200]>['data'][number];
export type ErpRunDetail = Json<paths['/api/v1/erp/runs/{id}']['get']['responses'][200]>;
export type ErpDrift = NonNullable<ErpRunDetail['report']>['drift'][number];
export type ErpErrorItem = Json<paths['/api/v1/erp/connections/{id}/errors']['get']['responses'][200]>['data'][number];
export type ErpConflict = Json<
  paths['/api/v1/erp/connections/{id}/conflicts']['get']['responses'][200]
>['data'][number];
export type ErpReviewItem = Json<paths['/api/v1/erp/connections/{id}/review']['get']['responses'][200]>['data'][number];
export type LeadErp = Json<paths['/api/v1/leads/{id}/erp']['get']['responses'][200]>;
export type ErpMappingField = ErpConnection['mapping'][number];
export type CreateErpConnectionBody =
  paths['/api/v1/erp/connections']['post']['requestBody']['content']['application/json'];
export type UpdateErpConnectionBody = NonNullable<
  paths['/api/v1/erp/connections/{id}']['patch']['requestBody']
>['content']['application/json'];
export type ErpReviewBody = NonNullable<
  paths['/api/v1/erp/connections/{id}/review']['post']['requestBody']
>['content']['application/json'];

const root = ['erp'] as const;
const connectorsKey = ['erp', 'connectors'] as const;
const connectionsKey = ['erp', 'connections'] as const;
const connectionKey = (id: string) => ['erp', 'connection', id] as const;
const runsKey = (id: string) => ['erp', 'runs', id] as const;
const runKey = (id: string) => ['erp', 'run', id] as const;
const errorsKey = (id: string) => ['erp', 'errors', id] as const;
const conflictsKey = (id: string) => ['erp', 'conflicts', id] as const;
const reviewKey = (id: string) => ['erp', 'review', id] as const;
const leadErpKey = (leadId: string) => ['erp', 'lead', leadId] as const;

const busy = (runs: readonly ErpRun[] | undefined) =>
  runs?.some((r) => r.status === 'queued' || r.status === 'running') ?? false;

export function useErpConnectors(enabled = true) {
  return useQuery({
    queryKey: connectorsKey,
    queryFn: () => unwrap(api.GET('/api/v1/erp/connectors')),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useErpConnections(enabled = true) {
  return useQuery({
    queryKey: connectionsKey,
    queryFn: () => unwrap(api.GET('/api/v1/erp/connections')),
    enabled,
  });
}

export function useErpConnection(id: string) {
  return useQuery({
    queryKey: connectionKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/erp/connections/{id}', { params: { path: { id } } })),
  });
}

/** A connection's runs, polled every 2 s while one is queued or running. */
export function useErpRuns(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: runsKey(id),
    queryFn: async () => {
      const previous = queryClient.getQueryData<{ data: ErpRun[] }>(runsKey(id));
      const result = await unwrap(api.GET('/api/v1/erp/connections/{id}/runs', { params: { path: { id } } }));
      // A run just ended: what it wrote (counts, errors, conflicts, review) is worth reading again.
      if (busy(previous?.data) && !busy(result.data)) {
        for (const key of [connectionKey(id), errorsKey(id), conflictsKey(id), reviewKey(id), connectionsKey]) {
          queryClient.invalidateQueries({ queryKey: key });
        }
      }
      return result;
    },
    refetchInterval: (query) => (busy(query.state.data?.data) ? 2000 : false),
  });
}

export function useErpRun(id: string | null) {
  return useQuery({
    queryKey: runKey(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/erp/runs/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
  });
}

export function useErpErrors(id: string) {
  return useQuery({
    queryKey: errorsKey(id),
    queryFn: () =>
      unwrap(api.GET('/api/v1/erp/connections/{id}/errors', { params: { path: { id }, query: { status: 'open' } } })),
  });
}

export function useErpConflicts(id: string) {
  return useQuery({
    queryKey: conflictsKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/erp/connections/{id}/conflicts', { params: { path: { id } } })),
  });
}

export function useErpReview(id: string) {
  return useQuery({
    queryKey: reviewKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/erp/connections/{id}/review', { params: { path: { id } } })),
  });
}

export function useLeadErp(leadId: string) {
  return useQuery({
    queryKey: leadErpKey(leadId),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/erp', { params: { path: { id: leadId } } })),
  });
}

/** After a change to one connection: it, the list, and (through the shared prefix) everything under ['erp']. */
function useInvalidateErp() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: root });
}

export function useCreateErpConnection() {
  const invalidate = useInvalidateErp();
  return useMutation({
    mutationFn: (body: CreateErpConnectionBody) => unwrap(api.POST('/api/v1/erp/connections', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateErpConnection(id: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateErp();
  return useMutation({
    mutationFn: (body: UpdateErpConnectionBody) =>
      unwrap(api.PATCH('/api/v1/erp/connections/{id}', { params: { path: { id } }, body })),
    // The answer is the connection as saved: show it at once, then read everything under ['erp'] again.
    onSuccess: (connection) => {
      queryClient.setQueryData(connectionKey(id), connection);
      return invalidate();
    },
  });
}

export function useDeleteErpConnection(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/erp/connections/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: connectionKey(id) });
      queryClient.invalidateQueries({ queryKey: connectionsKey });
    },
  });
}

export function useSaveErpMapping(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: ErpMappingField[]) =>
      unwrap(api.PUT('/api/v1/erp/connections/{id}/mapping', { params: { path: { id } }, body: { fields } })),
    onSuccess: (connection) => {
      queryClient.setQueryData(connectionKey(id), connection);
      queryClient.invalidateQueries({ queryKey: connectionsKey });
    },
  });
}

export function useCheckErpConnection(id: string) {
  const invalidate = useInvalidateErp();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/erp/connections/{id}/check', { params: { path: { id } } })),
    onSettled: invalidate,
  });
}

export function useStartErpOAuth(id: string) {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/erp/connections/{id}/oauth', { params: { path: { id } } })),
  });
}

export function useErpSync(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (full: boolean) =>
      unwrap(api.POST('/api/v1/erp/connections/{id}/sync', { params: { path: { id } }, body: { full } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: runsKey(id) }),
  });
}

export function useErpConsistency(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (repair: boolean) =>
      unwrap(api.POST('/api/v1/erp/connections/{id}/consistency', { params: { path: { id } }, body: { repair } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: runsKey(id) }),
  });
}

export function useActOnErpError(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'retry' | 'skip' }) =>
      action === 'retry'
        ? unwrap(api.POST('/api/v1/erp/errors/{id}/retry', { params: { path: { id } } }))
        : unwrap(api.POST('/api/v1/erp/errors/{id}/skip', { params: { path: { id } } })),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: errorsKey(connectionId) });
      queryClient.invalidateQueries({ queryKey: connectionKey(connectionId) });
      queryClient.invalidateQueries({ queryKey: runsKey(connectionId) });
    },
  });
}

export function useResolveErpConflict(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, take }: { id: string; take: 'erp' | 'iperform' }) =>
      unwrap(api.POST('/api/v1/erp/conflicts/{id}/resolve', { params: { path: { id } }, body: { take } })),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: conflictsKey(connectionId) });
      queryClient.invalidateQueries({ queryKey: connectionKey(connectionId) });
    },
  });
}

export function useReviewErpCustomer(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ErpReviewBody) =>
      unwrap(api.POST('/api/v1/erp/connections/{id}/review', { params: { path: { id: connectionId } }, body })),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: reviewKey(connectionId) });
      queryClient.invalidateQueries({ queryKey: connectionKey(connectionId) });
    },
  });
}

export function usePushLeadToErp(leadId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (connectionId: string) =>
      unwrap(api.POST('/api/v1/leads/{id}/erp/push', { params: { path: { id: leadId } }, body: { connectionId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: leadErpKey(leadId) }),
  });
}
