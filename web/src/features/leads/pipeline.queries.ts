import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { defaultStages, type Stage } from './stages';

export const pipelineKeys = { stages: ['pipeline', 'stages'] as const };

async function fetchStages(): Promise<Stage[]> {
  const body = await unwrap(api.GET('/api/v1/pipeline/stages'));
  return body.data.map(({ key, name, kind, requiredFields }) => ({ key, name, kind, requiredFields }));
}

/**
 * The company's pipeline, in board order. While it loads (or if it cannot be loaded) the default stages stand
 * in, so the board and the stage bar never wait on it.
 */
export function useStages(): { stages: readonly Stage[]; isLoading: boolean } {
  const query = useQuery({ queryKey: pipelineKeys.stages, queryFn: fetchStages, staleTime: 5 * 60_000 });
  const stages = query.data && query.data.length > 0 ? query.data : defaultStages;
  return { stages, isLoading: query.isPending };
}
