import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import type { AvailabilityBody, LeaveBody } from '../settings.types';

export const availabilityKeys = {
  availability: (userId: string) => ['settings', 'availability', userId] as const,
  leaves: (userId: string) => ['settings', 'leaves', userId] as const,
};

export function useAvailability(userId: string) {
  return useQuery({
    queryKey: availabilityKeys.availability(userId),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}/availability', { params: { path: { id: userId } } })),
  });
}

export function useSaveAvailability(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AvailabilityBody) =>
      unwrap(api.PUT('/api/v1/users/{id}/availability', { params: { path: { id: userId } }, body })),
    onSuccess: (saved) => queryClient.setQueryData(availabilityKeys.availability(userId), saved),
  });
}

export function useLeaves(userId: string) {
  return useQuery({
    queryKey: availabilityKeys.leaves(userId),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}/leaves', { params: { path: { id: userId } } })),
    select: (result) => result.data,
  });
}

export function useAddLeave(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LeaveBody) =>
      unwrap(api.POST('/api/v1/users/{id}/leaves', { params: { path: { id: userId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: availabilityKeys.leaves(userId) }),
  });
}

export function useRemoveLeave(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (leaveId: string) =>
      unwrap(api.DELETE('/api/v1/users/{id}/leaves/{leaveId}', { params: { path: { id: userId, leaveId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: availabilityKeys.leaves(userId) }),
  });
}
