import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { api, type RoleName, type User, unwrap } from '../../lib/api';

/**
 * Active people of some roles the caller may see (a manager: its team), by name. One request per role, as the
 * API filters by one role at a time; 200 of each covers a sales floor, and `q` narrows a bigger one.
 */
export function usePeople(roles: readonly RoleName[], q = '') {
  const search = q.trim();
  const results = useQueries({
    queries: roles.map((role) => ({
      queryKey: ['users', 'options', { role, active: true, limit: 200, q: search }],
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/users', {
            params: { query: { role, active: true, limit: 200, ...(search ? { q: search } : {}) } },
          }),
        ),
      placeholderData: keepPreviousData,
    })),
  });
  const people: User[] = results
    .flatMap((result) => result.data?.data ?? [])
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    people,
    isPending: results.some((result) => result.isPending),
    isFetching: results.some((result) => result.isFetching),
    error: results.find((result) => result.isError)?.error ?? null,
    refetch: () => {
      for (const result of results) void result.refetch();
    },
  };
}
