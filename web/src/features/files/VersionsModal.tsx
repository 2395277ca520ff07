import { ActionIcon, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { formatDateTime } from '../../lib/format';
import { errorMessage } from '../../lib/problem';
import { saveBlob } from '../leads/download';
import { formatBytes } from './files.format';
import { type FileMeta, fileBlob, useVersions } from './files.queries';

/** Every version of a file, newest first, each downloadable. */
export function VersionsModal({ file, onClose }: { file: FileMeta | null; onClose: () => void }) {
  const versions = useVersions(file?.id ?? null);
  const download = async (version: number) => {
    if (!file) return;
    try {
      saveBlob(await fileBlob(file, false, version), file.name);
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not download the version', message: errorMessage(error) });
    }
  };
  return (
    <Modal opened={file !== null} onClose={onClose} title={`Versions of ${file?.name ?? ''}`} centered>
      {versions.isPending ? (
        <Center h={80}>
          <Loader />
        </Center>
      ) : versions.isError ? (
        <Text c="red">{errorMessage(versions.error)}</Text>
      ) : (
        <Stack gap="xs">
          {versions.data.map((v) => (
            <Group key={v.version} justify="space-between" wrap="nowrap">
              <div>
                <Text size="sm" fw={500}>
                  Version {v.version}
                  {v.version === file?.version ? ' (current)' : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatBytes(v.size)} · {v.createdBy.name} · {formatDateTime(v.createdAt)}
                </Text>
              </div>
              <ActionIcon
                variant="subtle"
                aria-label={`Download version ${v.version}`}
                onClick={() => void download(v.version)}
              >
                <IconDownload size={16} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
    </Modal>
  );
}
