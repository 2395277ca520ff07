import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { leadsKeys } from './leads.queries';

const PAGE = 30;

/** A lead's story, newest first, a page at a time; `kinds` narrows it (e.g. `note`). */
export function useTimeline(id: string, kinds: string | null) {
  return useInfiniteQuery({
    queryKey: [...leadsKeys.timeline(id), kinds ?? 'all'],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/leads/{id}/timeline', {
          params: {
            path: { id },
            query: { limit: PAGE, ...(kinds ? { kinds } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
  });
}

function useNoteSaved(leadId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(leadId) });
    // A note touches the lead (its last activity moves), which the lists and the SLA watch.
    void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(leadId) });
  };
}

export function useAddNote(leadId: string) {
  const saved = useNoteSaved(leadId);
  return useMutation({
    mutationFn: (body: string) =>
      unwrap(api.POST('/api/v1/leads/{id}/notes', { params: { path: { id: leadId } }, body: { body } })),
    onSuccess: saved,
  });
}

export function useEditNote(leadId: string) {
  const saved = useNoteSaved(leadId);
  return useMutation({
    mutationFn: ({ noteId, body }: { noteId: string; body: string }) =>
      unwrap(
        api.PATCH('/api/v1/leads/{id}/notes/{noteId}', {
          params: { path: { id: leadId, noteId } },
          body: { body },
        }),
      ),
    onSuccess: saved,
  });
}

export function useDeleteNote(leadId: string) {
  const saved = useNoteSaved(leadId);
  return useMutation({
    mutationFn: (noteId: string) =>
      unwrap(api.DELETE('/api/v1/leads/{id}/notes/{noteId}', { params: { path: { id: leadId, noteId } } })),
    onSuccess: saved,
  });
}
