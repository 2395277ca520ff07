import { Button, Menu } from '@mantine/core';
import { IconBraces, IconDownload, IconFileSpreadsheet, IconFileTypeCsv } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { download } from './download';
import type { LeadListParams } from './leads.queries';

type ExportQuery = NonNullable<paths['/api/v1/leads/export']['get']['parameters']['query']>;
type ExportFormat = ExportQuery['format'];

const formats: { format: ExportFormat; label: string; icon: typeof IconFileTypeCsv }[] = [
  { format: 'csv', label: 'CSV', icon: IconFileTypeCsv },
  { format: 'xlsx', label: 'Excel (.xlsx)', icon: IconFileSpreadsheet },
  { format: 'json', label: 'JSON', icon: IconBraces },
];

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
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  if (!canExport) return null;

  const run = async (format: ExportFormat) => {
    setBusy(format);
    try {
      const query = {
        ...filter,
        format,
        ...(sort ? { sort } : {}),
        ...(columns && columns.length > 0
          ? { columns: ['name', ...columns.filter((c) => c !== 'name')].join(',') }
          : {}),
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
      </Menu.Dropdown>
    </Menu>
  );
}
