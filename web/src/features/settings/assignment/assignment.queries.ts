import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import type { AssignmentRule, CreateRuleBody, TestRuleBody, UpdateRuleBody } from '../settings.types';

export const rulesKeys = {
  all: ['settings', 'assignment-rules'] as const,
  list: ['settings', 'assignment-rules', 'list'] as const,
  detail: (id: string) => ['settings', 'assignment-rules', 'detail', id] as const,
};

export function useRules() {
  return useQuery({
    queryKey: rulesKeys.list,
    queryFn: () => unwrap(api.GET('/api/v1/assignment-rules')),
    select: (result) => result.data,
  });
}

export function useRule(id: string) {
  return useQuery({
    queryKey: rulesKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/assignment-rules/{id}', { params: { path: { id } } })),
  });
}

function useRuleSaved() {
  const queryClient = useQueryClient();
  return (rule: AssignmentRule) => {
    queryClient.setQueryData(rulesKeys.detail(rule.id), rule);
    void queryClient.invalidateQueries({ queryKey: rulesKeys.list });
  };
}

export function useCreateRule() {
  const saved = useRuleSaved();
  return useMutation({
    mutationFn: (body: CreateRuleBody) => unwrap(api.POST('/api/v1/assignment-rules', { body })),
    onSuccess: saved,
  });
}

export function useUpdateRule() {
  const saved = useRuleSaved();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateRuleBody }) =>
      unwrap(api.PATCH('/api/v1/assignment-rules/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/assignment-rules/{id}', { params: { path: { id } } })),
    onSuccess: (_nothing, id) => {
      queryClient.removeQueries({ queryKey: rulesKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: rulesKeys.list });
    },
  });
}

/** Shows the new order at once; the server's answer (or the old order, on failure) replaces it. */
export function useReorderRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => unwrap(api.POST('/api/v1/assignment-rules/reorder', { body: { ids } })),
    onMutate: async (ids) => {
      await queryClient.cancelQueries({ queryKey: rulesKeys.list });
      const before = queryClient.getQueryData<{ data: AssignmentRule[] }>(rulesKeys.list);
      if (before) {
        const byId = new Map(before.data.map((rule) => [rule.id, rule]));
        const ordered = ids.flatMap((id) => byId.get(id) ?? []);
        const rest = before.data.filter((rule) => !ids.includes(rule.id));
        queryClient.setQueryData(rulesKeys.list, { data: [...ordered, ...rest] });
      }
      return { before };
    },
    onError: (_error, _ids, context) => {
      if (context?.before) queryClient.setQueryData(rulesKeys.list, context.before);
    },
    onSuccess: (result) => queryClient.setQueryData(rulesKeys.list, result),
  });
}

/** A dry run: writes nothing, so it is a mutation only in that it runs when asked. */
export function useTestRule() {
  return useMutation({
    mutationFn: (body: TestRuleBody) => unwrap(api.POST('/api/v1/assignment-rules/test', { body })),
  });
}
