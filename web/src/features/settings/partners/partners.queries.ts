import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import type { CreatePartnerBody, UpdatePartnerBody } from '../settings.types';

export interface PartnerFilters {
  q?: string;
  active?: boolean;
}

/** Partners' one key family: the settings list and every picker, refreshed together by any change. */
export const partnersKey = ['partners'] as const;
const partnerKeys = {
  list: (filters: PartnerFilters) => [...partnersKey, 'list', filters] as const,
  options: [...partnersKey, 'options'] as const,
};

/** The active partner organisations to pick from (a user's partner, a bulk hand-over). */
export function usePartnerOptions() {
  return useQuery({
    queryKey: partnerKeys.options,
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { active: true, limit: 200 } } })),
    select: (body) => body.data.map((partner) => ({ value: partner.id, label: partner.name })),
  });
}

export function usePartnerList(filters: PartnerFilters) {
  const query: PartnerFilters = {};
  if (filters.q?.trim()) query.q = filters.q.trim();
  if (filters.active !== undefined) query.active = filters.active;
  return useInfiniteQuery({
    queryKey: partnerKeys.list(query),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/partners', {
          params: { query: { ...query, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
    placeholderData: keepPreviousData,
  });
}

function usePartnersChanged() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: partnersKey });
}

export function useCreatePartner() {
  const changed = usePartnersChanged();
  return useMutation({
    mutationFn: (body: CreatePartnerBody) => unwrap(api.POST('/api/v1/partners', { body })),
    onSuccess: changed,
  });
}

export function useUpdatePartner() {
  const changed = usePartnersChanged();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdatePartnerBody }) =>
      unwrap(api.PATCH('/api/v1/partners/{id}', { params: { path: { id } }, body })),
    onSuccess: changed,
  });
}
