import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';

/** The header search's answer: the caller's leads and users matching `q`, a few of each (GET /search). */
export function useGlobalSearch(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['search', text],
    queryFn: () => unwrap(api.GET('/api/v1/search', { params: { query: { q: text, limit: 5 } } })),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
