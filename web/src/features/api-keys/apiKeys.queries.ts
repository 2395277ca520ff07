import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';

const apiKeysKey = ['api-keys'] as const;

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeysKey,
    queryFn: () => unwrap(api.GET('/api/v1/api-keys')),
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scopes: 'leads:read-all'[] }) => unwrap(api.POST('/api/v1/api-keys', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

/** An admin grants or withdraws a key's scopes (the whole set). */
export function useSetApiKeyScopes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, scopes }: { id: string; scopes: 'leads:read-all'[] }) =>
      unwrap(api.PATCH('/api/v1/api-keys/{id}', { params: { path: { id } }, body: { scopes } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
