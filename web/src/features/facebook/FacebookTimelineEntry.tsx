import { Stack, Text } from '@mantine/core';
import { IconBrandFacebook } from '@tabler/icons-react';
import type { TimelineItem } from '../leads/leads.types';

type FacebookLead = NonNullable<TimelineItem['facebook_lead']>;

/** A lead's Lead Ads entry: the form, ad and campaign it came through, and the answers no field took. */
export function presentFacebookLead(entry: FacebookLead) {
  const via = [entry.formName ?? (entry.formId ? `form ${entry.formId}` : null), entry.adName, entry.campaignName]
    .filter(Boolean)
    .join(' · ');
  return {
    icon: <IconBrandFacebook size={13} />,
    color: 'blue',
    body: (
      <Stack gap={2}>
        <Text size="sm">
          {entry.status === 'created' ? 'Came in from a Facebook lead ad' : 'Submitted a Facebook lead ad again'}
          {via ? ` (${via})` : ''}
        </Text>
        {entry.unmapped.map((answer) => (
          <Text key={answer.name} size="sm" style={{ overflowWrap: 'anywhere' }}>
            <Text span c="dimmed">
              {answer.name}:
            </Text>{' '}
            {answer.values.join(', ')}
          </Text>
        ))}
      </Stack>
    ),
    detail: entry.adsetName ? `ad set ${entry.adsetName}` : null,
  };
}
