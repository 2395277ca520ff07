import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { dashboardKeys } from '../dashboard/dashboards.queries';
import type { SetTargetsBody } from './targetForm';

export { useTargets } from '../dashboard/dashboards.queries';

/** Sets whole targets (all items or none); every targets view (the page, dashboard tiles) reads them anew. */
export function useSetTargets() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetTargetsBody) => unwrap(api.PUT('/api/v1/targets', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: dashboardKeys.targetsAll }),
  });
}

/** Removes one target; every targets view reads them anew. */
export function useRemoveTarget() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/targets/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: dashboardKeys.targetsAll }),
  });
}
