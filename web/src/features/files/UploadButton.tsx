import { Button, FileButton, Progress, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUpload } from '@tabler/icons-react';
import { type DragEvent, type ReactNode, useState } from 'react';
import { errorMessage } from '../../lib/problem';
import { type Place, useUpload } from './files.queries';

export interface Uploader {
  send(files: File[]): Promise<void>;
  current: { name: string; progress: number } | null;
}

/**
 * Uploads files one after another into a place, keeping the progress of the one on its way. A file of a name
 * already there becomes its next version (the server decides); a refused one is said in a notification.
 */
export function useUploader(place: Place): Uploader {
  const upload = useUpload(place);
  const [current, setCurrent] = useState<Uploader['current']>(null);
  const send = async (files: File[]) => {
    for (const file of files) {
      setCurrent({ name: file.name, progress: 0 });
      try {
        const saved = await upload.mutateAsync({
          file,
          onProgress: (progress) => setCurrent({ name: file.name, progress }),
        });
        if (saved.version > 1) {
          notifications.show({ title: 'New version', message: `${saved.name} is now at version ${saved.version}` });
        }
      } catch (error) {
        notifications.show({ color: 'red', title: `${file.name} was not uploaded`, message: errorMessage(error) });
      }
    }
    setCurrent(null);
  };
  return { send, current };
}

export function UploadProgress({ uploader }: { uploader: Uploader }) {
  const { current } = uploader;
  if (!current) return null;
  return (
    <div aria-live="polite">
      <Text size="xs" c="dimmed" truncate="end">
        Uploading {current.name} · {Math.round(current.progress * 100)}%
      </Text>
      <Progress value={current.progress * 100} size="sm" aria-label={`Upload progress of ${current.name}`} />
    </div>
  );
}

export function UploadButton({ uploader, label = 'Upload' }: { uploader: Uploader; label?: string }) {
  return (
    <FileButton onChange={(files) => void uploader.send(files)} multiple>
      {(props) => (
        <Button
          {...props}
          size="xs"
          variant="light"
          leftSection={<IconUpload size={14} />}
          loading={uploader.current !== null}
        >
          {label}
        </Button>
      )}
    </FileButton>
  );
}

/** Files dropped anywhere on `children` are uploaded; the area is outlined while something is dragged over it. */
export function DropTarget({
  uploader,
  disabled,
  children,
}: {
  uploader: Uploader;
  disabled?: boolean;
  children: ReactNode;
}) {
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const files = [...event.dataTransfer.files];
    if (files.length > 0) void uploader.send(files);
  };
  return (
    <section
      aria-label="Drop files here to upload"
      style={{
        outline: over ? '2px dashed var(--mantine-color-blue-5)' : undefined,
        outlineOffset: 4,
        borderRadius: 'var(--mantine-radius-md)',
      }}
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {children}
    </section>
  );
}
