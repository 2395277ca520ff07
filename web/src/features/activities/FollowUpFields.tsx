import { SegmentedControl, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { FollowUpChannel } from './activities.types';
import { channelLabels } from './activities.types';
import { DueInput } from './DueInput';

export interface FollowUpDraft {
  type: 'follow_up' | 'meeting';
  channel: FollowUpChannel;
  title: string;
  dueAt: Date | null;
  location: string;
}

export function emptyFollowUp(overrides: Partial<FollowUpDraft> = {}): FollowUpDraft {
  return { type: 'follow_up', channel: 'call', title: '', dueAt: null, location: '', ...overrides };
}

/** Where a meeting or visit happens matters; a call or email has no place. */
export function needsLocation(draft: FollowUpDraft): boolean {
  return draft.type === 'meeting' || ['meeting', 'demo', 'site_visit'].includes(draft.channel);
}

/** The server's default titles ("Call Kiran Rao"), shown as the placeholder so a blank title is no surprise. */
const titleVerbs: Record<FollowUpChannel, string> = {
  call: 'Call',
  meeting: 'Meet',
  demo: 'Demo for',
  site_visit: 'Site visit to',
  email: 'Email',
  whatsapp: 'WhatsApp',
  other: 'Follow up with',
};

const channelOptions = Object.entries(channelLabels).map(([value, label]) => ({ value, label }));

export type FollowUpErrors = Partial<Record<'type' | 'channel' | 'title' | 'dueAt' | 'location', string>>;

/** What, how and when of a follow-up or meeting: shared by scheduling, completing with a next step, and logging. */
export function FollowUpFields({
  draft,
  onChange,
  errors = {},
  leadName,
}: {
  draft: FollowUpDraft;
  onChange: (draft: FollowUpDraft) => void;
  errors?: FollowUpErrors;
  leadName?: string;
}) {
  const set = <K extends keyof FollowUpDraft>(key: K, value: FollowUpDraft[K]) => onChange({ ...draft, [key]: value });
  const defaultTitle =
    draft.type === 'meeting'
      ? `Meeting with ${leadName ?? 'the lead'}`
      : `${titleVerbs[draft.channel]} ${leadName ?? 'the lead'}`;
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="Kind"
        value={draft.type}
        onChange={(value) => set('type', value === 'meeting' ? 'meeting' : 'follow_up')}
        data={[
          { value: 'follow_up', label: 'Follow-up' },
          { value: 'meeting', label: 'Meeting' },
        ]}
        fullWidth
      />
      <SimpleGrid cols={{ base: 1, xs: draft.type === 'follow_up' ? 2 : 1 }} spacing="sm">
        {draft.type === 'follow_up' && (
          <Select
            label="How"
            data={channelOptions}
            value={draft.channel}
            onChange={(value) => value && set('channel', value as FollowUpChannel)}
            allowDeselect={false}
            error={errors.channel}
          />
        )}
        <TextInput
          label="Title"
          placeholder={defaultTitle}
          value={draft.title}
          onChange={(event) => set('title', event.currentTarget.value)}
          maxLength={200}
          error={errors.title}
        />
      </SimpleGrid>
      <DueInput value={draft.dueAt} onChange={(value) => set('dueAt', value)} error={errors.dueAt} />
      {needsLocation(draft) && (
        <TextInput
          label="Where"
          placeholder="Address, meeting room or video link"
          value={draft.location}
          onChange={(event) => set('location', event.currentTarget.value)}
          maxLength={300}
          error={errors.location}
        />
      )}
    </Stack>
  );
}

/** The draft as the API takes it (for a new activity or a completion's `next`); null when no time is set. */
export function followUpBody(draft: FollowUpDraft) {
  if (!draft.dueAt) return null;
  return {
    type: draft.type,
    dueAt: draft.dueAt.toISOString(),
    ...(draft.type === 'follow_up' ? { channel: draft.channel } : {}),
    ...(draft.title.trim() ? { title: draft.title.trim() } : {}),
    ...(needsLocation(draft) && draft.location.trim() ? { location: draft.location.trim() } : {}),
  };
}

/** Server field errors of a follow-up, with or without a prefix (`next.dueAt` when completing). */
export function followUpErrorsOf(fieldErrors: Record<string, string | undefined>, prefix = ''): FollowUpErrors {
  const pick = (field: keyof FollowUpErrors) => fieldErrors[`${prefix}${field}`];
  return {
    type: pick('type'),
    channel: pick('channel'),
    title: pick('title'),
    dueAt: pick('dueAt'),
    location: pick('location'),
  };
}
