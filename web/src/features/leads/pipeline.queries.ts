import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { defaultStages, type Stage } from './stages';

/** The pipeline's one cache: every screen (board, lead pages, imports, settings) reads and refreshes this key. */
export const stagesKey = ['pipeline', 'stages'] as const;

const stagesQuery = {
  queryKey: stagesKey,
  queryFn: () => unwrap(api.GET('/api/v1/pipeline/stages')),
  staleTime: 5 * 60_000,
};

/** Every stage with all its settings, in board order (the pipeline settings). */
export function usePipelineStages() {
  return useQuery({ ...stagesQuery, select: (body) => body.data });
}

/**
 * The company's pipeline, in board order. While it loads (or if it cannot be loaded) the default stages stand
 * in, so the board and the stage bar never wait on it.
 */
export function useStages(): { stages: readonly Stage[]; isLoading: boolean } {
  const query = useQuery({
    ...stagesQuery,
    select: (body): Stage[] =>
      body.data.map(({ key, name, kind, requiredFields }) => ({ key, name, kind, requiredFields })),
  });
  const stages = query.data && query.data.length > 0 ? query.data : defaultStages;
  return { stages, isLoading: query.isPending };
}
