import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

type BulkPath = paths['/api/v1/leads/bulk-actions']['post'];
export type BulkActionBody = BulkPath['requestBody']['content']['application/json'];
export type BulkActionKind = BulkActionBody['action'];
export type BulkParams = NonNullable<BulkActionBody['params']>;
export type BulkFilter = NonNullable<BulkActionBody['filter']>;
export type BulkResult = BulkPath['responses'][200]['content']['application/json'];
export type BulkJob = paths['/api/v1/leads/bulk-actions/{id}']['get']['responses'][200]['content']['application/json'];

/** A finished small action (200, with every item's result) or a job to follow (202, its id). */
export type BulkStarted = { kind: 'done'; result: BulkResult } | { kind: 'job'; id: string };

export async function startBulkAction(body: BulkActionBody): Promise<BulkStarted> {
  const data = (await unwrap(api.POST('/api/v1/leads/bulk-actions', { body }))) as BulkResult | { id: string };
  return 'results' in data ? { kind: 'done', result: data } : { kind: 'job', id: data.id };
}

export const bulkKeys = { job: (id: string) => ['leads', 'bulk-actions', id] as const };

/** A running job, asked again every second until it has finished. */
export function useBulkJob(id: string | null) {
  return useQuery({
    queryKey: bulkKeys.job(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/leads/bulk-actions/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
    staleTime: 0,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'done' || status === 'failed' ? false : 1000;
    },
  });
}
