import { Button, FileButton, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { type DragEvent, useState } from 'react';
import classes from './imports.module.css';

export const acceptedTypes = '.csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl,.xml';
export const maxFileBytes = 50 * 1024 * 1024;

/** A drop area that is also a button: drag a file onto it, or press it to pick one. */
export function FileDrop({
  onFile,
  disabled,
  error,
}: {
  onFile: (file: File) => void;
  disabled?: boolean;
  error?: string | null;
}) {
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  };

  return (
    <section
      aria-label="Drop a file to import"
      className={classes.drop}
      data-over={over || undefined}
      data-error={error ? true : undefined}
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <Stack align="center" gap="sm">
        <ThemeIcon size={52} radius="xl" variant="light">
          <IconFileSpreadsheet size={28} />
        </ThemeIcon>
        <Text fw={600} ta="center">
          Drop a file here
        </Text>
        <Text size="sm" c="dimmed" ta="center" maw={420}>
          CSV (any delimiter; UTF-8, UTF-16 or Windows-1252), Excel (.xlsx), JSON or NDJSON, XML. Up to 50 MB. Exports
          from Salesforce, HubSpot and Zoho are recognised.
        </Text>
        <Group>
          <FileButton onChange={(file) => file && onFile(file)} accept={acceptedTypes} disabled={disabled}>
            {(props) => (
              <Button {...props} leftSection={<IconUpload size={16} />} loading={disabled}>
                Choose a file
              </Button>
            )}
          </FileButton>
        </Group>
        {error && (
          <Text size="sm" c="red" ta="center" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </section>
  );
}
