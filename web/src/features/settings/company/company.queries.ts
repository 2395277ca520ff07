import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import { meQueryKey } from '../../auth/session';
import type { UpdateCompanyBody } from './companyForm';

export const companyKey = ['company'] as const;

export function useCompany() {
  return useQuery({ queryKey: companyKey, queryFn: () => unwrap(api.GET('/api/v1/company')) });
}

/** Saves the company's settings; the session is read anew so every date and amount follows the new ones. */
export function useUpdateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCompanyBody) => unwrap(api.PATCH('/api/v1/company', { body })),
    onSuccess: (company) => {
      queryClient.setQueryData(companyKey, company);
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
