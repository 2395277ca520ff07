import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type CreateUserBody, type UpdateUserBody, type User, type UserListQuery, unwrap } from '../../lib/api';
import { meQueryKey } from '../auth/session';

export type UserFilters = Pick<UserListQuery, 'q' | 'role' | 'active' | 'managerId'>;

export const usersKeys = {
  all: ['users'] as const,
  list: (filters: UserFilters) => ['users', 'list', filters] as const,
  options: (filters: UserFilters) => ['users', 'options', filters] as const,
  detail: (id: string) => ['users', 'detail', id] as const,
  team: (id: string) => ['users', 'team', id] as const,
};

const PAGE_SIZE = 25;

/** Drops empty filters so `?q=` and "no filter" are one cache entry and one URL. */
function compact(filters: UserFilters): UserFilters {
  const out: UserFilters = {};
  if (filters.q?.trim()) out.q = filters.q.trim();
  if (filters.role) out.role = filters.role;
  if (filters.active !== undefined) out.active = filters.active;
  if (filters.managerId) out.managerId = filters.managerId;
  return out;
}

export function useUserList(filters: UserFilters) {
  const query = compact(filters);
  return useInfiniteQuery({
    queryKey: usersKeys.list(query),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

/** A short list of users to pick from (managers, actors), searched on the server. */
export function useUserOptions(filters: UserFilters, enabled = true) {
  const query = compact(filters);
  return useQuery({
    queryKey: usersKeys.options(query),
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { ...query, limit: 50 } } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useUser(id: string) {
  return useQuery({
    queryKey: usersKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
  });
}

export function useTeam(id: string) {
  return useQuery({
    queryKey: usersKeys.team(id),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}/team', { params: { path: { id } } })),
  });
}

function useUserSaved() {
  const queryClient = useQueryClient();
  return (user: User) => {
    queryClient.setQueryData(usersKeys.detail(user.id), user);
    // Lists, pickers and teams may all show this user (and its manager's team changed): refresh them.
    void queryClient.invalidateQueries({ queryKey: usersKeys.all, predicate: (q) => q.queryKey[1] !== 'detail' });
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
  };
}

export function useCreateUser() {
  const saved = useUserSaved();
  return useMutation({
    mutationFn: (body: CreateUserBody) => unwrap(api.POST('/api/v1/users', { body })),
    onSuccess: saved,
  });
}

export function useUpdateUser(id: string) {
  const saved = useUserSaved();
  return useMutation({
    mutationFn: (body: UpdateUserBody) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useSetUserActive(id: string) {
  const saved = useUserSaved();
  return useMutation({
    mutationFn: (active: boolean) =>
      unwrap(
        active
          ? api.POST('/api/v1/users/{id}/reactivate', { params: { path: { id } } })
          : api.POST('/api/v1/users/{id}/deactivate', { params: { path: { id } } }),
      ),
    onSuccess: saved,
  });
}

export type ActiveUsers = Awaited<ReturnType<typeof fetchActiveUsers>>;
export type ActiveUser = ActiveUsers['data'][number];
export type LoginEvent = Awaited<ReturnType<typeof fetchLogins>>['data'][number];

const activeKey = ['users', 'active'] as const;
const loginsKey = (id: string) => ['users', 'logins', id] as const;
const LOGINS_PAGE_SIZE = 20;

function fetchActiveUsers() {
  return unwrap(api.GET('/api/v1/users/active'));
}

function fetchLogins(id: string, cursor: string | null) {
  return unwrap(
    api.GET('/api/v1/users/{id}/logins', {
      params: { path: { id }, query: { limit: LOGINS_PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

/** Who is active among the users you oversee; refreshed every minute while the page is open and visible. */
export function useActiveUsers() {
  return useQuery({
    queryKey: activeKey,
    queryFn: fetchActiveUsers,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
    staleTime: 15_000,
  });
}

/** A user's sign-in history, newest first, a page at a time. */
export function useLoginHistory(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: loginsKey(id),
    queryFn: ({ pageParam }) => fetchLogins(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
    enabled,
  });
}
