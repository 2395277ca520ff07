import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { leadsKeys } from '../leads/leads.queries';
import type { PutWhatsAppSettingsBody, SendWhatsAppBody } from './messaging.types';

export const whatsappKeys = {
  settings: ['whatsapp', 'settings'] as const,
  unattached: ['whatsapp', 'unattached'] as const,
  thread: (leadId: string) => ['whatsapp', 'thread', leadId] as const,
};

export function useWhatsAppSettings() {
  return useQuery({
    queryKey: whatsappKeys.settings,
    queryFn: () => unwrap(api.GET('/api/v1/whatsapp/settings')),
  });
}

export function useSaveWhatsAppSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutWhatsAppSettingsBody) => unwrap(api.PUT('/api/v1/whatsapp/settings', { body })),
    onSuccess: (settings) => queryClient.setQueryData(whatsappKeys.settings, settings),
  });
}

export function useDisconnectWhatsApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/whatsapp/settings')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: whatsappKeys.settings }),
  });
}

export function useCheckWhatsApp() {
  return useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/whatsapp/settings/check')) });
}

export function useUnattached(enabled: boolean) {
  return useQuery({
    queryKey: whatsappKeys.unattached,
    queryFn: () => unwrap(api.GET('/api/v1/whatsapp/unattached', { params: { query: { limit: 50 } } })),
    enabled,
  });
}

export function useAttachUnattached() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { phone: string; leadId: string }) =>
      unwrap(api.POST('/api/v1/whatsapp/unattached/attach', { body })),
    onSuccess: (_result, body) => {
      void queryClient.invalidateQueries({ queryKey: whatsappKeys.unattached });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(body.leadId) });
    },
  });
}

const PAGE = 30;

/** The conversation with a lead, newest first; refreshed while a message is still on its way. */
export function useWhatsAppThread(leadId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: whatsappKeys.thread(leadId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/leads/{id}/whatsapp', {
          params: { path: { id: leadId }, query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    enabled,
    refetchInterval: (query) => {
      const first = query.state.data?.pages[0]?.data ?? [];
      return first.some((m) => m.direction === 'outbound' && (m.status === 'queued' || m.status === 'sent'))
        ? 5000
        : 30_000;
    },
  });
}

export function useSendWhatsApp(leadId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SendWhatsAppBody) =>
      unwrap(api.POST('/api/v1/leads/{id}/whatsapp', { params: { path: { id: leadId } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: whatsappKeys.thread(leadId) });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(leadId) });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(leadId) });
    },
  });
}
