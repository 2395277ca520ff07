import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { components, paths } from '../../lib/api-types';

export type Ticket = components['schemas']['Ticket'];
export type TicketMessage = components['schemas']['TicketMessage'];
export type TicketsQuery = NonNullable<paths['/api/v1/tickets']['get']['parameters']['query']>;
export type CreateTicketBody = paths['/api/v1/tickets']['post']['requestBody']['content']['application/json'];
export type UpdateTicketBody = NonNullable<
  paths['/api/v1/tickets/{id}']['patch']['requestBody']
>['content']['application/json'];

export const ticketKeys = {
  all: ['tickets'] as const,
  list: (query: TicketsQuery) => ['tickets', 'list', query] as const,
  one: (id: string) => ['tickets', 'one', id] as const,
  messages: (id: string) => ['tickets', 'messages', id] as const,
};

/** A queue of tickets (first 100, newest first), refreshed every minute so SLA clocks stay current. */
export function useTickets(query: TicketsQuery) {
  return useQuery({
    queryKey: ticketKeys.list(query),
    queryFn: () => unwrap(api.GET('/api/v1/tickets', { params: { query: { limit: 100, ...query } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useTicket(id: string) {
  return useQuery({
    queryKey: ticketKeys.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
  });
}

export function useTicketMessages(id: string) {
  return useQuery({
    queryKey: ticketKeys.messages(id),
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}/messages', { params: { path: { id } } })),
    select: (body) => body.data,
  });
}

export function useCreateTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTicketBody) => unwrap(api.POST('/api/v1/tickets', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

/** Changes a ticket from the version shown; the page and every queue read it anew. */
export function useUpdateTicket(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateTicketBody) =>
      unwrap(api.PATCH('/api/v1/tickets/{id}', { params: { path: { id } }, body })),
    onSuccess: (saved: Ticket) => {
      queryClient.setQueryData(ticketKeys.one(id), saved);
      void queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] });
    },
  });
}

export function useAddMessage(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; internal: boolean; fileIds?: string[] }) =>
      unwrap(api.POST('/api/v1/tickets/{id}/messages', { params: { path: { id } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

export type TicketCategory =
  paths['/api/v1/tickets/categories']['get']['responses']['200']['content']['application/json']['data'][number];

const categoriesKey = ['tickets', 'categories'] as const;

/** The company's ticket categories (active and retired, in order); empty: a ticket's category is free text. */
export function useTicketCategories() {
  return useQuery({
    queryKey: categoriesKey,
    queryFn: () => unwrap(api.GET('/api/v1/tickets/categories')),
    select: (body) => body.data,
    staleTime: 60_000,
  });
}

export function useSaveTicketCategories() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (categories: TicketCategory[]) =>
      unwrap(api.PUT('/api/v1/tickets/categories', { body: { categories } })),
    onSuccess: (saved) => queryClient.setQueryData(categoriesKey, saved),
  });
}
