import { Badge, Button, Card, Group, NavLink, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconFolder, IconFolderPlus, IconHome, IconLock, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorMessage } from '../../lib/problem';
import { useCan } from '../auth/session';
import { FileRows } from './FileRows';
import { ordered } from './files.format';
import { useDeleteFolder, useFiles, useFolders } from './files.queries';
import { NewFolderModal } from './NewFolderModal';
import { DropTarget, UploadButton, UploadProgress, useUploader } from './UploadButton';

/** Company files: folders on one side, the chosen folder's files (or its trash) on the other. */
export function FilesPage() {
  const canWrite = useCan('files:write');
  const canManage = useCan('folders:manage');
  const folders = useFolders();
  const [folderId, setFolderId] = useState<string | null>(null);
  const [view, setView] = useState<'live' | 'trash'>('live');
  const [creating, creating$] = useDisclosure(false);
  const removeFolder = useDeleteFolder();
  const place = folderId ? { folderId } : {};
  const files = useFiles(place, view === 'trash');
  const uploader = useUploader(place);
  const tree = useMemo(() => ordered(folders.data ?? []), [folders.data]);
  const current = folders.data?.find((f) => f.id === folderId) ?? null;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Files</Title>
        {canManage && (
          <Button size="xs" variant="light" leftSection={<IconFolderPlus size={14} />} onClick={creating$.open}>
            New folder{current ? ` in ${current.name}` : ''}
          </Button>
        )}
      </Group>
      <Group align="flex-start" gap="lg" wrap="wrap">
        <Card w={{ base: '100%', sm: 260 }} p="xs">
          <NavLink
            label="Company files"
            leftSection={<IconHome size={16} />}
            active={folderId === null}
            onClick={() => setFolderId(null)}
          />
          {folders.isPending && <Skeleton h={30} mt="xs" />}
          {folders.isError && <ErrorAlert error={folders.error} onRetry={() => folders.refetch()} />}
          {tree.map(({ folder, depth }) => (
            <NavLink
              key={folder.id}
              label={folder.name}
              pl={12 + depth * 16}
              leftSection={
                folder.allowedRoles || folder.allowedUserIds || folder.allowedTeamIds ? (
                  <IconLock size={16} />
                ) : (
                  <IconFolder size={16} />
                )
              }
              active={folderId === folder.id}
              onClick={() => setFolderId(folder.id)}
            />
          ))}
        </Card>
        <Card style={{ flex: 1, minWidth: 'min(100%, 320px)' }}>
          <DropTarget uploader={uploader} disabled={!canWrite || view === 'trash'}>
            <Group justify="space-between" mb="sm" wrap="wrap">
              <Group gap="xs">
                <Text fw={650}>{current?.name ?? 'Company files'}</Text>
                {current?.allowedRoles && (
                  <Badge size="sm" variant="light" color="gray">
                    {current.allowedRoles.join(', ').toLowerCase()}
                  </Badge>
                )}
              </Group>
              <Group gap="xs">
                <SegmentedControl
                  size="xs"
                  value={view}
                  onChange={(v) => setView(v as 'live' | 'trash')}
                  data={[
                    { value: 'live', label: 'Files' },
                    { value: 'trash', label: 'Trash' },
                  ]}
                />
                {canWrite && view === 'live' && <UploadButton uploader={uploader} />}
                {canManage && current && (
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    leftSection={<IconTrash size={14} />}
                    loading={removeFolder.isPending}
                    onClick={() =>
                      removeFolder.mutate(current.id, {
                        onSuccess: () => setFolderId(current.parentId),
                        onError: (error) =>
                          notifications.show({
                            color: 'red',
                            title: 'Folder not deleted',
                            message: errorMessage(error),
                          }),
                      })
                    }
                  >
                    Delete folder
                  </Button>
                )}
              </Group>
            </Group>
            <UploadProgress uploader={uploader} />
            {files.isPending ? (
              <Skeleton h={60} />
            ) : files.isError ? (
              <ErrorAlert error={files.error} onRetry={() => files.refetch()} />
            ) : files.data.length === 0 ? (
              <Text size="sm" c="dimmed">
                {view === 'trash'
                  ? 'The trash is empty'
                  : canWrite
                    ? 'No files here yet: drop files here, or Upload'
                    : 'No files here yet'}
              </Text>
            ) : (
              <FileRows files={files.data} canWrite={canWrite} trashed={view === 'trash'} />
            )}
          </DropTarget>
        </Card>
      </Group>
      <NewFolderModal opened={creating} parentId={folderId} onClose={creating$.close} onCreated={setFolderId} />
    </Stack>
  );
}
