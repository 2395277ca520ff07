import {
  type InfiniteData,
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { ApiError } from '../../lib/problem';
import type { AssignBody, Lead, LeadListQuery, MoveStageBody, UpdateLeadBody } from './leads.types';

export type LeadPage = { data: Lead[]; nextCursor: string | null };
export type LeadListParams = Omit<LeadListQuery, 'cursor'>;

export const leadsKeys = {
  all: ['leads'] as const,
  lists: ['leads', 'list'] as const,
  list: (query: LeadListParams) => ['leads', 'list', query] as const,
  detail: (id: string) => ['leads', 'detail', id] as const,
  stageHistory: (id: string) => ['leads', 'stage-history', id] as const,
  assignment: (id: string) => ['leads', 'assignment', id] as const,
  timeline: (id: string) => ['leads', 'timeline', id] as const,
  counts: (query: object) => ['leads', 'counts', query] as const,
};

/** Leads one keyset page at a time; a list never loads everything (a company may hold a million leads). */
export function useLeadList(query: LeadListParams, options: { enabled?: boolean } = {}) {
  return useInfiniteQuery({
    queryKey: leadsKeys.list(query),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/leads', { params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? null,
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useLead(id: string) {
  return useQuery({
    queryKey: leadsKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}', { params: { path: { id } } })),
  });
}

export function useStageHistory(id: string) {
  return useQuery({
    queryKey: leadsKeys.stageHistory(id),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/stage-history', { params: { path: { id } } })),
  });
}

export function useAssignment(id: string, enabled = true) {
  return useQuery({
    queryKey: leadsKeys.assignment(id),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{id}/assignment', { params: { path: { id } } })),
    enabled,
  });
}

type ListMatch = (query: LeadListParams) => boolean;

function stagesOf(query: LeadListParams): string[] | null {
  return query.stage ? query.stage.split(',') : null;
}

/**
 * Puts a changed lead into every cached list: replaced where it was, dropped where its stage no longer fits,
 * and (with `insertInto`) put first in lists that should now show it. Lists are newest change first, so the top
 * is where the server would put it too.
 */
export function placeLeadInLists(queryClient: QueryClient, lead: Lead, insertInto?: ListMatch): void {
  const entries = queryClient.getQueriesData<InfiniteData<LeadPage>>({ queryKey: leadsKeys.lists });
  for (const [key, data] of entries) {
    if (!data) continue;
    const query = (key[2] ?? {}) as LeadListParams;
    const stages = stagesOf(query);
    const fits = !stages || stages.includes(lead.stage);
    const present = data.pages.some((page) => page.data.some((l) => l.id === lead.id));
    let pages = data.pages.map((page) => ({
      ...page,
      data: fits ? page.data.map((l) => (l.id === lead.id ? lead : l)) : page.data.filter((l) => l.id !== lead.id),
    }));
    if (!present && fits && insertInto?.(query) && pages[0]) {
      pages = [{ ...pages[0], data: [lead, ...pages[0].data] }, ...pages.slice(1)];
    }
    queryClient.setQueryData<InfiniteData<LeadPage>>(key, { ...data, pages });
  }
}

/** After a write: the lead's own page shows the answer at once, lists and counts refresh in the background. */
export function useLeadSaved() {
  const queryClient = useQueryClient();
  return (lead: Lead) => {
    queryClient.setQueryData(leadsKeys.detail(lead.id), lead);
    placeLeadInLists(queryClient, lead);
    void queryClient.invalidateQueries({ queryKey: leadsKeys.lists });
    void queryClient.invalidateQueries({ queryKey: ['leads', 'counts'] });
    void queryClient.invalidateQueries({ queryKey: leadsKeys.stageHistory(lead.id) });
    void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(lead.id) });
  };
}

export function useUpdateLead(id: string) {
  const saved = useLeadSaved();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateLeadBody) => unwrap(api.PATCH('/api/v1/leads/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
    // Someone else saved first: load their version so the next save carries it.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'version_conflict') {
        void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(id) });
      }
    },
  });
}

export interface MoveStageVariables extends MoveStageBody {
  id: string;
}

/** The raw stage move; screens use `useStageMove`, which adds the required-fields dialog and conflict handling. */
export function moveLeadStage({ id, ...body }: MoveStageVariables): Promise<Lead> {
  return unwrap(api.POST('/api/v1/leads/{id}/stage', { params: { path: { id } }, body }));
}

export function assignLead(id: string, body: AssignBody): Promise<Lead> {
  return unwrap(api.POST('/api/v1/leads/{id}/assign', { params: { path: { id } }, body }));
}

export function useAssignLead(id: string) {
  const saved = useLeadSaved();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AssignBody) => assignLead(id, body),
    onSuccess: (lead) => {
      saved(lead);
      void queryClient.invalidateQueries({ queryKey: leadsKeys.assignment(id) });
    },
  });
}
