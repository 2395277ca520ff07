import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type ListResponse = paths['/api/v1/notifications']['get']['responses'][200]['content']['application/json'];
export type AppNotification = ListResponse['data'][number];
type ListPage = ListResponse;

export const notificationKeys = {
  all: ['notifications'] as const,
  list: (unreadOnly: boolean) => ['notifications', 'list', unreadOnly] as const,
  unread: ['notifications', 'unread'] as const,
};

const PAGE = 20;

export function useNotificationList(unreadOnly: boolean, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(unreadOnly),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/notifications', {
          params: {
            query: {
              limit: PAGE,
              ...(unreadOnly ? { unread: true } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    enabled,
  });
}

/** Asks the server how many are unread; also renews an expired access token on the way (the client does). */
export async function fetchUnreadCount(): Promise<number> {
  const page = await unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 1, unread: true } } }));
  return page.unreadCount;
}

/** The unread count: set by the live stream as it changes, polled only when the stream is not live. */
export function useUnreadCount(pollMs: number | false) {
  return useQuery({
    queryKey: notificationKeys.unread,
    queryFn: fetchUnreadCount,
    staleTime: Number.POSITIVE_INFINITY,
    refetchInterval: pollMs,
  });
}

export function setUnreadCount(queryClient: QueryClient, count: number): void {
  queryClient.setQueryData(notificationKeys.unread, count);
}

/** A notification that arrived live goes on top of the lists already loaded, without a refetch. */
export function prependNotification(queryClient: QueryClient, notification: AppNotification): void {
  for (const unreadOnly of [false, true]) {
    queryClient.setQueryData<InfiniteData<ListPage>>(notificationKeys.list(unreadOnly), (data) => {
      if (!data?.pages[0]) return data;
      if (data.pages.some((p) => p.data.some((n) => n.id === notification.id))) return data;
      const [first, ...rest] = data.pages;
      return { ...data, pages: [{ ...first, data: [notification, ...first.data] }, ...rest] };
    });
  }
}

function markInLists(queryClient: QueryClient, read: (n: AppNotification) => boolean): void {
  const now = new Date().toISOString();
  queryClient.setQueryData<InfiniteData<ListPage>>(notificationKeys.list(false), (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((p) => ({
            ...p,
            data: p.data.map((n) => (read(n) && !n.readAt ? { ...n, readAt: now } : n)),
          })),
        }
      : data,
  );
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onMutate: (id) => markInLists(queryClient, (n) => n.id === id),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.unread });
      void queryClient.invalidateQueries({ queryKey: notificationKeys.list(true) });
    },
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onMutate: () => {
      markInLists(queryClient, () => true);
      setUnreadCount(queryClient, 0);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.unread });
      void queryClient.invalidateQueries({ queryKey: notificationKeys.list(true) });
    },
  });
}
