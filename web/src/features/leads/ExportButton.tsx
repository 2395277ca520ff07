import { Button, Checkbox, Group, Menu, Modal, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBraces, IconColumns, IconDownload, IconFileSpreadsheet, IconFileTypeCsv } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { leadCatalog } from '../../lib/lead-catalog';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan, useMe } from '../auth/session';
import { useCustomFields } from './customFields.queries';
import { download } from './download';
import { canSee } from './fields';
import type { LeadListParams } from './leads.queries';

type ExportQuery = NonNullable<paths['/api/v1/leads/export']['get']['parameters']['query']>;
type ExportFormat = ExportQuery['format'];

const formats: { format: ExportFormat; label: string; icon: typeof IconFileTypeCsv }[] = [
  { format: 'csv', label: 'CSV', icon: IconFileTypeCsv },
  { format: 'xlsx', label: 'Excel (.xlsx)', icon: IconFileSpreadsheet },
  { format: 'json', label: 'JSON', icon: IconBraces },
];

/**
 * Every built-in column an export can hold (the lead catalog's `export` fields, the version aside, and the score's
 * reasons after its tier), as the server names them, with the field deciding whether a role may see it. Custom
 * fields follow, one column each.
 */
export const EXPORT_CHOICES: readonly { id: string; label: string; field?: string }[] = leadCatalog
  .filter((f) => 'export' in f && f.type !== 'jsonb' && f.key !== 'version')
  .flatMap((f) => {
    const choice = {
      id: 'namedAs' in f ? f.namedAs : f.key,
      label: f.label,
      ...(f.access === 'controlled' || f.access === 'assignment' ? { field: f.key } : {}),
    };
    return f.key === 'scoreTier' ? [choice, { id: 'scoreReasons', label: 'Score reasons' }] : [choice];
  });

/** The columns this role may export: a field the server leaves out of a lead is one it may not see. */
function useExportChoices(enabled: boolean) {
  const custom = useCustomFields();
  const sample = useQuery({
    queryKey: ['leads', 'export-sample'],
    queryFn: () => unwrap(api.GET('/api/v1/leads', { params: { query: { limit: 1 } } })),
    enabled,
    staleTime: 5 * 60_000,
  });
  const lead = sample.data?.data[0];
  const all = [
    ...EXPORT_CHOICES,
    ...(custom.data ?? []).map((def) => ({
      id: `customFields.${def.key}`,
      label: def.label,
      field: `customFields.${def.key}`,
    })),
  ];
  return all.filter((c) => !(lead && c.field && !canSee(lead, c.field)));
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Downloads the current view (filters, search, sort and the columns shown) as a file. The server streams it;
 * the browser gathers it with the bearer token (a plain link could not send it) and saves it.
 */
export function ExportButton({
  filter,
  sort,
  columns,
  compact = false,
}: {
  filter: LeadListParams;
  sort?: string | null;
  /** The columns shown, in order; the name always comes first. */
  columns?: readonly string[];
  compact?: boolean;
}) {
  const canExport = useCan('leads:export');
  const me = useMe();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [chooserOpen, chooser] = useDisclosure(false);
  if (!canExport) return null;

  // The columns shown, the name first; with none given (the board), every column the role may see.
  const visible = columns && columns.length > 0 ? ['name', ...columns.filter((c) => c !== 'name')] : null;

  const run = async (format: ExportFormat, chosen: readonly string[] | null = visible) => {
    setBusy(format);
    try {
      const query = {
        ...filter,
        format,
        ...(sort ? { sort } : {}),
        ...(chosen && chosen.length > 0 ? { columns: chosen.join(',') } : {}),
      } as ExportQuery;
      const file = await download(
        api.GET('/api/v1/leads/export', { params: { query }, parseAs: 'blob' }),
        `leads.${format}`,
      );
      notifySuccess(`${file.name} (${sizeText(file.size)}) was downloaded.`, 'Export ready');
    } catch (error) {
      notifyError(error, 'The export failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Menu position="bottom-end" shadow="md" withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            leftSection={<IconDownload size={18} />}
            loading={busy !== null}
            px={compact ? 'sm' : undefined}
          >
            Export
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Download this view as</Menu.Label>
          {formats.map((item) => (
            <Menu.Item key={item.format} leftSection={<item.icon size={16} />} onClick={() => run(item.format)}>
              {item.label}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconColumns size={16} />} onClick={chooser.open}>
            Choose columns…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {chooserOpen && (
        <ColumnChooser
          initial={visible}
          timeZone={me.company.timezone}
          onClose={chooser.close}
          onExport={(format, chosen) => {
            chooser.close();
            void run(format, chosen);
          }}
        />
      )}
    </>
  );
}

/**
 * Which columns to export, in the list's order: the columns shown to start with (every column when none are).
 * Stage, source and custom fields are written by their labels, times on the company's clock.
 */
function ColumnChooser({
  initial,
  timeZone,
  onClose,
  onExport,
}: {
  initial: readonly string[] | null;
  timeZone: string;
  onClose: () => void;
  onExport: (format: ExportFormat, columns: string[]) => void;
}) {
  const choices = useExportChoices(true);
  const [picked, setPicked] = useState<string[] | null>(initial ? [...initial] : null);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const chosen = picked ?? choices.map((c) => c.id);
  const ordered = choices.filter((c) => chosen.includes(c.id)).map((c) => c.id);
  const toggle = (id: string, on: boolean) => setPicked(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  return (
    <Modal opened onClose={onClose} title="Export leads" size="lg">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          The columns of this view are ticked. Times are written in the company's time zone ({timeZone}).
        </Text>
        <Group gap="xs">
          <Button variant="subtle" size="xs" onClick={() => setPicked(choices.map((c) => c.id))}>
            All
          </Button>
          <Button variant="subtle" size="xs" onClick={() => setPicked(initial ? [...initial] : ['name'])}>
            This view's
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="xs">
          {choices.map((c) => (
            <Checkbox
              key={c.id}
              label={c.label}
              checked={chosen.includes(c.id)}
              onChange={(event) => toggle(c.id, event.currentTarget.checked)}
            />
          ))}
        </SimpleGrid>
        <Group justify="space-between">
          <SegmentedControl
            value={format ?? 'csv'}
            onChange={(value) => setFormat(value as ExportFormat)}
            data={formats.map((f) => ({ value: f.format ?? 'csv', label: f.label }))}
          />
          <Button
            leftSection={<IconDownload size={16} />}
            disabled={ordered.length === 0}
            onClick={() => onExport(format, ordered)}
          >
            Export {ordered.length} {ordered.length === 1 ? 'column' : 'columns'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
