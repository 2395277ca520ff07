import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type SupportForm =
  paths['/api/v1/tickets/support-form']['get']['responses']['200']['content']['application/json'];
export type Mailbox = paths['/api/v1/tickets/mailbox']['get']['responses']['200']['content']['application/json'];
export type PutMailboxBody = paths['/api/v1/tickets/mailbox']['put']['requestBody']['content']['application/json'];

export const supportKeys = {
  form: ['tickets', 'support-form'] as const,
  mailbox: ['tickets', 'mailbox'] as const,
  publicForm: (key: string) => ['support-forms', key] as const,
};

export function useSupportForm(enabled = true) {
  return useQuery({
    queryKey: supportKeys.form,
    queryFn: () => unwrap(api.GET('/api/v1/tickets/support-form')),
    enabled,
  });
}

export function useSaveSupportForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { enabled: boolean; thankYou?: string }) =>
      unwrap(api.PUT('/api/v1/tickets/support-form', { body })),
    onSuccess: (form) => queryClient.setQueryData(supportKeys.form, form),
  });
}

export function useMailbox(enabled = true) {
  return useQuery({
    queryKey: supportKeys.mailbox,
    queryFn: () => unwrap(api.GET('/api/v1/tickets/mailbox')),
    enabled,
  });
}

export function useSaveMailbox() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutMailboxBody) => unwrap(api.PUT('/api/v1/tickets/mailbox', { body })),
    onSuccess: (mailbox) => queryClient.setQueryData(supportKeys.mailbox, mailbox),
  });
}

export function useTestMailbox() {
  return useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/tickets/mailbox/test')) });
}

export function usePollMailbox() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tickets/mailbox/poll')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: supportKeys.mailbox }),
  });
}

export function usePublicSupportForm(key: string) {
  return useQuery({
    queryKey: supportKeys.publicForm(key),
    queryFn: () => unwrap(api.GET('/api/v1/support-forms/{key}', { params: { path: { key } } })),
    retry: false,
  });
}

export function useSubmitSupportForm(key: string) {
  return useMutation({
    mutationFn: (body: Record<string, string>) =>
      unwrap(api.POST('/api/v1/support-forms/{key}/submit', { params: { path: { key } }, body })),
  });
}
