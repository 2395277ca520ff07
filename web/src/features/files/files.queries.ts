import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { ApiError, toApiError } from '../../lib/problem';
import { getAccessToken } from '../../lib/tokens';
import { saveBlob } from '../leads/download';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type FileMeta = Json<paths['/api/v1/files/{id}']['get']['responses'][200]>;
export type Folder = Json<paths['/api/v1/folders']['get']['responses'][200]>['data'][number];
export type FileVersion = Json<paths['/api/v1/files/{id}/versions']['get']['responses'][200]>['data'][number];
export type CreateFolderBody = paths['/api/v1/folders']['post']['requestBody']['content']['application/json'];

/** Where files live: a folder, a lead, a ticket, or (none) the company's root. */
export interface Place {
  folderId?: string;
  leadId?: string;
  ticketId?: string;
}

export const filesKeys = {
  all: ['files'] as const,
  list: (place: Place, trashed: boolean) => [
    'files',
    'list',
    place.folderId ?? null,
    place.leadId ?? null,
    place.ticketId ?? null,
    trashed,
  ],
  versions: (id: string) => ['files', 'versions', id] as const,
  folders: ['files', 'folders'] as const,
};

export function useFiles(place: Place, trashed = false) {
  return useQuery({
    queryKey: filesKeys.list(place, trashed),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/files', { params: { query: { ...place, ...(trashed ? { trashed } : {}) } } })))
        .data,
  });
}

export function useFolders() {
  return useQuery({
    queryKey: filesKeys.folders,
    queryFn: async () => (await unwrap(api.GET('/api/v1/folders'))).data,
  });
}

export function useVersions(id: string | null) {
  return useQuery({
    queryKey: filesKeys.versions(id ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/files/{id}/versions', { params: { path: { id: id ?? '' } } }))).data,
    enabled: id !== null,
  });
}

/**
 * Sends one file as multipart/form-data with XMLHttpRequest, the one browser API that reports upload progress:
 * the place's fields first (the server reads them before the file), then the file. Progress is 0..1.
 */
export function uploadFile(file: File, place: Place, onProgress: (fraction: number) => void): Promise<FileMeta> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    if (place.folderId) form.append('folderId', place.folderId);
    if (place.leadId) form.append('leadId', place.leadId);
    if (place.ticketId) form.append('ticketId', place.ticketId);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/files');
    const token = getAccessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the problem is built from the status alone
      }
      if (xhr.status === 201) resolve(body as FileMeta);
      else reject(toApiError(body, new Response(null, { status: xhr.status, statusText: xhr.statusText })));
    };
    xhr.onerror = () =>
      reject(
        new ApiError({ type: 'about:blank', title: 'The upload did not reach the server', status: 0, code: 'network' }),
      );
    xhr.send(form);
  });
}

/** Uploads with progress, then refreshes the lists the file shows in. */
export function useUpload(place: Place) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress }: { file: File; onProgress: (fraction: number) => void }) =>
      uploadFile(file, place, onProgress),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.all }),
  });
}

export function useTrashFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/files/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.all }),
  });
}

export function useRestoreFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/files/{id}/restore', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.all }),
  });
}

export function useCreateFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateFolderBody) => unwrap(api.POST('/api/v1/folders', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.folders }),
  });
}

export function useDeleteFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/folders/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.folders }),
  });
}

/** The bytes of a file, fetched with the session (every download is authorised and audited by the server). */
export async function fileBlob(file: Pick<FileMeta, 'id'>, inline = false, version?: number): Promise<Blob> {
  const { data, error, response } = await api.GET('/api/v1/files/{id}/content', {
    params: {
      path: { id: file.id },
      query: { ...(inline ? { inline: '1' as const } : {}), ...(version ? { version } : {}) },
    },
    parseAs: 'blob',
  });
  if (!response.ok || !data) throw toApiError(error, response);
  return data as Blob;
}

export async function downloadFile(file: Pick<FileMeta, 'id' | 'name'>): Promise<void> {
  saveBlob(await fileBlob(file), file.name);
}
