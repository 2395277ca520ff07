import { ActionIcon, Group, Menu, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconDownload, IconEye, IconFile, IconHistory, IconRestore, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { errorMessage } from '../../lib/problem';
import { ImagePreview, openPdf } from './FilePreview';
import { formatBytes } from './files.format';
import { downloadFile, type FileMeta, useRestoreFile, useTrashFile } from './files.queries';
import { VersionsModal } from './VersionsModal';

const fail = (title: string) => (error: unknown) =>
  notifications.show({ color: 'red', title, message: errorMessage(error) });

/** Files as rows: name, size, version and date; preview, download, and trash or restore for those who write. */
export function FileRows({
  files,
  canWrite,
  trashed = false,
}: {
  files: FileMeta[];
  canWrite: boolean;
  trashed?: boolean;
}) {
  const [previewing, setPreviewing] = useState<FileMeta | null>(null);
  const [history, setHistory] = useState<FileMeta | null>(null);
  const trash = useTrashFile();
  const restore = useRestoreFile();

  const preview = (file: FileMeta) => {
    if (file.contentType === 'application/pdf') openPdf(file).catch(fail('Could not open the PDF'));
    else setPreviewing(file);
  };

  return (
    <Stack gap={4}>
      {files.map((file) => (
        <Group key={file.id} justify="space-between" wrap="nowrap" gap="xs" py={4}>
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <IconFile size={18} style={{ flexShrink: 0 }} />
            <div style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate="end" title={file.name}>
                {file.name}
              </Text>
              <Text size="xs" c="dimmed">
                {formatBytes(file.size)}
                {file.version > 1 ? ` · version ${file.version}` : ''} · {formatDateTime(file.updatedAt)}
              </Text>
            </div>
          </Group>
          <Group gap={2} wrap="nowrap">
            {file.previewable && !trashed && (
              <Tooltip label="Preview">
                <ActionIcon variant="subtle" aria-label={`Preview ${file.name}`} onClick={() => preview(file)}>
                  <IconEye size={16} />
                </ActionIcon>
              </Tooltip>
            )}
            <Tooltip label="Download">
              <ActionIcon
                variant="subtle"
                aria-label={`Download ${file.name}`}
                onClick={() => downloadFile(file).catch(fail('Could not download the file'))}
              >
                <IconDownload size={16} />
              </ActionIcon>
            </Tooltip>
            {file.version > 1 && (
              <Tooltip label="Versions">
                <ActionIcon variant="subtle" aria-label={`Versions of ${file.name}`} onClick={() => setHistory(file)}>
                  <IconHistory size={16} />
                </ActionIcon>
              </Tooltip>
            )}
            {canWrite && (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="subtle" aria-label={`More for ${file.name}`}>
                    <IconDots size={16} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  {trashed ? (
                    <Menu.Item
                      leftSection={<IconRestore size={14} />}
                      onClick={() => restore.mutate(file.id, { onError: fail('Could not restore the file') })}
                    >
                      Restore
                    </Menu.Item>
                  ) : (
                    <Menu.Item
                      color="red"
                      leftSection={<IconTrash size={14} />}
                      onClick={() => trash.mutate(file.id, { onError: fail('Could not move the file to the trash') })}
                    >
                      Move to trash
                    </Menu.Item>
                  )}
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
        </Group>
      ))}
      <ImagePreview file={previewing} onClose={() => setPreviewing(null)} />
      <VersionsModal file={history} onClose={() => setHistory(null)} />
    </Stack>
  );
}
