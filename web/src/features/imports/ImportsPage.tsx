import { Card, Collapse, Group, Select, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { errorMessage } from '../../lib/problem';
import { BackTo } from '../leads/BackTo';
import { FileDrop, maxFileBytes } from './FileDrop';
import { ImportSteps } from './ImportSteps';
import { ImportsHistory } from './ImportsHistory';
import { type UploadOptions, useSavedMappings, useUpload } from './imports.queries';

const formatOptions = [
  { value: '', label: 'Detect' },
  { value: 'csv', label: 'CSV' },
  { value: 'xlsx', label: 'Excel (.xlsx)' },
  { value: 'json', label: 'JSON array' },
  { value: 'ndjson', label: 'NDJSON (one object per line)' },
  { value: 'xml', label: 'XML' },
];
const encodingOptions = [
  { value: '', label: 'Detect' },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
  { value: 'windows-1252', label: 'Windows-1252 (Western)' },
  { value: 'iso-8859-1', label: 'ISO-8859-1 (Latin-1)' },
];
const delimiterOptions = [
  { value: '', label: 'Detect' },
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];

/** /leads/import: upload a file to start an import, and the imports made so far. */
export function ImportsPage() {
  const navigate = useNavigate();
  const upload = useUpload();
  const mappings = useSavedMappings();
  const [options, setOptions] = useState<UploadOptions>({});
  const [showOptions, toggleOptions] = useDisclosure(false);
  const [localError, setLocalError] = useState<string | null>(null);

  const set = (name: keyof UploadOptions) => (value: string | null) =>
    setOptions((current) => ({ ...current, [name]: value || undefined }));

  const onFile = (file: File) => {
    setLocalError(null);
    if (file.size > maxFileBytes) {
      setLocalError(`${file.name} is larger than 50 MB: split it, or save it as CSV (smaller than Excel).`);
      return;
    }
    if (file.size === 0) {
      setLocalError(`${file.name} is empty.`);
      return;
    }
    upload.mutate({ file, options }, { onSuccess: (detail) => navigate(`/leads/import/${detail.id}`) });
  };

  return (
    <>
      <PageHeader
        above={<BackTo to="/leads" label="Leads" />}
        title="Import leads"
        description="Bring leads in from a spreadsheet or another CRM. You check the columns and a trial run before anything is written, and you can undo an import as a whole."
      />
      <Card mb="lg">
        <ImportSteps active={0} />
        <FileDrop
          onFile={onFile}
          disabled={upload.isPending}
          error={localError ?? (upload.isError ? errorMessage(upload.error) : null)}
        />
        <UnstyledButton onClick={toggleOptions.toggle} mt="md" aria-expanded={showOptions}>
          <Group gap={4}>
            {showOptions ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
            <Text size="sm" fw={500}>
              File options
            </Text>
            <Text size="sm" c="dimmed">
              (detected when left alone)
            </Text>
          </Group>
        </UnstyledButton>
        <Collapse expanded={showOptions}>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} mt="sm">
            <Select label="Format" data={formatOptions} value={options.format ?? ''} onChange={set('format')} />
            <Select label="Encoding" data={encodingOptions} value={options.encoding ?? ''} onChange={set('encoding')} />
            <Select
              label="Delimiter"
              data={delimiterOptions}
              value={options.delimiter ?? ''}
              onChange={set('delimiter')}
              disabled={options.format !== undefined && options.format !== 'csv'}
            />
            <Select
              label="Start from a saved mapping"
              placeholder={mappings.isPending ? 'Loading…' : 'Suggested from the headers'}
              data={(mappings.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
              value={options.mappingId ?? null}
              onChange={set('mappingId')}
              clearable
            />
          </SimpleGrid>
        </Collapse>
      </Card>
      <Stack gap="xs">
        <Text fw={650}>Recent imports</Text>
        <ImportsHistory />
      </Stack>
    </>
  );
}
