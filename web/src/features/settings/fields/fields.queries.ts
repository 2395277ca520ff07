import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api';
import { customFieldsKey } from '../../leads/customFields.queries';
import type {
  CreateCustomFieldBody,
  FieldPermission,
  SetFieldPermissionBody,
  UpdateCustomFieldBody,
} from '../settings.types';

export const fieldPermissionsKey = ['settings', 'field-permissions'] as const;

function useFieldsChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: customFieldsKey });
    // A new or deactivated field adds or drops a column of the access grid.
    void queryClient.invalidateQueries({ queryKey: fieldPermissionsKey });
  };
}

export function useCreateCustomField() {
  const changed = useFieldsChanged();
  return useMutation({
    mutationFn: (body: CreateCustomFieldBody) => unwrap(api.POST('/api/v1/custom-fields', { body })),
    onSuccess: changed,
  });
}

export function useUpdateCustomField() {
  const changed = useFieldsChanged();
  return useMutation({
    mutationFn: ({ key, body }: { key: string; body: UpdateCustomFieldBody }) =>
      unwrap(api.PATCH('/api/v1/custom-fields/{key}', { params: { path: { key } }, body })),
    onSuccess: changed,
  });
}

export function useDeactivateCustomField() {
  const changed = useFieldsChanged();
  return useMutation({
    mutationFn: (key: string) => unwrap(api.DELETE('/api/v1/custom-fields/{key}', { params: { path: { key } } })),
    onSuccess: changed,
  });
}

export function useFieldPermissions() {
  return useQuery({
    queryKey: fieldPermissionsKey,
    queryFn: () => unwrap(api.GET('/api/v1/field-permissions')),
    select: (result) => result.data,
  });
}

/** Puts the server's answer for the one cell in place, so the grid does not reload after each choice. */
export function useSetFieldPermission() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetFieldPermissionBody) => unwrap(api.PUT('/api/v1/field-permissions', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData<{ data: FieldPermission[] }>(fieldPermissionsKey, (current) =>
        current
          ? {
              data: current.data.map((entry) =>
                entry.role === saved.role && entry.field === saved.field ? saved : entry,
              ),
            }
          : current,
      );
      // The all-custom-fields cell decides what each custom field of that role inherits.
      if (saved.field === 'customFields') void queryClient.invalidateQueries({ queryKey: fieldPermissionsKey });
      // What a role may see of a lead changed: the lead screens read it again.
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}
