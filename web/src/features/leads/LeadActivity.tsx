import { Button, Card, Group, Select, Skeleton, Stack, Text, Timeline } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import { useCan, useMe } from '../auth/session';
import { useCustomFields } from './customFields.queries';
import { fieldLabel } from './FieldInput';
import { leadsKeys } from './leads.queries';
import type { Lead, TimelineItem } from './leads.types';
import { NoteComposer } from './NoteComposer';
import type { Stage } from './stages';
import { TimelineBullet, TimelineEntry, visibleChanges } from './TimelineEntry';
import { useAddNote, useDeleteNote, useEditNote, useTimeline } from './timeline.queries';

const kindsOptions = [
  { value: 'all', label: 'Everything' },
  { value: 'note', label: 'Notes' },
  { value: 'activity', label: 'Calls and follow-ups' },
  { value: 'email,email_event', label: 'Emails' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'stage,assignment', label: 'Moves' },
  { value: 'change', label: 'Changes' },
];

const emptyTexts: Record<string, string> = {
  note: 'No notes yet.',
  activity: 'No calls or follow-ups yet.',
  'email,email_event': 'No emails yet.',
  whatsapp: 'No WhatsApp messages yet.',
};

/** Messages still on their way: while one is shown, the timeline asks again so its status moves on its own. */
function inFlight(item: TimelineItem): boolean {
  if (item.email) return ['queued', 'sending', 'retrying'].includes(item.email.status);
  if (item.whatsapp) return item.whatsapp.direction === 'outbound' && ['queued', 'sent'].includes(item.whatsapp.status);
  return false;
}

/**
 * The lead's story, newest first (notes, calls and follow-ups, emails, WhatsApp, stage moves, assignments, field
 * changes), narrowed by kind, and a box to add a note.
 */
export function LeadActivity({ lead, stages }: { lead: Lead; stages: readonly Stage[] }) {
  const me = useMe();
  const canNote = useCan('leads:write') && lead.editable.length > 0;
  const [kinds, setKinds] = useState('all');
  const timeline = useTimeline(lead.id, kinds === 'all' ? null : kinds);
  const customFields = useCustomFields();
  const add = useAddNote(lead.id);
  const edit = useEditNote(lead.id);
  const remove = useDeleteNote(lead.id);
  const [addError, setAddError] = useState<string | null>(null);
  const [editing, setEditing] = useState<TimelineItem | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TimelineItem | null>(null);

  const labelOf = (field: string) =>
    fieldLabel(
      field,
      customFields.data?.find((d) => `customFields.${d.key}` === field),
    );
  const items = (timeline.data?.pages.flatMap((page) => page.data) ?? []).filter(
    (item) => item.kind !== 'change' || visibleChanges(item).length > 0,
  );
  const queryClient = useQueryClient();
  const pending = items.some(inFlight);
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(lead.id) });
    }, 8000);
    return () => clearInterval(timer);
  }, [pending, queryClient, lead.id]);
  // The server decides; offering the menu only on one's own notes (or to an admin) avoids a certain refusal.
  const mayChange = (item: TimelineItem) => item.actor?.id === me.user.id || me.user.role === 'ADMIN';

  return (
    <Card>
      <Group justify="space-between" mb="md" gap="sm">
        <Text fw={650}>Activity</Text>
        <Select
          size="xs"
          data={kindsOptions}
          value={kinds}
          onChange={(value) => setKinds(value ?? 'all')}
          allowDeselect={false}
          aria-label="Show"
          w={190}
        />
      </Group>

      {canNote && (
        <div style={{ marginBottom: 'var(--mantine-spacing-lg)' }}>
          <NoteComposer
            pending={add.isPending}
            error={addError}
            onSubmit={async (body) => {
              setAddError(null);
              try {
                await add.mutateAsync(body);
                return true;
              } catch (error) {
                setAddError(errorMessage(error));
                return false;
              }
            }}
          />
        </div>
      )}

      {timeline.isPending ? (
        <Stack gap="sm">
          {[0, 1, 2].map((row) => (
            <Skeleton key={row} h={44} />
          ))}
        </Stack>
      ) : timeline.isError ? (
        <ErrorAlert error={timeline.error} onRetry={() => timeline.refetch()} title="Could not load the activity" />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {emptyTexts[kinds] ?? 'Nothing to show yet.'}
        </Text>
      ) : (
        <Timeline bulletSize={26} lineWidth={2} aria-label="Activity">
          {items.map((item) => (
            <Timeline.Item key={`${item.kind}-${item.id}`} bullet={<TimelineBullet item={item} stages={stages} />}>
              {editing?.id === item.id && item.note ? (
                <NoteComposer
                  initial={item.note.body}
                  label="Edit note"
                  submitLabel="Save note"
                  autoFocus
                  pending={edit.isPending}
                  error={editError}
                  onCancel={() => setEditing(null)}
                  onSubmit={async (body) => {
                    setEditError(null);
                    try {
                      await edit.mutateAsync({ noteId: item.id, body });
                      setEditing(null);
                      return true;
                    } catch (error) {
                      setEditError(errorMessage(error));
                      return false;
                    }
                  }}
                />
              ) : (
                <TimelineEntry
                  item={item}
                  stages={stages}
                  labelOf={labelOf}
                  mayChange={canNote && mayChange(item)}
                  onEdit={() => {
                    setEditError(null);
                    setEditing(item);
                  }}
                  onDelete={() => setDeleting(item)}
                />
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {timeline.hasNextPage && (
        <Group justify="center" mt="md">
          <Button
            variant="light"
            size="xs"
            onClick={() => timeline.fetchNextPage()}
            loading={timeline.isFetchingNextPage}
          >
            Show older
          </Button>
        </Group>
      )}

      <ConfirmModal
        opened={deleting !== null}
        title="Delete note"
        confirmLabel="Delete note"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => setDeleting(null),
            onError: (error) => notifyError(error, 'Could not delete the note'),
          })
        }
      >
        <Text size="sm">Delete this note? Its mentions stay notified.</Text>
      </ConfirmModal>
    </Card>
  );
}
