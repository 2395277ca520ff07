import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '../../lib/api';
import { useCan, useMe } from '../auth/session';

export interface RecipientOption {
  value: string;
  label: string;
}

/**
 * The people a schedule may go to: the active users the caller may see (as GET /users shows them, searched on the
 * server past the first 200), the caller first; a role that sees no users list (a partner) sends to itself only.
 * `known` keeps the schedule's own recipients on the list, an inactive one marked.
 */
export function useRecipientOptions(search: string, known: readonly { id: string; name: string; active: boolean }[]) {
  const me = useMe();
  const canList = useCan('users:read');
  const q = search.trim();
  const users = useQuery({
    queryKey: ['users', 'options', { active: true, limit: 200, q }],
    queryFn: () =>
      unwrap(api.GET('/api/v1/users', { params: { query: { active: true, limit: 200, ...(q ? { q } : {}) } } })),
    placeholderData: keepPreviousData,
    enabled: canList,
  });

  const options = useMemo(() => {
    const out: RecipientOption[] = [{ value: me.user.id, label: `${me.user.name} (me)` }];
    for (const user of users.data?.data ?? []) {
      if (user.id !== me.user.id && user.active) out.push({ value: user.id, label: user.name });
    }
    for (const person of known) {
      if (!out.some((o) => o.value === person.id))
        out.push({ value: person.id, label: person.active ? person.name : `${person.name} (inactive)` });
    }
    return out;
  }, [users.data, known, me.user.id, me.user.name]);

  return { options, isFetching: users.isFetching, canList };
}
