import { Alert, Anchor, Badge, Button, Group, Select, SimpleGrid, Stack, Switch, Table, Text } from '@mantine/core';
import { IconArrowLeft, IconInfoCircle, IconPlayerPlay } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatNumber } from '../../lib/format';
import { useCan } from '../auth/session';
import { useCustomFields } from '../leads/customFields.queries';
import { targetLabel } from './importFields';
import classes from './imports.module.css';
import type { DryRunResult, OnDuplicate } from './imports.queries';

const outcomeBadge: Record<string, [string, string]> = {
  create: ['creates', 'teal'],
  update: ['updates', 'blue'],
  skip: ['skipped', 'gray'],
  fail: ['fails', 'red'],
};

const policyText: Record<string, string> = {
  block:
    'Rows matching an existing lead (or an earlier row) are not imported: the company blocks duplicates from imports.',
  warn: 'Rows matching an existing lead are imported and flagged for review.',
  allow: 'Rows matching an existing lead are imported as new leads.',
  create: 'Rows matching an existing lead are imported as new leads anyway.',
  skip: 'Rows matching an existing lead are skipped.',
  merge: 'Rows matching an existing lead fill that lead’s empty fields and add their emails, phones and tags.',
};

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <div className={classes.stat}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={24} fw={700} c={color}>
        {formatNumber(value)}
      </Text>
    </div>
  );
}

/** Step 3: what the import would do, row by row, before anything is written. */
export function DryRunStep({
  result,
  onDuplicate,
  onDuplicateChange,
  useRules,
  onUseRules,
  onBack,
  onRun,
  checking,
  running,
}: {
  result: DryRunResult;
  onDuplicate: OnDuplicate | null;
  onDuplicateChange: (value: OnDuplicate | null) => void;
  useRules: boolean;
  onUseRules: (value: boolean) => void;
  onBack: () => void;
  onRun: () => void;
  checking: boolean;
  running: boolean;
}) {
  const canOverride = useCan('duplicates:override');
  const defs = useCustomFields().data ?? [];
  const writing = result.create + result.update;
  const duplicateOptions = [
    { value: 'policy', label: 'Company policy' },
    { value: 'skip', label: 'Skip the row' },
    { value: 'merge', label: 'Merge into the existing lead' },
    ...(canOverride ? [{ value: 'create', label: 'Create a new lead anyway' }] : []),
  ];

  return (
    <Stack gap="lg" aria-busy={checking}>
      <SimpleGrid
        cols={{ base: 2, sm: result.dropping > 0 ? 6 : 5 }}
        spacing="sm"
        aria-label="What the import would do"
      >
        <Stat label="Will create" value={result.create} color="teal" />
        <Stat label="Will update" value={result.update} color="blue" />
        <Stat label="Skipped" value={result.skip} />
        <Stat label="Will fail" value={result.fail} color={result.fail > 0 ? 'red' : undefined} />
        <Stat label="Duplicates" value={result.duplicates} color={result.duplicates > 0 ? 'orange' : undefined} />
        {result.dropping > 0 && <Stat label="Without a bad value" value={result.dropping} color="yellow" />}
      </SimpleGrid>

      <Group align="flex-end" gap="lg" wrap="wrap">
        <Select
          label="When a row matches an existing lead"
          data={duplicateOptions}
          value={onDuplicate ?? 'policy'}
          onChange={(value) => onDuplicateChange(value === 'policy' || !value ? null : (value as OnDuplicate))}
          allowDeselect={false}
          maw={320}
          style={{ flex: '1 1 240px' }}
          disabled={checking}
        />
        <Switch
          label="Assign rows without an owner by the assignment rules"
          checked={useRules}
          onChange={(e) => onUseRules(e.currentTarget.checked)}
          mb={8}
        />
      </Group>
      <Alert color="blue" icon={<IconInfoCircle size={18} />} p="xs">
        <Text size="sm">{policyText[result.policy] ?? `Duplicates: ${result.policy}.`}</Text>
      </Alert>

      {result.rows.length > 0 ? (
        <Table.ScrollContainer minWidth={340} type="native" mah={480}>
          <Table aria-label="Rows with problems, dropped values or duplicates" className={classes.table} stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Row</Table.Th>
                <Table.Th w={100}>Outcome</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.rows.map((row) => {
                const [label, color] = outcomeBadge[row.outcome] ?? [row.outcome, 'gray'];
                return (
                  <Table.Tr key={row.row}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {row.row}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={color}>{label}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        {row.errors.map((error) => (
                          <Text size="sm" key={`${error.field}-${error.message}`}>
                            <b>{error.column ?? targetLabel(error.field, defs)}</b>: {error.message}
                          </Text>
                        ))}
                        {row.dropped.map((drop) => (
                          <Text size="sm" key={`dropped-${drop.field}-${drop.value}`} c="yellow.9">
                            Imported without <b>{drop.column ?? targetLabel(drop.field, defs)}</b>
                            {drop.value ? ` “${drop.value}”` : ''}: {drop.message}
                          </Text>
                        ))}
                        {row.duplicates.map((dup) => (
                          <Text size="sm" key={`${dup.leadId ?? dup.row}`} c="orange.8">
                            {dup.row !== null ? (
                              <>Repeats row {dup.row}</>
                            ) : dup.leadId && dup.name ? (
                              <>
                                Matches{' '}
                                <Anchor component={Link} to={`/leads/${dup.leadId}`} size="sm" target="_blank">
                                  {dup.name}
                                </Anchor>
                              </>
                            ) : (
                              <>Matches a lead you cannot see</>
                            )}
                            {dup.matchedOn.length > 0 ? ` (same ${dup.matchedOn.join(', ')})` : ''}
                          </Text>
                        ))}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Alert color="teal">Every row reads cleanly and matches no existing lead.</Alert>
      )}
      {result.fail > 0 && result.dropping === 0 && (
        <Text size="xs" c="dimmed">
          Rows failing on one bad value (an invalid email, a number that does not read) can be imported without it:
          choose so under “A row with one bad value” in the columns step.
        </Text>
      )}
      {result.truncated && (
        <Text size="xs" c="dimmed">
          The first 1,000 rows with something to say are listed; the result file after the import has every row.
        </Text>
      )}

      <Group justify="space-between">
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          Back to the columns
        </Button>
        <Button
          leftSection={<IconPlayerPlay size={16} />}
          onClick={onRun}
          loading={running}
          disabled={writing === 0 || checking}
        >
          {writing === 0 ? 'Nothing to import' : `Import ${formatNumber(writing)} ${writing === 1 ? 'row' : 'rows'}`}
        </Button>
      </Group>
    </Stack>
  );
}
