import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';

export type { CustomFieldDef, CustomFieldType } from './leads.types';

/** The company's active custom lead fields, in their form order. */
export function useCustomFields() {
  return useQuery({
    queryKey: ['custom-fields', 'active'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/custom-fields', { params: { query: { active: true } } }))).data,
    staleTime: 5 * 60_000,
  });
}
