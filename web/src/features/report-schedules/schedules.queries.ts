import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { CreateScheduleBody, Schedule, UpdateScheduleBody } from './schedules.types';

export const scheduleKeys = {
  all: ['report-schedules'] as const,
  list: ['report-schedules', 'list'] as const,
};

/** The caller's schedules (an admin: every schedule of the company), by name. */
export function useSchedules() {
  return useQuery({
    queryKey: scheduleKeys.list,
    queryFn: () => unwrap(api.GET('/api/v1/report-schedules')),
    select: (body) => body.data,
  });
}

function useSchedulesChanged() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
}

export function useCreateSchedule() {
  const changed = useSchedulesChanged();
  return useMutation({
    mutationFn: (body: CreateScheduleBody) => unwrap(api.POST('/api/v1/report-schedules', { body })),
    onSuccess: changed,
  });
}

export function useUpdateSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateScheduleBody }) =>
      unwrap(api.PATCH('/api/v1/report-schedules/{id}', { params: { path: { id } }, body })),
    onSuccess: (saved: Schedule) => {
      queryClient.setQueryData<{ data: Schedule[] }>(scheduleKeys.list, (before) =>
        before ? { data: before.data.map((s) => (s.id === saved.id ? saved : s)) } : before,
      );
      void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
    },
  });
}

export function useDeleteSchedule() {
  const changed = useSchedulesChanged();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/report-schedules/{id}', { params: { path: { id } } })),
    onSuccess: changed,
  });
}

export function useSendScheduleNow() {
  const changed = useSchedulesChanged();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/report-schedules/{id}/send-now', { params: { path: { id } } })),
    onSuccess: changed,
  });
}
