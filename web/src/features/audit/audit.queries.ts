import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type AuditQuery, api, unwrap } from '../../lib/api';

export type AuditFilters = Pick<AuditQuery, 'entityType' | 'entityId' | 'actorId' | 'from' | 'to'>;

const PAGE_SIZE = 50;

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/audit', {
          params: { query: { ...filters, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}
