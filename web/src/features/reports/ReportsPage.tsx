import {
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCalendarRepeat, IconChartBar, IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatNumber } from '../../lib/format';
import { useCan } from '../auth/session';
import { type CatalogEntry, groupCatalog } from './catalog';
import { chartLabels, groupLabels } from './chartLabels';
import classes from './reports.module.css';
import { useReportCatalog } from './reports.queries';

/** Every report the person may run, pre-built and saved, grouped and searchable; each opens the report. */
export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const catalog = useReportCatalog();
  const canBuild = useCan('reports:build');
  const groups = groupCatalog((catalog.data ?? []) as CatalogEntry[], search);
  const count = groups.reduce((sum, [, items]) => sum + items.length, 0);

  return (
    <>
      <PageHeader
        title="Reports"
        description={
          catalog.data
            ? `${formatNumber(count)} ${count === 1 ? 'report' : 'reports'}${search ? ' match your search' : ''}`
            : 'Pipeline, conversion, team, activities, response, forecast and data quality.'
        }
        actions={
          <>
            <Button
              component={Link}
              to="/reports/schedules"
              variant="default"
              leftSection={<IconCalendarRepeat size={18} />}
            >
              Scheduled reports
            </Button>
            {canBuild && (
              <Button component={Link} to="/reports/new" leftSection={<IconPlus size={18} />}>
                New report
              </Button>
            )}
          </>
        }
      />
      <Stack gap="lg">
        <TextInput
          aria-label="Search reports"
          placeholder="Search reports"
          leftSection={<IconSearch size={16} />}
          type="search"
          value={search}
          onChange={(event) => {
            const q = event.currentTarget.value;
            setParams(q ? { q } : {}, { replace: true });
          }}
          maw={420}
        />
        {catalog.isPending ? (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <Skeleton key={i} h={92} radius="md" />
            ))}
          </SimpleGrid>
        ) : catalog.isError ? (
          <ErrorAlert error={catalog.error} onRetry={() => catalog.refetch()} title="Could not load the reports" />
        ) : groups.length === 0 ? (
          <Center py={56}>
            <EmptyState
              icon={<IconChartBar size={26} />}
              title={search ? 'No report matches your search' : 'No reports yet'}
              description={search ? 'Try other words.' : 'Build one with “New report”.'}
            />
          </Center>
        ) : (
          groups.map(([group, items]) => (
            <section key={group} aria-labelledby={`group-${group}`}>
              <Group gap="xs" mb="sm">
                <Title order={2} fz="lg" id={`group-${group}`}>
                  {groupLabels[group] ?? group}
                </Title>
                <Badge color="gray">{items.length}</Badge>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
                {items.map((report) => (
                  <Card
                    key={report.key}
                    component={Link}
                    to={`/reports/${encodeURIComponent(report.key)}`}
                    className={classes.catalogItem}
                    padding="md"
                  >
                    <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                      <Text fw={600} size="sm">
                        {report.name}
                      </Text>
                      <Badge size="xs" color="gray" variant="outline" style={{ flex: 'none' }}>
                        {chartLabels[report.chart] ?? report.chart}
                      </Badge>
                    </Group>
                    {report.description && (
                      <Text size="xs" c="dimmed" mt={4} lineClamp={2}>
                        {report.description}
                      </Text>
                    )}
                  </Card>
                ))}
              </SimpleGrid>
            </section>
          ))
        )}
      </Stack>
    </>
  );
}
