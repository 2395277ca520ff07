import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';

export type { CustomFieldDef, CustomFieldType } from './leads.types';

/** Custom fields' one cache: lead screens, imports and the settings read and refresh this key. */
export const customFieldsKey = ['custom-fields'] as const;

/**
 * The company's custom lead fields in their form order: the active ones (what lead forms and lists show), or
 * `'all'` with the deactivated ones too (the settings).
 */
export function useCustomFields(which: 'active' | 'all' = 'active') {
  return useQuery({
    queryKey: customFieldsKey,
    queryFn: () => unwrap(api.GET('/api/v1/custom-fields')),
    select: (body) => (which === 'all' ? body.data : body.data.filter((field) => field.active)),
    staleTime: 5 * 60_000,
  });
}
