import { Button, Code, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { AuditEntry } from '../../lib/api';
import classes from './AuditPage.module.css';

function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `{field: {from, to}}` as a before/after table, with the raw JSON one click away. */
function Changes({ changes }: { changes: AuditEntry['changes'] }) {
  const [raw, setRaw] = useState(false);
  const fields = changes ? Object.entries(changes) : [];
  if (!changes || fields.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No field changes were recorded.
      </Text>
    );
  }
  return (
    <Stack gap="xs" align="flex-start">
      {raw ? (
        <Code block className={classes.json} w="100%">
          {JSON.stringify(changes, null, 2)}
        </Code>
      ) : (
        <Table withTableBorder className={classes.changes} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              <Table.Th>Before</Table.Th>
              <Table.Th>After</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map(([field, change]) => (
              <Table.Tr key={field}>
                <Table.Td ff="monospace" className={classes.changeCell}>
                  {field}
                </Table.Td>
                <Table.Td ff="monospace" c="red.8" className={classes.changeCell}>
                  {showValue(change.from)}
                </Table.Td>
                <Table.Td ff="monospace" c="teal.8" className={classes.changeCell}>
                  {showValue(change.to)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Button variant="subtle" size="compact-xs" onClick={() => setRaw((r) => !r)}>
        {raw ? 'Show as table' : 'Show JSON'}
      </Button>
    </Stack>
  );
}

/** An audit entry opened up: its ids, the address it came from, and what it changed. */
export function AuditEntryDetails({ entry }: { entry: AuditEntry }) {
  return (
    <Stack gap="sm" py="xs">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <div>
          <Text size="xs" c="dimmed">
            Entity id
          </Text>
          <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {entry.entityId ?? '—'}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            Request id
          </Text>
          <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {entry.requestId ?? '—'}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            IP address
          </Text>
          <Text size="xs" ff="monospace">
            {entry.ip ?? '—'}
          </Text>
        </div>
      </SimpleGrid>
      <div>
        <Text size="xs" c="dimmed" mb={4}>
          Changes
        </Text>
        <Changes changes={entry.changes} />
      </div>
    </Stack>
  );
}
