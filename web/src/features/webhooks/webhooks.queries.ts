import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type CreateEndpointBody =
  paths['/api/v1/webhooks/endpoints']['post']['requestBody']['content']['application/json'];
export type UpdateEndpointBody = NonNullable<
  paths['/api/v1/webhooks/endpoints/{id}']['patch']['requestBody']
>['content']['application/json'];
export type WebhookEndpoint =
  paths['/api/v1/webhooks/endpoints']['get']['responses'][200]['content']['application/json']['data'][number];
export type WebhookEndpointWithSecret =
  paths['/api/v1/webhooks/endpoints']['post']['responses'][201]['content']['application/json'];
export type WebhookDelivery =
  paths['/api/v1/webhooks/endpoints/{id}/deliveries']['get']['responses'][200]['content']['application/json']['data'][number];
export type EventType = CreateEndpointBody['eventTypes'][number];

/** The events an endpoint may receive, grouped as the form shows them. */
export const eventTypeGroups: { label: string; types: readonly EventType[] }[] = [
  {
    label: 'Leads',
    types: [
      'lead.created',
      'lead.updated',
      'lead.stage_changed',
      'lead.assigned',
      'lead.merged',
      'lead.deleted',
      'lead.restored',
    ],
  },
  { label: 'Follow-ups', types: ['activity.created', 'activity.completed', 'activity.missed'] },
  { label: 'Messages', types: ['email.sent', 'email.opened', 'whatsapp.received'] },
  { label: 'Imports', types: ['import.completed'] },
];

const endpointsKey = ['webhooks', 'endpoints'] as const;
const deliveriesKey = (id: string) => ['webhooks', 'deliveries', id] as const;

export function useWebhookEndpoints() {
  return useQuery({ queryKey: endpointsKey, queryFn: () => unwrap(api.GET('/api/v1/webhooks/endpoints')) });
}

export function useCreateEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEndpointBody) => unwrap(api.POST('/api/v1/webhooks/endpoints', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useUpdateEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateEndpointBody }) =>
      unwrap(api.PATCH('/api/v1/webhooks/endpoints/{id}', { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useDeleteEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/webhooks/endpoints/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useRotateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/webhooks/endpoints/{id}/rotate-secret', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useSendTest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/webhooks/endpoints/{id}/test', { params: { path: { id } } })),
    onSuccess: (_data, id) => queryClient.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}

/** The endpoint's latest deliveries; refreshed every few seconds while one is still pending. */
export function useDeliveries(id: string | null) {
  return useQuery({
    queryKey: deliveriesKey(id ?? ''),
    enabled: id !== null,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/webhooks/endpoints/{id}/deliveries', {
          params: { path: { id: id ?? '' }, query: { limit: 50 } },
        }),
      ),
    refetchInterval: (query) => (query.state.data?.data.some((d) => d.status === 'pending') ? 3000 : false),
  });
}

export function useReplayDelivery(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(api.POST('/api/v1/webhooks/deliveries/{id}/replay', { params: { path: { id: deliveryId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(endpointId) }),
  });
}

export function useReplaySince(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (since: string) =>
      unwrap(
        api.POST('/api/v1/webhooks/endpoints/{id}/replay', { params: { path: { id: endpointId } }, body: { since } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(endpointId) }),
  });
}
