import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
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

/** The kinds of record the log holds, with labels, for its filter (GET /audit/entity-types). */
export function useAuditEntityTypes() {
  return useQuery({
    queryKey: ['audit', 'entity-types'],
    queryFn: () => unwrap(api.GET('/api/v1/audit/entity-types')),
    staleTime: 5 * 60_000,
  });
}
