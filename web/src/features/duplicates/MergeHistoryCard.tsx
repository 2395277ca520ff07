import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCan } from '../auth/session';
import type { Lead } from '../leads/leads.types';
import classes from './duplicates.module.css';
import { type MergeSummary, mergesKeys, useLeadMerges } from './merges.queries';
import { UndoMergeModal } from './UndoMergeModal';

function names(list: { name: string }[]): string {
  if (list.length <= 2) return list.map((l) => l.name).join(' and ');
  return `${list
    .slice(0, -1)
    .map((l) => l.name)
    .join(', ')} and ${list[list.length - 1]?.name}`;
}

function Entry({ merge, lead, onUndo }: { merge: MergeSummary; lead: Lead; onUndo: (id: string) => void }) {
  const canMerge = useCan('leads:merge');
  const intoThis = merge.survivor.id === lead.id;
  const open = !merge.undoneAt && Date.parse(merge.undoDeadline) > Date.now();
  return (
    <Stack gap={4} className={classes.historyEntry}>
      <Text size="sm" className={classes.value}>
        {intoThis ? (
          <>
            <b>{names(merge.merged)}</b> merged into this lead
          </>
        ) : merge.merged.some((m) => m.id === lead.id) ? (
          <>
            Merged into{' '}
            <Anchor component={Link} to={`/leads/${merge.survivor.id}`} size="sm" fw={600}>
              {merge.survivor.name}
            </Anchor>
          </>
        ) : (
          <>
            <b>{names(merge.merged)}</b> merged into <b>{merge.survivor.name}</b>
          </>
        )}
      </Text>
      <Group gap={6} justify="space-between">
        <Text size="xs" c="dimmed" title={formatDateTime(merge.at)}>
          {formatRelative(merge.at)}
          {merge.by ? ` by ${merge.by.name}` : ''}
        </Text>
        {merge.undoneAt ? (
          <Badge size="sm" color="gray" title={formatDateTime(merge.undoneAt)}>
            undone{merge.undoneBy ? ` by ${merge.undoneBy.name}` : ''}
          </Badge>
        ) : open && canMerge ? (
          <Button
            size="compact-xs"
            variant="light"
            color="orange"
            leftSection={<IconArrowBackUp size={14} />}
            onClick={() => onUndo(merge.id)}
          >
            Undo
          </Button>
        ) : (
          !open && (
            <Text size="xs" c="dimmed">
              kept for good
            </Text>
          )
        )}
      </Group>
    </Stack>
  );
}

/**
 * Merges into the leads that were then merged into this one: their history lives on here too (and their undo
 * waits for the later merge's, which the undo dialog explains).
 */
function useEarlierMerges(leadId: string, merges: readonly MergeSummary[]): MergeSummary[] {
  const mergedIds = merges
    .filter((m) => m.survivor.id === leadId && !m.undoneAt)
    .flatMap((m) => m.merged.map((l) => l.id));
  const results = useQueries({
    queries: mergedIds.map((id) => ({
      queryKey: mergesKeys.forLead(id),
      queryFn: () => unwrap(api.GET('/api/v1/leads/merges', { params: { query: { leadId: id, limit: 20 } } })),
    })),
  });
  const known = new Set(merges.map((m) => m.id));
  const seen = new Set<string>();
  return results
    .flatMap((r) => r.data?.data ?? [])
    .filter((m) => mergedIds.includes(m.survivor.id) && !known.has(m.id) && !seen.has(m.id) && seen.add(m.id));
}

/** The merges this lead took part in, with undo for 30 days. */
export function MergeHistoryCard({ lead }: { lead: Lead }) {
  const merges = useLeadMerges(lead.id);
  const [undoing, setUndoing] = useState<string | null>(null);
  const list = merges.data?.data ?? [];
  const earlier = useEarlierMerges(lead.id, list);
  if (list.length === 0) return null;
  return (
    <Card aria-label="Merge history">
      <Text fw={650} mb="sm">
        Merge history
      </Text>
      <Stack gap="sm">
        {list.map((merge) => (
          <Entry key={merge.id} merge={merge} lead={lead} onUndo={setUndoing} />
        ))}
      </Stack>
      {earlier.length > 0 && (
        <>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="md" mb={6}>
            Earlier, into the merged leads
          </Text>
          <Stack gap="sm">
            {earlier.map((merge) => (
              <Entry key={merge.id} merge={merge} lead={lead} onUndo={setUndoing} />
            ))}
          </Stack>
        </>
      )}
      <UndoMergeModal mergeId={undoing} onClose={() => setUndoing(null)} onSwitch={setUndoing} />
    </Card>
  );
}
