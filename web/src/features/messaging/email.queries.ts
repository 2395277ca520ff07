import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { leadsKeys } from '../leads/leads.queries';
import type {
  CreateTemplateBody,
  PreviewBody,
  PutEmailSettingsBody,
  PutSignatureBody,
  SendEmailBody,
  UpdateTemplateBody,
} from './messaging.types';

export const emailKeys = {
  settings: ['email', 'settings'] as const,
  signature: ['email', 'signature'] as const,
  variables: ['email', 'variables'] as const,
  templates: ['email', 'templates'] as const,
  templateList: (q: string) => ['email', 'templates', q] as const,
  message: (id: string) => ['email', 'message', id] as const,
};

export function useEmailSettings(enabled = true) {
  return useQuery({
    queryKey: emailKeys.settings,
    queryFn: () => unwrap(api.GET('/api/v1/email/settings')),
    enabled,
  });
}

export function useSaveEmailSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutEmailSettingsBody) => unwrap(api.PUT('/api/v1/email/settings', { body })),
    onSuccess: (settings) => queryClient.setQueryData(emailKeys.settings, settings),
  });
}

export function useDeleteEmailSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/email/settings')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailKeys.settings }),
  });
}

export function useTestEmail() {
  return useMutation({
    mutationFn: (to: string) => unwrap(api.POST('/api/v1/email/settings/test', { body: { to } })),
  });
}

export function useSignature(enabled = true) {
  return useQuery({
    queryKey: emailKeys.signature,
    queryFn: () => unwrap(api.GET('/api/v1/email/signature')),
    enabled,
  });
}

export function useSaveSignature() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutSignatureBody) => unwrap(api.PUT('/api/v1/email/signature', { body })),
    onSuccess: (signature) => queryClient.setQueryData(emailKeys.signature, signature),
  });
}

export function useTemplateVariables(enabled = true) {
  return useQuery({
    queryKey: emailKeys.variables,
    queryFn: () => unwrap(api.GET('/api/v1/email/variables')),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useTemplates(q = '', enabled = true) {
  return useQuery({
    queryKey: emailKeys.templateList(q),
    queryFn: () => unwrap(api.GET('/api/v1/email/templates', { params: { query: q ? { q } : {} } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTemplateBody) => unwrap(api.POST('/api/v1/email/templates', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailKeys.templates }),
  });
}

export function useUpdateTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateTemplateBody }) =>
      unwrap(api.PATCH('/api/v1/email/templates/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailKeys.templates }),
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/email/templates/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailKeys.templates }),
  });
}

export function usePreviewEmail() {
  return useMutation({
    mutationFn: (body: PreviewBody) => unwrap(api.POST('/api/v1/email/preview', { body })),
  });
}

export function useSendEmail(leadId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SendEmailBody) =>
      unwrap(api.POST('/api/v1/leads/{id}/emails', { params: { path: { id: leadId } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(leadId) });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(leadId) });
    },
  });
}

export function useEmailMessage(id: string | null) {
  return useQuery({
    queryKey: emailKeys.message(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/emails/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'queued' || status === 'sending' || status === 'retrying' ? 5000 : false;
    },
  });
}

export function useRetryEmail(leadId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/emails/{id}/retry', { params: { path: { id } } })),
    onSuccess: (message) => {
      queryClient.setQueryData(emailKeys.message(message.id), message);
      if (leadId) void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(leadId) });
    },
  });
}
