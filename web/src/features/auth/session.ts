import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, use, useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router';
import { api, endSession, type Me, unwrap } from '../../lib/api';
import { accessTokenSnapshot, subscribeTokens } from '../../lib/tokens';

/** Every permission the server knows (its roles matrix), from the generated API types. */
export type Permission = Me['permissions'][number];

export const meQueryKey = ['auth', 'me'] as const;

const hasToken = () => accessTokenSnapshot() !== null;

/** Whether this browser holds a session; flips in every tab when one of them signs in or out. */
export function useSignedIn(): boolean {
  return useSyncExternalStore(subscribeTokens, hasToken);
}

export function useMeQuery(enabled: boolean) {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET('/api/v1/auth/me')),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export const MeContext = createContext<Me | null>(null);

/** The signed-in user, their company and permissions. Only inside the signed-in part of the app. */
export function useMe(): Me {
  const me = use(MeContext);
  if (!me) throw new Error('useMe() used outside the signed-in app');
  return me;
}

export function useCan(permission: Permission): boolean {
  return useMe().permissions.includes(permission);
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    // Sign out locally whatever the server said: the person asked to leave.
    onSettled: () => {
      endSession('signed_out');
      queryClient.clear();
      navigate('/login', { replace: true });
    },
  });
}
