import { Card, Group, Skeleton, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../auth/session';
import { FileRows } from './FileRows';
import { useFiles } from './files.queries';
import { DropTarget, UploadButton, UploadProgress, useUploader } from './UploadButton';

/**
 * The attachments of a lead or a ticket: upload with progress, list, download, preview of images and PDFs.
 * `canChange`: the caller may change the record (a lead) or reply to it (a ticket); the server decides again.
 */
export function AttachmentsCard({
  place,
  canChange,
}: {
  place: { leadId: string } | { ticketId: string };
  canChange: boolean;
}) {
  const canWrite = useCan('files:write') && canChange;
  const files = useFiles(place);
  const uploader = useUploader(place);
  return (
    <Card>
      <DropTarget uploader={uploader} disabled={!canWrite}>
        <Group justify="space-between" mb="sm">
          <Text fw={650}>Attachments</Text>
          {canWrite && <UploadButton uploader={uploader} label="Attach" />}
        </Group>
        <UploadProgress uploader={uploader} />
        {files.isPending ? (
          <Skeleton h={40} />
        ) : files.isError ? (
          <ErrorAlert error={files.error} onRetry={() => files.refetch()} />
        ) : files.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No files yet
          </Text>
        ) : (
          <FileRows files={files.data} canWrite={canWrite} />
        )}
      </DropTarget>
    </Card>
  );
}
