import { Badge, Button, Center, EmptyState, Group, Loader, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconForms, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { StatusBadge } from '../../../components/Badges';
import { formatDateTime } from '../../../lib/format';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import classes from '../settings.module.css';
import type { WebForm } from '../settings.types';
import { sourceLabel } from '../sources';
import { useFormList } from './forms.queries';

function fieldsSummary(form: WebForm): string {
  const labels = form.fields.map((field) => field.label);
  return labels.length <= 3 ? labels.join(', ') : `${labels.slice(0, 3).join(', ')} +${labels.length - 3}`;
}

export function FormsPage() {
  const navigate = useNavigate();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const list = useFormList();
  const forms = list.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <>
      <SectionHeader
        title="Web forms"
        description="Forms for your website: each submission becomes a lead, routed by your assignment rules."
        actions={
          <Button component={Link} to="/settings/forms/new" leftSection={<IconPlus size={18} />}>
            New form
          </Button>
        }
      />
      <ListCard>
        {list.isPending ? (
          <LoadingRows rows={3} />
        ) : list.isError ? (
          <LoadFailed error={list.error} onRetry={() => list.refetch()} title="Could not load the web forms" />
        ) : forms.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconForms size={26} />}
              title="No web forms yet"
              description="Create a form, paste its snippet into your website, and new enquiries arrive as leads."
            >
              <Button component={Link} to="/settings/forms/new" variant="light" mt="md">
                Create your first form
              </Button>
            </EmptyState>
          </Center>
        ) : compact ? (
          <div>
            {forms.map((form) => (
              <UnstyledButton
                key={form.id}
                component={Link}
                to={`/settings/forms/${form.id}`}
                className={classes.card}
                data-inactive={!form.active || undefined}
                display="block"
              >
                <Stack gap={4}>
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <Text size="sm" fw={600} truncate>
                      {form.name}
                    </Text>
                    <StatusBadge active={form.active} />
                  </Group>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {fieldsSummary(form)}
                  </Text>
                  <Group gap="xs">
                    <Badge size="sm" variant="default" tt="none" fw={500}>
                      {sourceLabel(form.source)}
                    </Badge>
                    {form.campaign && (
                      <Text size="xs" c="dimmed" truncate>
                        {form.campaign}
                      </Text>
                    )}
                  </Group>
                </Stack>
              </UnstyledButton>
            ))}
          </div>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native">
            <Table className={classes.table} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Fields</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last changed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {forms.map((form) => (
                  <Table.Tr
                    key={form.id}
                    className="ip-clickable-row"
                    onClick={() => navigate(`/settings/forms/${form.id}`)}
                    data-inactive={!form.active || undefined}
                  >
                    <Table.Td>
                      <Text
                        component={Link}
                        to={`/settings/forms/${form.id}`}
                        size="sm"
                        fw={600}
                        onClick={(event) => event.stopPropagation()}
                      >
                        {form.name}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={260}>
                      <Text size="sm" c="dimmed" lineClamp={1}>
                        {fieldsSummary(form)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{sourceLabel(form.source)}</Text>
                      {form.campaign && (
                        <Text size="xs" c="dimmed">
                          {form.campaign}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge active={form.active} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(form.updatedAt)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.hasNextPage && (
          <Group justify="center" p="sm">
            <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              Load more
            </Button>
          </Group>
        )}
        {list.isFetching && !list.isPending && !list.isFetchingNextPage && (
          <Group justify="center" pb="sm">
            <Loader size="xs" />
          </Group>
        )}
      </ListCard>
    </>
  );
}
