import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type CustomerPage = Json<paths['/api/v1/insights/customers']['get']['responses'][200]>;
export type Customer = CustomerPage['data'][number];
export type ValueBy = Json<paths['/api/v1/insights/customers/by']['get']['responses'][200]>;
export type LeadValue = Json<paths['/api/v1/leads/{id}/value']['get']['responses'][200]>;
export type CustomerQuery = NonNullable<paths['/api/v1/insights/customers']['get']['parameters']['query']>;
export type Dimension = ValueBy['dimension'];
export type CustomerSort = NonNullable<CustomerQuery['sort']>;
export type CustomerStatus = Customer['status'];

const PAGE_SIZE = 50;
const root = ['customer-value'] as const;

export function useCustomers(query: Omit<CustomerQuery, 'limit' | 'cursor'>) {
  return useInfiniteQuery({
    queryKey: [...root, 'list', query],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/insights/customers', {
          params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useValueBy(dimension: Dimension, currency: string | undefined) {
  return useQuery({
    queryKey: [...root, 'by', dimension, currency ?? null],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/insights/customers/by', {
          params: { query: { dimension, ...(currency ? { currency } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useLeadValue(leadId: string) {
  return useQuery({
    queryKey: [...root, 'lead', leadId],
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/value', { params: { path: { id: leadId } } })),
    retry: false,
  });
}
