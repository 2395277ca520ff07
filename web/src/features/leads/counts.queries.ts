import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { CountsQuery } from './leads.types';

export interface StageTotal {
  count: number;
  /** The sum of expected values; absent when the role may not see values. */
  value?: number;
}
export type StageCounts = Record<string, StageTotal>;

/** How many leads each stage holds under the filters (and their value), for the board's column headers. */
export function useStageCounts(query: CountsQuery) {
  return useQuery({
    queryKey: ['leads', 'counts', query],
    queryFn: async () => {
      const body = await unwrap(api.GET('/api/v1/leads/counts', { params: { query } }));
      const counts: StageCounts = {};
      for (const row of body.data) counts[row.stage] = { count: row.count, value: row.value };
      return counts;
    },
    placeholderData: keepPreviousData,
  });
}
