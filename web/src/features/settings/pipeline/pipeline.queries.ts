import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import { stagesKey } from '../../leads/pipeline.queries';
import type { CreateStageBody, Stage, UpdateStageBody } from '../settings.types';

// The settings read the pipeline through the one stages hook (`usePipelineStages`) and write through these.
function useStagesChanged() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: stagesKey });
}

export function useCreateStage() {
  const changed = useStagesChanged();
  return useMutation({
    mutationFn: (body: CreateStageBody) => unwrap(api.POST('/api/v1/pipeline/stages', { body })),
    onSuccess: changed,
  });
}

export function useUpdateStage() {
  const changed = useStagesChanged();
  return useMutation({
    mutationFn: ({ key, body }: { key: string; body: UpdateStageBody }) =>
      unwrap(api.PATCH('/api/v1/pipeline/stages/{key}', { params: { path: { key } }, body })),
    onSuccess: changed,
  });
}

/** Shows the new order at once; the server's answer (or the old order, on failure) replaces it. */
export function useReorderStages() {
  const queryClient = useQueryClient();
  const changed = useStagesChanged();
  return useMutation({
    mutationFn: (keys: string[]) => unwrap(api.POST('/api/v1/pipeline/stages/reorder', { body: { keys } })),
    onMutate: async (keys) => {
      await queryClient.cancelQueries({ queryKey: stagesKey });
      const before = queryClient.getQueryData<{ data: Stage[] }>(stagesKey);
      if (before) {
        const byKey = new Map(before.data.map((stage) => [stage.key, stage]));
        const data = keys.flatMap((key, position) => {
          const stage = byKey.get(key);
          return stage ? [{ ...stage, position }] : [];
        });
        queryClient.setQueryData(stagesKey, { data });
      }
      return { before };
    },
    onError: (_error, _keys, context) => {
      if (context?.before) queryClient.setQueryData(stagesKey, context.before);
    },
    onSettled: changed,
  });
}

export function useDeleteStage() {
  const changed = useStagesChanged();
  return useMutation({
    mutationFn: (key: string) => unwrap(api.DELETE('/api/v1/pipeline/stages/{key}', { params: { path: { key } } })),
    onSuccess: changed,
  });
}
