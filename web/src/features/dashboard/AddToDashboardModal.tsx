import { Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { notifyError, notifySuccess } from '../../lib/notify';
import { chartLabels } from '../reports/chartLabels';
import { type ChartKind, chartKinds } from '../reports/reports.types';
import { useAddTile, useCreateDashboard, useDashboards } from './dashboards.queries';
import type { TileWidth } from './dashboards.types';

const NEW = '__new__';

/** Puts a report on one of the person's own dashboards (or a new one) as a tile, and offers to open it. */
export function AddToDashboardModal({
  opened,
  onClose,
  report,
}: {
  opened: boolean;
  onClose: () => void;
  report: { key: string; name: string; chart: ChartKind };
}) {
  const navigate = useNavigate();
  const dashboards = useDashboards(opened);
  const create = useCreateDashboard();
  const addTile = useAddTile();
  const own = (dashboards.data ?? []).filter((d) => d.editable && !d.isDefault);
  const [target, setTarget] = useState<string | null>(null);
  const [name, setName] = useState('My reports');
  const [title, setTitle] = useState(report.name);
  const [chart, setChart] = useState<ChartKind>(report.chart);
  const [width, setWidth] = useState<TileWidth>(report.chart === 'kpi' ? 1 : 2);
  const [saving, setSaving] = useState(false);
  const chosen = target ?? own[0]?.id ?? NEW;

  const save = async () => {
    setSaving(true);
    const tile = { report: report.key, title: title.trim() || report.name, chart, width };
    try {
      let id: string;
      if (chosen === NEW) {
        const created = await create.mutateAsync({ name: name.trim() || 'My reports', shared: false, tiles: [tile] });
        id = created.id;
      } else {
        await addTile.mutateAsync({ id: chosen, ...tile });
        id = chosen;
      }
      notifySuccess(`“${tile.title}” is on your dashboard.`);
      onClose();
      navigate(`/?dashboard=${encodeURIComponent(id)}`);
    } catch (error) {
      notifyError(error, 'Could not add it to the dashboard');
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Add to dashboard">
      <Stack gap="sm">
        <Select
          label="Dashboard"
          data={[...own.map((d) => ({ value: d.id, label: d.name })), { value: NEW, label: 'New dashboard…' }]}
          value={chosen}
          onChange={(value) => setTarget(value)}
          allowDeselect={false}
        />
        {chosen === NEW && (
          <TextInput label="Name of the new dashboard" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        )}
        <TextInput label="Tile title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Select
          label="Chart"
          data={chartKinds.map((kind) => ({ value: kind, label: chartLabels[kind] }))}
          value={chart}
          onChange={(value) => value && setChart(value as ChartKind)}
          allowDeselect={false}
        />
        <div>
          <Text size="sm" fw={600} mb={4}>
            Width
          </Text>
          <SegmentedControl
            aria-label="Width"
            data={[
              { value: '1', label: 'One third' },
              { value: '2', label: 'Two thirds' },
              { value: '3', label: 'Full' },
            ]}
            value={String(width)}
            onChange={(value) => setWidth(Number(value) as TileWidth)}
            fullWidth
          />
        </div>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={save} loading={saving}>
            Add tile
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
