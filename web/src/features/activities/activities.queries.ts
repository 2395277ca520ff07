import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { leadsKeys } from '../leads/leads.queries';
import type {
  Activity,
  ActivityQuery,
  CancelBody,
  CompleteBody,
  CreateActivityBody,
  RescheduleBody,
  UpdateActivityBody,
} from './activities.types';

export const activitiesKeys = {
  all: ['activities'] as const,
  list: (query: ActivityQuery) => ['activities', 'list', query] as const,
  range: (query: ActivityQuery) => ['activities', 'range', query] as const,
};

/** One page of activities (at most 200): enough for a day, a lead or a list with "show more" elsewhere. */
export function useActivities(query: ActivityQuery, options: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: activitiesKeys.list(query),
    queryFn: () => unwrap(api.GET('/api/v1/activities', { params: { query } })),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval,
  });
}

const RANGE_PAGES = 5;

/**
 * Every activity of a calendar range (a week, a month), read page by page; a month of a big team is bounded at
 * 1000 so a calendar never loads without end (`truncated` says so).
 */
export function useActivityRange(query: ActivityQuery, enabled = true) {
  return useQuery({
    queryKey: activitiesKeys.range(query),
    queryFn: async () => {
      const data: Activity[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < RANGE_PAGES; page++) {
        const result: { data: Activity[]; nextCursor: string | null } = await unwrap(
          api.GET('/api/v1/activities', {
            params: { query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        data.push(...result.data);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return { data, truncated: cursor !== null };
    },
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** After any change to an activity: the lists, its lead's timeline and the lead (its last activity moved). */
export function refreshAfterActivity(queryClient: QueryClient, leadId: string): void {
  void queryClient.invalidateQueries({ queryKey: activitiesKeys.all });
  void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(leadId) });
  void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(leadId) });
}

export function useCreateActivity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateActivityBody) => unwrap(api.POST('/api/v1/activities', { body })),
    onSuccess: (activity) => refreshAfterActivity(queryClient, activity.leadId),
  });
}

export function useUpdateActivity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateActivityBody }) =>
      unwrap(api.PATCH('/api/v1/activities/{id}', { params: { path: { id } }, body })),
    onSuccess: (activity) => refreshAfterActivity(queryClient, activity.leadId),
  });
}

export function useCompleteActivity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ activity, body = {} }: { activity: Activity; body?: CompleteBody }) =>
      unwrap(
        api.POST('/api/v1/activities/{id}/complete', {
          params: { path: { id: activity.id } },
          body: { version: activity.version, ...body },
        }),
      ),
    onSuccess: (result) => refreshAfterActivity(queryClient, result.activity.leadId),
  });
}

export function useRescheduleActivity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ activity, body }: { activity: Activity; body: RescheduleBody }) =>
      unwrap(
        api.POST('/api/v1/activities/{id}/reschedule', {
          params: { path: { id: activity.id } },
          body: { version: activity.version, ...body },
        }),
      ),
    onSuccess: (activity) => refreshAfterActivity(queryClient, activity.leadId),
  });
}

export function useCancelActivity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ activity, body = {} }: { activity: Activity; body?: CancelBody }) =>
      unwrap(
        api.POST('/api/v1/activities/{id}/cancel', {
          params: { path: { id: activity.id } },
          body: { version: activity.version, ...body },
        }),
      ),
    onSuccess: (activity) => refreshAfterActivity(queryClient, activity.leadId),
  });
}
